/**
 * Ingestion rules added for figure recall (issue 12 §4), each on sentences we
 * wrote: counts written in words, the lower end of a range, "N/N" counts,
 * money-per-money ratios, communes named in route descriptions, gates listed
 * after "border gates", "the Industrial Park" as a reference, a feature placed
 * by its name met elsewhere or by the unit its sentence is about, "the
 * commune" only for a commune named just before, and units after "such as"
 * that are examples, not the figure's place.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { findFigures, numberWords } from '../server/ingest/figures.ts';
import { ingest } from '../server/ingest/index.ts';
import { findGateMentions, findUnitMentions } from '../server/ingest/places.ts';
import { sentences } from '../server/ingest/text.ts';
import type { FeatureCandidate, IndicatorCandidate, IngestResult } from '../server/ingest/types.ts';
import { runDatabase } from './helpers.ts';

const database = runDatabase();
afterAll(() => database.close());

const source = { title: 'An article we wrote', url: 'https://example.org/recall' };
const figs = (text: string) =>
  findFigures(text, sentences(text)).map((f) => [f.text, f.value, f.unit] as [string, number, string]);

/** The candidate a figure (by its text) went to: a feature's name or an indicator's unit code. */
function ownerOf(r: IngestResult, figureText: string): string | null {
  const fig = r.figures.find((f) => f.text === figureText);
  if (!fig) throw new Error(`no figure "${figureText}" in ${r.figures.map((f) => f.text).join(' | ')}`);
  const c = r.candidates.find((x) => x.figures.includes(fig.id));
  if (!c) return null;
  if (c.type === 'indicator') return (c as IndicatorCandidate).unit_code;
  const f = c as FeatureCandidate;
  const place = r.places.find((p) => p.id === f.place);
  return `${f.properties.name as string} @ ${place?.unit?.code ?? place?.road?.ref ?? 'none'}`;
}

describe('counts written in words', () => {
  it('reads English and Vietnamese number words before a count noun', () => {
    expect(numberWords('twenty-five, a dozen, two dozen, one hundred and five').map((w) => w.value)).toEqual([
      25, 12, 24, 105,
    ]);
    expect(numberWords('hai trăm, ba trăm linh năm, mười hai, bốn mươi lăm').map((w) => w.value)).toEqual([
      200, 305, 12, 45,
    ]);
    expect(figs('The district opened two new clinics and a dozen stalls, and one 2-storey school.')).toEqual([
      ['two new clinics', 2, 'clinics'],
      ['a dozen stalls', 12, 'kiosks'],
      ['one 2-storey school', 1, 'schools'],
    ]);
    expect(figs('Gần ba trăm hộ dân được cấp nước; bốn doanh nghiệp đã thuê đất.')).toEqual([
      ['Gần ba trăm hộ dân', 300, 'households'],
      ['bốn doanh nghiệp', 4, 'enterprises'],
    ]);
  });

  it('reads "no households" / "không còn hộ" as none', () => {
    expect(figs('The district now has no households classified as poor.')).toEqual([
      ['no households', 0, 'households'],
    ]);
    expect(figs('Đến cuối năm, xã không còn hộ nghèo.')).toEqual([['không còn hộ', 0, 'households']]);
    expect(figs('There is no doubt; no rain fell.')).toEqual([]);
  });

  it('leaves alone what is no count: "the two communes", "one of", "Năm 2024", a name', () => {
    expect(figs('The two communes share one of the largest lakes.')).toEqual([]);
    expect(figs('Năm 2024, Ba Bể đón nhiều khách; one dong buys little.')).toEqual([]);
  });
});

describe('ranges, parts and ratios', () => {
  it('gives the lower end of a range the unit of the upper end', () => {
    expect(figs('Stalls are on 2-4 floors.')).toEqual([
      ['2', 2, 'floors'],
      ['4 floors', 4, 'floors'],
    ]);
    expect(figs('Mỗi hộ được hỗ trợ từ 30 đến 50 triệu đồng.')).toEqual([
      ['30', 0.03, 'bn_vnd'],
      ['50 triệu đồng', 0.05, 'bn_vnd'],
    ]);
    expect(figs('in the 2021-2025 period')).toEqual([]);
  });

  it('counts "N/N" as N, and reads money per money as a ratio', () => {
    expect(figs('The district finished 9/9 rural road projects.')).toEqual([['9', 9, 'projects']]);
    expect(figs('From "1 VND" of state money the district drew "3 VND" of private money.')).toEqual([
      ['3 VND', 3, 'ratio'],
    ]);
    expect(figs('Cứ 1 đồng vốn ngân sách, huyện thu hút thêm 4 đồng vốn doanh nghiệp.')).toEqual([
      ['4 đồng', 4, 'ratio'],
    ]);
    expect(figs('You have 300/300 characters left')).toEqual([]);
  });
});

describe('places named without a kind', () => {
  it('finds the communes a route joins, of the article\'s province only, not a "bản"', () => {
    expect(
      findUnitMentions('Tỉnh nâng cấp tuyến đường Quảng Uyên - Hạnh Phúc - bản Nà Lũng.').map((m) => [
        m.name,
        m.anchored,
      ]),
    ).toEqual([
      ['Quảng Uyên', true],
      ['Hạnh Phúc', true],
    ]);
  });

  it("resolves a route's communes to the article's province", async () => {
    const r = await ingest(database.db, {
      text: 'Cao Bằng province has resurfaced the Quang Uyen - Hanh Phuc route, 18 km long, for VND 60 billion.',
      source,
      published: '2025-10-01',
      lang: 'en',
    });
    const codes = r.places.filter((p) => p.kind === 'unit').map((p) => p.unit!.code);
    expect(codes).toEqual(expect.arrayContaining(['04', '01576', '01618']));
    expect(codes).not.toContain('04585'); // Hạnh Phúc of Lào Cai
  });

  it("takes no route end outside the article's provinces", async () => {
    const r = await ingest(database.db, {
      text: 'Cao Bằng province has resurfaced the Quang Uyen - Ha Noi route.',
      source,
      published: '2025-10-01',
      lang: 'en',
    });
    expect(
      r.places
        .filter((p) => p.kind === 'unit')
        .map((p) => p.unit!.code)
        .sort(),
    ).toEqual(['01576', '04']);
  });

  it('lists gates after "border gates" or before it', () => {
    expect(
      findGateMentions('Trade between the border gates: Tra Linh - Ta Lung rose.').map((g) => g.name),
    ).toEqual(['Tra Linh', 'Ta Lung']);
    expect(
      findGateMentions('Goods pass the Tra Linh, Ta Lung and Soc Giang border gates.').map((g) => g.name),
    ).toEqual(['Tra Linh', 'Ta Lung', 'Soc Giang']);
    expect(
      findGateMentions('Hàng hóa qua các cửa khẩu Trà Lĩnh, Tà Lùng và Sóc Giang tăng.').map((g) => g.name),
    ).toEqual(['Trà Lĩnh', 'Tà Lùng', 'Sóc Giang']);
  });
});

describe('which feature or unit a figure belongs to', () => {
  it('"the Industrial Park" goes on about the park named before it', async () => {
    const r = await ingest(database.db, {
      text: [
        'Phuc Hoa Industrial Park (Phuc Hoa commune, Cao Bang province) opened in 2020 on 40 hectares.',
        'Its secondary investors now employ 700 workers. Currently, the Industrial Park is preparing phase 2 with an area of 25 hectares.',
        'Later, Hoa An Industrial Park in Hoa An commune was licensed with VND 300 billion. The Industrial Park is a new hope for Hoa An.',
      ].join('\n'),
      source,
      published: '2025-10-01',
      lang: 'en',
    });
    expect(ownerOf(r, '25 hectares')).toBe('Phuc Hoa Industrial Park @ 01648');
    expect(ownerOf(r, 'VND 300 billion')).toBe('Hoa An Industrial Park @ 01654');
  });

  it('follows "the investor" from sentence to sentence', async () => {
    const r = await ingest(database.db, {
      text: [
        'Ly Quoc Industrial Park started construction in Ly Quoc commune, Cao Bang province, on nearly 30 hectares.',
        'The site was chosen for its flat land.',
        'It is known that the investor brought in heavy machines right after the ceremony.',
        'Up to now, the investor has levelled 35% of the area.',
      ].join(' '),
      source,
      published: '2025-10-01',
      lang: 'en',
    });
    expect(ownerOf(r, '35%')).toBe('Ly Quoc Industrial Park @ 01537');
  });

  it('places a feature by its name met elsewhere with a commune', async () => {
    const r = await ingest(database.db, {
      text: [
        'Cao Bang province set up two industrial parks: Bach Dang in Bach Dang commune and Dam Thuy in Dam Thuy commune.',
        'Both will be built from 2026.',
        'Dam Thuy Industrial Park has an area of 45.5 hectares.',
      ].join(' '),
      source,
      published: '2025-10-01',
      lang: 'en',
    });
    expect(ownerOf(r, '45.5 hectares')).toBe('Dam Thuy Industrial Park @ 01501');
  });

  it('places a nameless feature at the commune its sentence speaks of', async () => {
    const r = await ingest(database.db, {
      text: [
        'Cao Bằng province has moved families out of landslide areas.',
        'Mr. Nong Van Tu (Na Pan hamlet, Nguyen Hue commune): my family lived far from the commune center.',
        'Last year, my family received 60 million VND to build a house in the resettlement area near the commune center.',
      ].join('\n'),
      source,
      published: '2025-10-01',
      lang: 'en',
    });
    expect(ownerOf(r, '60 million VND')).toMatch(/@ 01699$/);
  });

  it('"the commune" is not a commune named many sentences before', async () => {
    const r = await ingest(database.db, {
      text: [
        'Bế Văn Đàn commune of Cao Bằng province paved its roads in 2024.',
        'The province then turned to its schools. Teachers were trained. Books were bought. Buses were hired.',
        'Up to now, 100% of hamlets in the commune have mobile signal.',
        'The share of households with 4G is 100%.',
      ].join(' '),
      source,
      published: '2025-10-01',
      lang: 'en',
    });
    const last = r.figures.filter((f) => f.text === '100%').at(-1)!;
    const c = r.candidates.find((x) => x.figures.includes(last.id)) as IndicatorCandidate;
    expect(c.unit_code).toBe('04');
  });

  it('gives a figure followed by "such as" examples to the unit before them', async () => {
    const r = await ingest(database.db, {
      text: 'Cao Bằng province completed 12/12 rural road projects, such as the road to the center of Ly Quoc commune.',
      source,
      published: '2025-10-01',
      lang: 'en',
    });
    expect(ownerOf(r, '12')).toBe('04');
  });
});
