/**
 * Statistics group by the 2025 units while keeping the history, on the
 * seeded data: projects attached to a district of before 2025 (huyện Quế
 * Phong, huyện Mường Khương, huyện Đầm Hà) or named by their article after an
 * old commune (thị trấn Kim Sơn) are counted under the 2025 units, a split
 * district once in a row of its own; `at`/`era` group by the units of an
 * earlier day and say what each became; indicators of an old district show
 * under the units that took it.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { UnitGraph } from '../server/gazetteer/rollup.ts';
import { runDatabase, useApp } from './helpers.ts';

const app = useApp();
const database = runDatabase();
afterAll(() => database.close());

async function get(path: string): Promise<any> {
  const res = await fetch(`${app.base}${path}`);
  expect(res.status, path).toBe(200);
  return res.json();
}

async function problem(path: string): Promise<any> {
  const res = await fetch(`${app.base}${path}`);
  expect(res.status, path).toBe(400);
  expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  return res.json();
}

async function idOf(slug: string): Promise<number> {
  const { rows } = await sql<{
    id: number;
  }>`SELECT id::int AS id FROM admin_units WHERE slug = ${slug}`.execute(database.db);
  return rows[0]!.id;
}

/** Projects whose unit is the unit of that slug. */
async function projectsOf(slug: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM projects p JOIN admin_units u ON u.id = p.unit_id WHERE u.slug = ${slug}`.execute(
    database.db,
  );
  return rows[0]!.n;
}

const names = (units: { name: string }[]) => units.map((u) => u.name);
const sum = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) * 1000) / 1000;

describe('UnitGraph: where a unit is on a day', () => {
  it('carries a unit forward whole, splits a district between its communes, and goes back to predecessors', async () => {
    const slugs = [
      'thi-tran-kim-son-que-phong',
      'huyen-que-phong',
      'xa-muong-nha',
      'tinh-lao-cai',
      'xa-que-phong',
    ];
    const ids = await Promise.all(slugs.map(idOf));
    const g = await UnitGraph.load(database.db, ids);
    const [kimSon, district, muongNha, laoCai, quePhong] = ids as [number, number, number, number, number];
    expect(g.at(kimSon, '2026-01-01')).toMatchObject({
      exact: true,
      units: [{ name: 'Quế Phong', code: '16738' }],
    });
    const split = g.at(district, '2026-01-01');
    expect(split.exact).toBe(false);
    expect(names(split.units)).toEqual(['Mường Quàng', 'Quế Phong', 'Thông Thụ', 'Tiền Phong', 'Tri Lễ']);
    // Split between communes of one province: still exactly that province.
    expect(g.provinceAt(district, '2026-01-01')).toMatchObject({ exact: true, units: [{ code: '40' }] });
    expect(g.at(district, '2024-01-01')).toMatchObject({
      exact: true,
      units: [{ code: '415', level: 'district' }],
    });
    // 2025 Mường Nhà came from three communes: on 2024-01-01 it is one of them, not exactly one.
    const back = g.at(muongNha, '2024-01-01');
    expect(back.exact).toBe(false);
    expect(back.units.map((u) => u.code).sort()).toEqual(['03364', '03367', '03368']);
    const province = g.at(laoCai, '2024-01-01');
    expect(names(province.units).sort()).toEqual(['Lào Cai', 'Yên Bái']);
    expect(g.at(quePhong, '2026-01-01')).toMatchObject({ exact: true, units: [{ id: quePhong }] });
  });
});

describe('GET /api/stats/investment by the 2025 units (default)', () => {
  it('gives by=commune rows of units in force today, a split district once, and adds up', async () => {
    const body = await get('/api/stats/investment?by=commune');
    const { rows: all } = await sql<{ n: number; money: number }>`
      SELECT count(*)::int AS n, sum(investment_bn_vnd)::float8 AS money FROM projects`.execute(database.db);
    expect(body.totals.count).toBe(all[0]!.n);
    expect(sum(body.rows.map((r: any) => r.count))).toBe(body.totals.count);
    expect(sum(body.rows.map((r: any) => r.investment_bn_vnd))).toBe(body.totals.investment_bn_vnd);
    const { rows: current } = await sql<{ code: string }>`
      SELECT code FROM admin_units WHERE valid_to IS NULL AND code IS NOT NULL`.execute(database.db);
    const now = new Set(current.map((r) => r.code));
    for (const r of body.rows) {
      if (r.split) {
        expect(r.commune_code).toBeNull();
        expect(r.split_between.length).toBeGreaterThan(1);
        for (const u of r.split_between) expect(now.has(u.code), u.code).toBe(true);
      } else {
        expect(now.has(r.commune_code), r.commune_code).toBe(true);
        expect(r.unit_level).not.toBe('district');
      }
    }
    // Projects attached to huyện Quế Phong: one row, split between the five communes that took it.
    const district = body.rows.find((r: any) => r.from.some((f: any) => f.code === '415') && r.split);
    expect(names(district.split_between)).toEqual([
      'Mường Quàng',
      'Quế Phong',
      'Thông Thụ',
      'Tiền Phong',
      'Tri Lễ',
    ]);
    expect(district).toMatchObject({ province_code: '40', unit_level: 'commune' });
    expect(district.count).toBe(await projectsOf('huyen-que-phong'));
    // Mường Khương's rural roads: split between its four 2025 communes.
    const mk = body.rows.find((r: any) => r.from.some((f: any) => f.code === '083'));
    expect(mk).toMatchObject({
      split: true,
      province_code: '15',
      count: await projectsOf('huyen-muong-khuong'),
    });
    expect(names(mk.split_between)).toEqual(['Bản Lầu', 'Cao Sơn', 'Mường Khương', 'Pha Long']);
    // xã Quế Phong holds the Kim Sơn market, its article's thị trấn Kim Sơn among what fed it.
    const quePhong = body.rows.find((r: any) => r.commune_code === '16738');
    expect(quePhong).toMatchObject({ commune: 'Quế Phong', split: false, split_between: [] });
    expect(quePhong.from).toContainEqual({
      code: '16738',
      name: 'Kim Sơn',
      kind: 'thị trấn',
      level: 'commune',
    });
    expect(quePhong.count).toBe(await projectsOf('xa-que-phong'));
  });

  it('gives by=province rows of provinces in force, Lào Cai fed by old Lào Cai', async () => {
    const body = await get('/api/stats/investment?by=province');
    const laoCai = body.rows.find((r: any) => r.province_code === '15');
    expect(laoCai).toMatchObject({ province: 'Lào Cai', split: false });
    expect(laoCai.from).toEqual([{ code: '10', name: 'Lào Cai', kind: 'tỉnh', level: 'province' }]);
    expect(body.rows.every((r: any) => !r.split)).toBe(true);
    expect(body.at).toBeUndefined();
  });

  it('answers CSV with the split and the units that fed a row as text', async () => {
    const text = await (await fetch(`${app.base}/api/stats/investment?by=commune&f=csv`)).text();
    const [head, ...lines] = text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(head).toBe(
      'commune_code,commune,unit_level,province_code,province,split_between,from,count,with_investment,investment_bn_vnd',
    );
    expect(lines.find((l) => l.includes('huyện Quế Phong (415)') && l.startsWith(',,'))).toMatch(
      /xã Mường Quàng \(16774\); xã Quế Phong \(16738\);/,
    );
  });
});

describe('GET /api/stats/investment?at= and ?era= (the history)', () => {
  it('groups by the units in force on 2024-01-01, each with what it became, and adds up to the same totals', async () => {
    const today = await get('/api/stats/investment?by=commune');
    const body = await get('/api/stats/investment?by=commune&at=2024-01-01');
    expect(body.at).toBe('2024-01-01');
    expect(body.totals).toEqual(today.totals);
    const kimSon = body.rows.find((r: any) => r.commune === 'Kim Sơn');
    expect(kimSon).toMatchObject({ commune_code: '16738', split: false });
    expect(kimSon.to).toEqual([{ code: '16738', name: 'Quế Phong', kind: 'xã', level: 'commune' }]);
    const district = body.rows.find((r: any) => r.commune_code === '415');
    expect(district).toMatchObject({ unit_level: 'district', province_code: '40' });
    expect(names(district.to)).toEqual(['Mường Quàng', 'Quế Phong', 'Thông Thụ', 'Tiền Phong', 'Tri Lễ']);
    // The article named a district for the Quế Phong boarding school the atlas places in xã Quế Phong.
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM projects p JOIN admin_units u ON u.id = p.unit_id
      LEFT JOIN admin_units a ON a.id = p.unit_as_named_id
      WHERE u.slug = 'huyen-que-phong' OR a.slug = 'huyen-que-phong'`.execute(database.db);
    expect(district.count).toBe(rows[0]!.n);
  });

  it('groups by the provinces of before 2025 with era=before-2025, as at=2025-06-30', async () => {
    const era = await get('/api/stats/investment?by=province&era=before-2025');
    const at = await get('/api/stats/investment?by=province&at=2025-06-30');
    expect(era.rows).toEqual(at.rows);
    expect(era.at).toBe('2025-06-30');
    const old = era.rows.find((r: any) => r.province_code === '10');
    expect(old).toMatchObject({ province: 'Lào Cai', from: [] });
    expect(old.to).toEqual([{ code: '15', name: 'Lào Cai', kind: 'tỉnh', level: 'province' }]);
    expect(era.rows.some((r: any) => r.province_code === '15')).toBe(false);
    const csv = await (
      await fetch(`${app.base}/api/stats/investment?by=province&era=before-2025&f=csv`)
    ).text();
    expect(csv).toMatch(/^\uFEFF?province_code,province,split_between,from,to,count/);
    expect(csv).toMatch(/\r\n10,Lào Cai,,,tỉnh Lào Cai \(15\),/);
  });

  it('refuses a bad day, a day with another grouping, and at with era, naming the parameter', async () => {
    for (const [q, parameter] of [
      ['by=commune&at=2024-02-30', 'at'],
      ['by=commune&at=2024', 'at'],
      ['by=province&at=1800-01-01', 'at'],
      ['by=category&at=2024-01-01', 'at'],
      ['by=year&era=before-2025', 'era'],
      ['by=province&era=1990', 'era'],
      ['by=province&at=2024-01-01&era=2025', 'era'],
    ] as const) {
      expect((await problem(`/api/stats/investment?${q}`)).parameter, q).toBe(parameter);
    }
  });
});

describe("a unit's indicators: those of the districts it took", () => {
  it("gives today's Lào Cai the figures of huyện Mường Khương, reported for the district", async () => {
    const body = await get('/api/units/15/indicators');
    expect(body.former_districts.map((d: any) => d.code)).toContain('083');
    const roads = body.indicators.find((s: any) => s.indicator === 'rural_road_length_km');
    expect(roads.values[0]).toMatchObject({
      value: 277,
      reported_for: { code: '083', name: 'Mường Khương', level: 'district', type: 'full' },
    });
  });

  it('gives xã Quế Phong the figures of huyện Quế Phong as partial, and keeps its merged communes', async () => {
    const body = await get('/api/units/16738/indicators');
    expect(body.unit).toMatchObject({ name: 'Quế Phong', valid_to: null });
    expect(body.former_districts).toEqual([expect.objectContaining({ code: '415', type: 'partial' })]);
    expect(body.predecessors.map((p: any) => p.name)).toContain('Kim Sơn');
    const grid = body.indicators.find((s: any) => s.indicator === 'grid_population_pct');
    expect(grid.values[0].reported_for).toMatchObject({ code: '415', type: 'partial' });
    const csv = await (await fetch(`${app.base}/api/units/16738/indicators?f=csv`)).text();
    expect(csv).toMatch(/grid_population_pct,.*,"Quế Phong \(415\), in part",/);
  });
});
