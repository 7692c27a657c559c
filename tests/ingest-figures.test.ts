/**
 * Ingestion without the database: HTML reduced to text, sentences, and
 * figures (value, canonical unit, qualifier, year or period) in Vietnamese
 * and English.
 */
import { describe, expect, it } from 'vitest';
import { findFigures, parseNumber } from '../server/ingest/figures.ts';
import { findRoadMentions, findUnitMentions } from '../server/ingest/places.ts';
import { fold, guessLang, htmlToText, normaliseText, sentences } from '../server/ingest/text.ts';

function figures(text: string) {
  const t = normaliseText(text);
  return findFigures(t, sentences(t)).map(({ text, value, unit, qualifier, year, period }) => ({
    text,
    value,
    unit,
    qualifier,
    year,
    period,
  }));
}

describe('numbers', () => {
  it('reads thousands and decimals in both conventions', () => {
    expect(parseNumber('1.200')).toBe(1200);
    expect(parseNumber('1,200')).toBe(1200);
    expect(parseNumber('2,5')).toBe(2.5);
    expect(parseNumber('3.2')).toBe(3.2);
    expect(parseNumber('1.234.567,8')).toBe(1234567.8);
    expect(parseNumber('0.125')).toBe(0.125);
    expect(parseNumber('x')).toBeNaN();
  });
});

describe('figures', () => {
  it('money in Vietnamese and English, canonical in billion VND', () => {
    expect(figures('Nhà máy nước gần 42 tỷ đồng, hoàn thành năm 2017.')).toEqual([
      { text: 'gần 42 tỷ đồng', value: 42, unit: 'bn_vnd', qualifier: 'nearly', year: 2017, period: null },
    ]);
    expect(figures('The plant cost nearly 42 billion VND.')[0]).toMatchObject({
      value: 42,
      qualifier: 'nearly',
    });
    expect(figures('Tổng vốn 1.200 tỷ đồng.')[0]).toMatchObject({ value: 1200, unit: 'bn_vnd' });
    expect(figures('a total of 1,200 billion')[0]).toMatchObject({ value: 1200, unit: 'bn_vnd' });
    expect(figures('It reached VND 2.5 trillion.')[0]).toMatchObject({
      text: 'VND 2.5 trillion',
      value: 2500,
    });
    expect(figures('khoảng 1,5 nghìn tỷ đồng')[0]).toMatchObject({ value: 1500, qualifier: 'about' });
    expect(figures('hỗ trợ 150 triệu đồng')[0]).toMatchObject({ value: 0.15, unit: 'bn_vnd' });
    expect(figures('more than VND2,048 billion')[0]).toMatchObject({ value: 2048, qualifier: 'over' });
  });

  it('areas, lengths, rates and counts', () => {
    const vi = figures('Chợ rộng hơn 6.000 m² với 389 ki-ốt, tỷ lệ lấp đầy 3,2%; dài 277 km; 45 ha.');
    expect(vi.map((f) => [f.value, f.unit, f.qualifier])).toEqual([
      [6000, 'm2', 'over'],
      [389, 'kiosks', 'exact'],
      [3.2, 'pct', 'exact'],
      [277, 'km', 'exact'],
      [45, 'ha', 'exact'],
    ]);
    const en = figures(
      'over 6,000 m2 and 389 kiosks serve more than 2,800 people; 105 rural traffic projects, 12 enterprises, 1,500 workers, 35 BTS stations and 20 hectares, up to 82.5%.',
    );
    expect(en.map((f) => [f.value, f.unit, f.qualifier])).toEqual([
      [6000, 'm2', 'over'],
      [389, 'kiosks', 'exact'],
      [2800, 'people', 'over'],
      [105, 'projects', 'exact'],
      [12, 'enterprises', 'exact'],
      [1500, 'workers', 'exact'],
      [35, 'bts_stations', 'exact'],
      [20, 'ha', 'exact'],
      [82.5, 'pct', 'up_to'],
    ]);
    expect(
      figures('with 21 target groups and 73 specific tasks, after 3 years').map((f) => [f.value, f.unit]),
    ).toEqual([
      [21, 'groups'],
      [73, 'tasks'],
    ]);
    expect(figures('lên đến 35 trạm BTS và khoảng 650 hộ')).toMatchObject([
      { value: 35, unit: 'bts_stations', qualifier: 'up_to' },
      { value: 650, unit: 'households', qualifier: 'about' },
    ]);
  });

  it('the year or period of the sentence; a year alone or a bare fraction is no figure', () => {
    expect(figures('In the 2021-2025 period the district built 105 projects.')[0]!.period).toEqual([
      2021, 2025,
    ]);
    expect(figures('Giai đoạn 2021 - 2025, huyện làm 277 km đường.')[0]!.period).toEqual([2021, 2025]);
    expect(figures('By the end of 2025, 97% of homes had power.')[0]!.year).toBe(2025);
    expect(figures('Năm 2024, tỷ lệ hộ nghèo còn 3,2%.')[0]).toMatchObject({ year: 2024, value: 3.2 });
    // a part of a whole of a count noun is two counts (tests/ingest-quality.test.ts); a bare one none
    expect(figures('In 2024 the commune met 44/52 goals.').map((f) => [f.value, f.unit, f.year])).toEqual([
      [44, 'goals', 2024],
      [52, 'goals', 2024],
    ]);
    expect(figures('In 2024 the plan was drawn at 1/500.')).toEqual([]);
    expect(figures('In 2023, 2024 and 2025 nothing was counted.')).toEqual([]);
  });

  it('ranges point into the text', () => {
    const t = normaliseText('Tổng vốn gần 42 tỷ đồng.');
    const [f] = findFigures(t, sentences(t));
    expect(t.slice(...f!.range)).toBe('gần 42 tỷ đồng');
  });
});

describe('text', () => {
  it('HTML without scripts, styles and navigation, paragraphs kept', () => {
    const t = htmlToText(
      '<html><head><style>p{}</style><script>var x = "5 tỷ đồng"</script></head><body><nav>Menu</nav><p>Một &amp; hai.</p><p>Ba<br>bốn</p><footer>x</footer></body></html>',
    );
    expect(t).toBe('Một & hai.\n\nBa\nbốn');
  });

  it('sentences in Vietnamese and English; decimals, refs and abbreviations do not end one', () => {
    const t = 'Resolution No. 23 covers 2.5 km of QL.4B. Xã Bản Qua có 3,2% hộ nghèo! Then more';
    expect(sentences(t).map(([s, e]) => t.slice(s, e))).toEqual([
      'Resolution No. 23 covers 2.5 km of QL.4B.',
      'Xã Bản Qua có 3,2% hộ nghèo!',
      'Then more',
    ]);
  });

  it('folding keeps offsets; the language is guessed', () => {
    expect(fold('Đầm Hà, Bát Xát')).toBe('dam ha, bat xat');
    expect(guessLang('Huyện Đầm Hà đã đầu tư các công trình của xã')).toBe('vi');
    expect(guessLang('The district invested in the roads of the commune')).toBe('en');
  });
});

describe('places in the text', () => {
  it('units with their kind in both languages, and the parents written after them', () => {
    const vi = findUnitMentions('Tại xã Bản Qua, huyện Bát Xát, tỉnh Lào Cai có chợ.');
    expect(vi.map((m) => [m.name, m.level, m.parents])).toEqual([
      ['Bản Qua', 'commune', ['huyện Bát Xát', 'tỉnh Lào Cai']],
      ['Bát Xát', 'district', ['tỉnh Lào Cai']],
      ['Lào Cai', 'province', []],
    ]);
    const en = findUnitMentions(
      'In Ban Qua commune, Bat Xat district and Muong Khuong district; Gia Phu commune (Bao Thang district).',
    );
    expect(en.map((m) => [m.name, m.level, m.parents])).toEqual([
      ['Ban Qua', 'commune', ['Bat Xat district']],
      ['Bat Xat', 'district', []],
      ['Muong Khuong', 'district', []],
      ['Gia Phu', 'commune', ['Bao Thang district']],
      ['Bao Thang', 'district', []],
    ]);
    expect(
      findUnitMentions('neighbouring communes Tien Phong, Muong Noc and Chau Kim').map((m) => m.name),
    ).toEqual(['Tien Phong', 'Muong Noc', 'Chau Kim']);
  });

  it('roads by reference in any spelling, and what they are part of', () => {
    const roads = findRoadMentions(
      'National Highway 4B, QL4B, QL.4B and Quốc lộ 4B; Provincial Road 544B, ĐT544B, DT.544B, tỉnh lộ 544B; provincial road 344, part of QL18C.',
    );
    expect(roads.map((r) => r.ref)).toEqual([
      'QL4B',
      'QL4B',
      'QL4B',
      'QL4B',
      'ĐT544B',
      'ĐT544B',
      'ĐT544B',
      'ĐT544B',
      'ĐT344',
      'QL18C',
    ]);
    expect(roads.find((r) => r.ref === 'ĐT344')!.part_of).toBe('QL18C');
  });
});
