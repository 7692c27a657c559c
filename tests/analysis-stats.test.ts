import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useApp } from './helpers.ts';

const app = useApp();
const database = app.database;

async function get(path: string): Promise<any> {
  const res = await fetch(`${app.base}${path}`);
  expect(res.status, path).toBe(200);
  return res.json();
}

const sum = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) * 1000) / 1000;

describe('GET /api/stats/distance-bands', () => {
  for (const by of ['none', 'province', 'category']) {
    it(`band totals add up to the total within the last edge (by=${by})`, async () => {
      const body = await get(`/api/stats/distance-bands?bands=0,5,20,50&by=${by}`);
      expect(sum(body.totals_by_band.map((b: any) => b.count))).toBe(body.totals.count);
      expect(sum(body.totals_by_band.map((b: any) => b.investment_bn_vnd))).toBe(
        body.totals.investment_bn_vnd,
      );
      expect(sum(body.rows.map((r: any) => r.count))).toBe(body.totals.count);
      expect(sum(body.rows.map((r: any) => r.investment_bn_vnd))).toBe(body.totals.investment_bn_vnd);
      expect(body.totals.count + body.beyond_last_edge.count + body.nearer_than_first_edge.count).toBe(
        body.all_projects.count,
      );
    });
  }

  it('holds exactly what near-border returns at the last edge', async () => {
    const bands = await get('/api/stats/distance-bands?bands=0,2,8,15');
    const near = await get('/api/analysis/near-border?km=15');
    expect(bands.totals.count).toBe(near.totals.count);
    expect(bands.totals.investment_bn_vnd).toBe(near.totals.investment_bn_vnd);
    for (const b of bands.totals_by_band) {
      const inBand = near.features.filter(
        (f: any) => f.properties.distance_km >= b.from_km && f.properties.distance_km < b.to_km,
      );
      // distance_km is rounded to the metre; the band is decided on the exact distance.
      expect(Math.abs(inBand.length - b.count)).toBeLessThanOrEqual(1);
    }
    expect(bands.beyond_last_edge.count).toBe(bands.all_projects.count - near.totals.count);
  });

  it('counts projects nearer than a first edge above 0 apart from the bands', async () => {
    const from0 = await get('/api/stats/distance-bands?bands=0,5,50');
    const from5 = await get('/api/stats/distance-bands?bands=5,50');
    expect(from5.nearer_than_first_edge.count).toBe(from0.totals_by_band[0].count);
    expect(from5.totals.count).toBe(from0.totals_by_band[1].count);
  });

  it('narrows to one neighbour', async () => {
    const all = await get('/api/stats/distance-bands?bands=0,100');
    const lao = await get('/api/stats/distance-bands?bands=0,100&neighbour=LAO');
    const near = await get('/api/analysis/near-border?km=100&neighbour=LAO');
    expect(lao.totals.count).toBe(near.totals.count);
    expect(lao.totals.count).toBeLessThan(all.totals.count);
  });
});

describe('GET /api/stats/investment', () => {
  it('adds up to every project and its money, whatever the grouping', async () => {
    const { rows } = await sql<{ n: number; money: number }>`
      SELECT count(*)::int AS n, sum(investment_bn_vnd)::float8 AS money FROM projects`.execute(database.db);
    for (const by of ['province', 'commune', 'category', 'year', 'funding']) {
      const body = await get(`/api/stats/investment?by=${by}`);
      expect(body.totals.count, by).toBe(rows[0]!.n);
      expect(body.totals.investment_bn_vnd, by).toBeCloseTo(rows[0]!.money, 3);
      expect(sum(body.rows.map((r: any) => r.count))).toBe(body.totals.count);
    }
  });

  it('reports units of before 2025 under the province of today', async () => {
    const body = await get('/api/stats/investment?by=province');
    const codes = body.rows.map((r: any) => r.province_code);
    expect(new Set(codes).size).toBe(codes.length);
    // Codes are reused across the reform (old Yên Bái was 15, today's Lào Cai is 15): every row must be
    // a province in force, and no province that ended may have a code no current one took.
    const { rows: current } = await sql<{ code: string }>`
      SELECT code FROM admin_units WHERE level = 'province' AND valid_to IS NULL`.execute(database.db);
    const now = new Set(current.map((r) => r.code));
    for (const c of codes) expect(now.has(c), c).toBe(true);
    const { rows } = await sql<{ code: string }>`
      SELECT code FROM admin_units WHERE level = 'province' AND valid_to IS NOT NULL`.execute(database.db);
    for (const r of rows) if (!now.has(r.code)) expect(codes).not.toContain(r.code);
  });

  it('filters by start year, category, status and province (code or name)', async () => {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM layer_projects
      WHERE start_year BETWEEN 2021 AND 2025 AND province_code = '22'`.execute(database.db);
    for (const province of ['22', 'Quảng Ninh', 'quang ninh']) {
      const body = await get(
        `/api/stats/investment?by=category&from=2021&to=2025&province=${encodeURIComponent(province)}`,
      );
      expect(body.totals.count).toBe(rows[0]!.n);
      expect(body.filters.province).toEqual({ code: '22', name: 'Quảng Ninh' });
    }
    const markets = await get('/api/stats/investment?by=category&category=market');
    expect(markets.rows.map((r: any) => r.category)).toEqual(['market']);
    const done = await get('/api/stats/investment?by=province&status=completed');
    const { rows: c } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM projects WHERE status = 'completed'`.execute(database.db);
    expect(done.totals.count).toBe(c[0]!.n);
  });

  it('within_km keeps exactly the projects near-border finds', async () => {
    const near = await get('/api/analysis/near-border?km=12');
    const body = await get('/api/stats/investment?by=commune&within_km=12');
    expect(body.totals.count).toBe(near.totals.count);
    expect(body.totals.investment_bn_vnd).toBe(near.totals.investment_bn_vnd);
    expect(body.filters.within_km).toBe(12);
  });
});

describe('GET /api/stats/border-length and /api/stats/accessibility on the seeded data', () => {
  it('answers an empty list with an explanation while no unit has a boundary', async () => {
    for (const by of ['province', 'commune']) {
      const body = await get(`/api/stats/border-length?by=${by}`);
      expect(body.rows).toEqual([]);
      expect(body.explanation).toMatch(/boundar/);
      expect(body.border.map((b: any) => b.neighbour).sort()).toEqual(['CHN', 'KHM', 'LAO']);
    }
  });

  it('measures every current commune from its seat', async () => {
    const body = await get('/api/stats/accessibility');
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM admin_units WHERE level = 'commune' AND valid_to IS NULL AND seat IS NOT NULL`.execute(
      database.db,
    );
    expect(body.rows).toHaveLength(rows[0]!.n);
    const muongNha = body.rows.find((r: any) => r.name === 'Mường Nhà');
    expect(muongNha.from).toBe('seat');
    expect(muongNha.border_gate).toMatch(/Tây Trang|A Pa Chải/);
    expect(muongNha.border_gate_km).toBeGreaterThan(0);
  });
});

describe('GET /api/stats/accessibility?f=geojson', () => {
  it('gives each commune as a point with the same figures', async () => {
    const table = await get('/api/stats/accessibility');
    const res = await fetch(`${app.base}/api/stats/accessibility?f=geojson`);
    expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    const fc = await res.json();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(table.rows.length);
    const { lon, lat, ...rest } = table.rows[0];
    expect(fc.features[0].geometry.coordinates).toEqual([lon, lat]);
    expect(fc.features[0].properties).toEqual(rest);
  });
});

describe('GET /api/units/{code}/indicators', () => {
  it("gives today's Y Tý the poverty rate 2021 → 2025 of the commune merged into it, with its source", async () => {
    const body = await get('/api/units/02701/indicators');
    expect(body.unit).toMatchObject({ name: 'Y Tý', level: 'commune', valid_to: null });
    const poverty = body.indicators.find((s: any) => s.indicator === 'poverty_rate_pct');
    expect(poverty.values.map((v: any) => [v.year, v.value])).toEqual([
      [2021, 50.79],
      [2025, 20.42],
    ]);
    for (const v of poverty.values) {
      expect(v.reported_for).toMatchObject({ slug: 'xa-y-ty-bat-xat', valid_to: '2025-06-30' });
      expect(v.sources[0]).toMatchObject({ publisher: 'Báo Lào Cai' });
      expect(v.sources[0].url).toMatch(/^https:/);
    }
    expect(body.predecessors.map((p: any) => p.slug)).toContain('xa-y-ty-bat-xat');
  });

  it('answers a code only a former unit had with that unit and its successor', async () => {
    const body = await get('/api/units/03364/indicators');
    expect(body.unit).toMatchObject({ name: 'Mường Nhà', valid_to: '2025-06-30' });
    expect(body.successors).toEqual([expect.objectContaining({ code: '03368', name: 'Mường Nhà' })]);
  });

  it("gives a unit's own figures without reported_for, and takes a slug", async () => {
    const body = await get('/api/units/xa-muong-nha/indicators');
    const pop = body.indicators.find((s: any) => s.indicator === 'population');
    expect(pop.values[0]).toMatchObject({ value: 9700, year: 2025, reported_for: null });
  });

  it('answers CSV, one row per figure, with source titles', async () => {
    const res = await fetch(`${app.base}/api/units/02701/indicators?f=csv`);
    const text = await res.text();
    expect(text).toMatch(/poverty_rate_pct,Poverty rate,percent,2021,,,50.79/);
    expect(text).toMatch(/Báo Lào Cai|Lào Cai national target programmes/);
  });

  it('answers 404 for an unknown code and 400 for a malformed one', async () => {
    expect((await fetch(`${app.base}/api/units/99999/indicators`)).status).toBe(404);
    const bad = await fetch(`${app.base}/api/units/${encodeURIComponent('1;drop')}/indicators`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).parameter).toBe('code');
  });
});
