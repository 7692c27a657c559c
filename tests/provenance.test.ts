import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { runDatabase } from './helpers.ts';

const database = runDatabase();
afterAll(() => database.close());

const tables = [
  ['admin_unit', 'admin_units'],
  ['border_gate', 'border_gates'],
  ['road', 'roads'],
  ['project', 'projects'],
  ['indicator', 'indicators'],
  ['country', 'countries'],
  ['border_segment', 'border_segments'],
] as const;

describe('provenance', () => {
  for (const [entity, table] of tables) {
    it(`every row of ${table} cites at least one source`, async () => {
      const { rows } = await sql<{ id: number }>`
        SELECT t.id FROM ${sql.table(table)} t
        WHERE NOT EXISTS (SELECT 1 FROM citations c WHERE c.entity = ${entity} AND c.entity_id = t.id)`.execute(
        database.db,
      );
      expect(rows).toEqual([]);
      const { rows: n } = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(database.db);
      expect(n[0]!.n).toBeGreaterThan(0);
    });
  }

  it('every feature location says how precise it is, approximate ones with an uncertainty', async () => {
    const { rows } = await sql<{ what: string }>`
      SELECT 'project ' || slug AS what FROM projects WHERE precision IS NULL OR (precision = 'approximate' AND NOT uncertainty_m > 0)
      UNION ALL SELECT 'gate ' || slug FROM border_gates WHERE precision IS NULL OR (precision = 'approximate' AND NOT uncertainty_m > 0)
      UNION ALL SELECT 'road ' || slug FROM roads WHERE precision IS NULL
      UNION ALL SELECT 'unit ' || slug FROM admin_units WHERE seat IS NOT NULL AND (seat_precision IS NULL OR (seat_precision = 'approximate' AND NOT seat_uncertainty_m > 0))
    `.execute(database.db);
    expect(rows).toEqual([]);
  });

  it('roads are drawn schematic, through at least two places', async () => {
    const { rows } = await sql<{ slug: string }>`
      SELECT slug FROM roads WHERE precision <> 'schematic' OR ST_NPoints(geom) < 2`.execute(database.db);
    expect(rows).toEqual([]);
  });

  it('every seeded location lies in Vietnam or within 5 km of it', async () => {
    const { rows } = await sql<{ what: string; km: number }>`
      WITH vn AS (SELECT geom FROM countries WHERE iso3 = 'VNM'),
      pts AS (
        SELECT 'project ' || slug AS what, geom FROM projects
        UNION ALL SELECT 'gate ' || slug, geom FROM border_gates
        UNION ALL SELECT 'unit ' || slug, seat FROM admin_units WHERE seat IS NOT NULL
      )
      SELECT what, ST_Distance(pts.geom::geography, vn.geom::geography) / 1000 AS km
      FROM pts, vn WHERE NOT ST_DWithin(pts.geom::geography, vn.geom::geography, 5000)`.execute(database.db);
    expect(rows).toEqual([]);
  });

  it('the four provinces of the articles are there with their 2025 codes', async () => {
    const { rows } = await sql<{ code: string; name: string }>`
      SELECT code, name FROM admin_units WHERE level = 'province' AND valid_to IS NULL ORDER BY code`.execute(
      database.db,
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        { code: '11', name: 'Điện Biên' },
        { code: '15', name: 'Lào Cai' },
        { code: '22', name: 'Quảng Ninh' },
        { code: '40', name: 'Nghệ An' },
      ]),
    );
  });

  it('thị trấn Kim Sơn ended on 2025-06-30 and is succeeded by xã Quế Phong', async () => {
    const { rows } = await sql<{ old: string; valid_to: string; successor: string; code: string }>`
      SELECT o.name AS old, o.valid_to::text, n.name AS successor, n.code
      FROM admin_units o JOIN unit_successors s ON s.unit_id = o.id JOIN admin_units n ON n.id = s.successor_id
      WHERE o.name = 'Kim Sơn' AND o.kind = 'thị trấn'`.execute(database.db);
    expect(rows).toEqual([{ old: 'Kim Sơn', valid_to: '2025-06-30', successor: 'Quế Phong', code: '16738' }]);
  });
});

describe('border segments', () => {
  // 100 m data runs shorter than surveyed lengths (official: China ~1,450 km,
  // Laos ~2,340 km, Cambodia ~1,140 km); the ranges allow for that.
  const sane: Record<string, [number, number]> = { CHN: [1200, 1500], LAO: [2000, 2400], KHM: [1000, 1250] };

  it('Vietnam has a land border with exactly China, Laos and Cambodia, each of a sane length', async () => {
    const { rows } = await sql<{ neighbour: string; km: number }>`
      SELECT neighbour, sum(length_m) / 1000 AS km FROM border_segments GROUP BY neighbour ORDER BY neighbour`.execute(
      database.db,
    );
    expect(rows.map((r) => r.neighbour)).toEqual(['CHN', 'KHM', 'LAO']);
    for (const r of rows) {
      const [lo, hi] = sane[r.neighbour]!;
      expect(r.km, r.neighbour).toBeGreaterThan(lo);
      expect(r.km, r.neighbour).toBeLessThan(hi);
    }
  });

  it('are stored short (at most 64 vertices) and their lengths add up to the spheroidal length', async () => {
    const { rows } = await sql<{ maxv: number; diff: number }>`
      SELECT max(ST_NPoints(geom)) AS maxv,
             abs(sum(length_m) - sum(ST_Length(geom::geography))) AS diff FROM border_segments`.execute(
      database.db,
    );
    expect(rows[0]!.maxv).toBeLessThanOrEqual(64);
    expect(rows[0]!.diff).toBeLessThan(1);
  });

  it('a distance query to the border can use the geography GiST index', async () => {
    // Few rows here, so the planner would rightly scan; forbid the scan to
    // check that the index matches the query shape the analysis uses.
    const plan = await database.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      const { rows } = await sql<{ 'QUERY PLAN': string }>`
        EXPLAIN SELECT id FROM border_segments
        WHERE ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint(103.16, 21.0), 4326)::geography, 10000)`.execute(
        trx,
      );
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/Index Scan using border_segments_ggix|Bitmap Index Scan on border_segments_ggix/);
  });
});

describe('layer_projects', () => {
  it('names today’s province, also for a project attached to a unit that ended in 2025', async () => {
    const { rows } = await sql<{ province_code: string }>`
      SELECT DISTINCT province_code FROM layer_projects ORDER BY 1`.execute(database.db);
    expect(rows.map((r) => r.province_code)).toEqual(['11', '15', '22', '40']);
  });
});
