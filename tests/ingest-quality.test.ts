/**
 * Ingestion's general rules, on short articles we wrote (vi and en):
 * namesakes told apart by the kind written and by the article's other
 * units, count nouns as their head noun, and border gates that carry their
 * commune's 2025 unit (and take the figures of "the gate").
 */
import { afterAll, describe, expect, it } from 'vitest';
import { findFigures } from '../server/ingest/figures.ts';
import { ingest } from '../server/ingest/index.ts';
import { sentences } from '../server/ingest/text.ts';
import type { IngestResult } from '../server/ingest/types.ts';
import { runDatabase } from './helpers.ts';

const database = runDatabase();
afterAll(() => database.close());

const source = { title: 'An article we wrote', url: 'https://example.org/article' };
const place = (r: IngestResult, name: string) => r.places.find((p) => p.unit?.name === name);
const units = (text: string) => findFigures(text, sentences(text)).map((f) => [f.value, f.unit]);

describe('namesakes', () => {
  it('"Nghia Do ward" is the phường, "xã Nghĩa Đô" the xã', async () => {
    const en = await ingest(database.db, {
      text: 'A library opened in Nghia Do ward this spring, with 12 reading rooms.',
      source,
      lang: 'en',
    });
    expect(place(en, 'Nghĩa Đô')!.unit).toMatchObject({ code: '00160', kind: 'phường' });
    const vi = await ingest(database.db, {
      text: 'Xã Nghĩa Đô vừa khánh thành nhà văn hóa mới, kinh phí 3 tỷ đồng.',
      source,
      lang: 'vi',
    });
    expect(place(vi, 'Nghĩa Đô')!.unit).toMatchObject({ code: '02953', kind: 'xã' });
  });

  it('old communes named in an article about the unit they went to are those old communes', async () => {
    const vi = await ingest(database.db, {
      text: 'Xã Mường Khương (tỉnh Lào Cai) được thành lập trên cơ sở thị trấn Mường Khương, xã Thanh Bình và xã Nấm Lư.',
      source,
      published: '2025-10-01',
      lang: 'vi',
    });
    const thanhBinh = place(vi, 'Thanh Bình')!;
    expect(thanhBinh.unit).toMatchObject({ code: '02779', era: 'before-2025' });
    expect(thanhBinh.current).toEqual(['02761']);
    const en = await ingest(database.db, {
      text: 'Since July 2025 Muong Khuong commune (Lao Cai province) takes in the former Thanh Binh commune.',
      source,
      published: '2025-10-01',
      lang: 'en',
    });
    expect(place(en, 'Thanh Bình')!.unit!.code).toBe('02779');
  });
});

describe('names without a kind', () => {
  it('"localities such as A, B" / "các địa phương như A, B" are units of the article\'s province', async () => {
    for (const text of [
      'Localities such as Pha Long and Cao Son of Lao Cai province paved their village roads.',
      'Các địa phương như Pha Long, Cao Sơn (tỉnh Lào Cai) đã bê tông hóa đường thôn.',
    ]) {
      const r = await ingest(database.db, { text, source });
      expect(place(r, 'Pha Long')!.current).toEqual(['02752']);
      expect(place(r, 'Cao Sơn')!.current).toEqual(['02782']);
    }
  });

  it("a gate no commune of the article holds is in the commune of its name, in the article's province", async () => {
    for (const text of [
      'Lao Cai province will upgrade the Pha Long border gate next year.',
      'Tỉnh Lào Cai sẽ nâng cấp cửa khẩu Pha Long trong năm tới.',
    ]) {
      const r = await ingest(database.db, { text, source });
      expect(r.places.find((p) => p.kind === 'border_gate')!.current).toEqual(['02752']);
    }
  });
});

describe('count nouns', () => {
  it('a count is its head noun: the first plural, compounds whole, a singular floor', () => {
    expect(units('About 1,150 trucks now pass every day.')).toEqual([[1150, 'trucks']]);
    expect(units('The province has 16 industrial parks and 73 categories of road works.')).toEqual([
      [16, 'industrial_parks'],
      [73, 'items'],
    ]);
    expect(units('The plan sets 21 groups of goals and 40 specific tasks.')).toEqual([
      [21, 'groups'],
      [40, 'tasks'],
    ]);
    expect(units('A market of 1 floor.')).toEqual([[1, 'floors']]);
    expect(units('Tỉnh có 16 khu công nghiệp, 21 nhóm nhiệm vụ và 73 hạng mục.')).toEqual([
      [16, 'industrial_parks'],
      [21, 'groups'],
      [73, 'items'],
    ]);
  });

  it('a part of a whole counts both; money per money and an n-fold rise are ratios', () => {
    expect(units('The commune has met 17/19 goals, on a map at a scale of 1/500.')).toEqual([
      [17, 'goals'],
      [19, 'goals'],
    ]);
    expect(units('Xã đạt 17/19 tiêu chí từ ngày 1/7/2025.')).toEqual([
      [17, 'goals'],
      [19, 'goals'],
    ]);
    expect(units('For every dong of budget the district drew 4 dongs from firms, a 2.5-fold rise.')).toEqual([
      [4, 'ratio'],
      [2.5, 'ratio'],
    ]);
    expect(
      units('Mỗi đồng ngân sách thu hút 4 đồng vốn khác; thu nhập tăng gấp 2,5 lần so với năm 2020.'),
    ).toEqual([
      [4, 'ratio'],
      [2.5, 'ratio'],
    ]);
  });
});

describe('border gates', () => {
  it("a gate's current is its commune's 2025 unit, and the figures of 'the gate' go there", async () => {
    const en = await ingest(database.db, {
      text: 'Lao Cai province is enlarging the Muong Khuong border gate, in Muong Khuong commune.\n\nAccording to the customs office, about 300 trucks pass through the gate every day.',
      source,
      published: '2025-10-01',
      lang: 'en',
    });
    const gate = en.places.find((p) => p.kind === 'border_gate')!;
    expect(gate.current).toEqual(['02761']);
    const trucks = en.figures.find((f) => f.unit === 'trucks')!;
    expect(en.candidates.find((c) => c.id === trucks.of)).toMatchObject({
      type: 'indicator',
      unit_code: '02761',
    });

    const vi = await ingest(database.db, {
      text: 'Tỉnh Lào Cai mở rộng cửa khẩu Mường Khương, xã Mường Khương.\n\nHiện hơn 40 doanh nghiệp làm thủ tục tại cửa khẩu này.',
      source,
      published: '2025-10-01',
      lang: 'vi',
    });
    expect(vi.places.find((p) => p.kind === 'border_gate')!.current).toEqual(['02761']);
    const firms = vi.figures.find((f) => f.unit === 'enterprises')!;
    expect(vi.candidates.find((c) => c.id === firms.of)).toMatchObject({
      type: 'indicator',
      unit_code: '02761',
    });
  });

  it("a district's current is the 2025 communes its communes went to, and its province's", async () => {
    for (const text of [
      'Huyện Mường Khương, tỉnh Lào Cai có 105 công trình giao thông nông thôn.',
      'Muong Khuong district of Lao Cai province built 105 rural roads.',
    ]) {
      const r = await ingest(database.db, { text, source });
      const district = r.places.find((p) => p.unit?.level === 'district')!;
      expect(district.unit!.code).toBe('083');
      expect(district.current).toEqual(['02752', '02761', '02782', '02788', '15']);
    }
  });
});
