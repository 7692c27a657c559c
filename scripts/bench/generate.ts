/**
 * Benchmark data at realistic scale, reproducible (fixed seeds), in a
 * database of its own so it never mixes with the articles' data:
 *
 *   ~3,300 commune polygons (Voronoi cells of seeded random points inside
 *   Vietnam's land polygon, clipped to it) grouped into 34 provinces,
 *   200,000 short road segments and 100,000 projects over Vietnam's land.
 *
 *   npm run bench:data                 # creates/refreshes border_atlas_bench
 *   BENCH_DATABASE_NAME=x npm run bench:data
 *
 * Countries and border segments come from data/countries.geojson through the
 * normal seed path; nothing else of data/ is loaded. The generator is
 * skipped when the database already holds this generator version.
 */
import { sql } from 'kysely';
import { loadData } from '../../seeds/load.ts';
import { readData } from '../../seeds/read.ts';
import { loadConfig } from '../../server/config.ts';
import { connect } from '../../server/db/connect.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import { ensureDatabase } from '../../server/db/postgis.ts';
import type { DB } from '../../server/db/types.ts';
import { postgisServer, projectRoot } from '../../server/prepare.ts';

export const GENERATOR_VERSION = 1;
export const SIZES = { communes: 3300, provinces: 34, roads: 200_000, projects: 100_000 };

const log = (m: string) => process.stderr.write(`[bench data] ${m}\n`);

/** Returns the URL of the benchmark database, generating it when needed. */
export async function benchDatabase(): Promise<string> {
  const config = loadConfig();
  const located = await postgisServer(config, log);
  const name = process.env.BENCH_DATABASE_NAME ?? 'border_atlas_bench';
  const url = await ensureDatabase(located.adminUrl, name);
  const database = connect(url, { max: 2, statementTimeoutMs: 30 * 60_000 });
  try {
    const db = database.db;
    await migrateToLatest(db);
    await sql`CREATE TABLE IF NOT EXISTS bench_meta (version int NOT NULL)`.execute(db);
    const { rows } = await sql<{ version: number }>`SELECT version FROM bench_meta`.execute(db);
    if (rows[0]?.version === GENERATOR_VERSION) {
      log(`${name} already holds generator v${GENERATOR_VERSION}`);
      return url;
    }
    const all = readData(`${projectRoot}/data`);
    const source = all.sources.find((s) => s.id === 'osm-geo-maps-countries-land-100m');
    if (!source) throw new Error('data/sources.json lacks osm-geo-maps-countries-land-100m');
    await loadData(db, {
      sources: [
        source,
        {
          id: 'bench-generator',
          title: 'Synthetic benchmark data',
          publisher: null,
          url: null,
          language: null,
          topic: null,
        },
      ],
      units: [],
      countries: all.countries,
      gates: [],
      roads: [],
      projects: [],
      indicatorDefinitions: [],
      indicators: [],
    });
    await generate(db);
    await sql`DELETE FROM bench_meta`.execute(db);
    await sql`INSERT INTO bench_meta VALUES (${GENERATOR_VERSION})`.execute(db);
    return url;
  } finally {
    await database.close();
  }
}

async function step(label: string, f: () => Promise<unknown>): Promise<void> {
  const t = performance.now();
  await f();
  log(`${label}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

async function generate(db: import('kysely').Kysely<DB>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await step('clear', () =>
      sql`TRUNCATE projects, roads, border_gates, indicators, unit_successors, admin_units RESTART IDENTITY CASCADE`.execute(
        trx,
      ),
    );
    await sql`DELETE FROM citations WHERE entity IN ('admin_unit','road','project')`.execute(trx);
    await step('communes (Voronoi cells clipped to Vietnam)', () =>
      sql`
        WITH vn AS (SELECT geom FROM countries WHERE iso3 = 'VNM'),
        parts AS (SELECT (ST_Dump(ST_Subdivide(geom, 256))).geom FROM vn),
        pts AS (SELECT ST_GeneratePoints(geom, ${SIZES.communes}, 42) AS g FROM vn),
        cells AS (SELECT (ST_Dump(ST_VoronoiPolygons(g))).geom AS cell FROM pts),
        seeds AS (
          SELECT c.cell, (SELECT d.geom FROM ST_Dump(pts.g) d WHERE ST_Contains(c.cell, d.geom) LIMIT 1) AS seat
          FROM cells c, pts
        ),
        clipped AS (
          SELECT s.seat, ST_Multi(ST_CollectionExtract(ST_Union(ST_Intersection(s.cell, p.geom)), 3)) AS boundary
          FROM seeds s JOIN parts p ON ST_Intersects(s.cell, p.geom)
          GROUP BY s.seat
        )
        INSERT INTO admin_units (slug, code, name, kind, level, seat, seat_precision, boundary, boundary_precision, valid_from, origin)
        SELECT 'bench-xa-' || n, lpad(n::text, 5, '0'), 'Xã Thử ' || n, 'xã', 'commune', seat, 'schematic', boundary, 'schematic', '2025-07-01', 'bench'
        FROM (SELECT row_number() OVER (ORDER BY ST_Y(seat) DESC, ST_X(seat)) AS n, * FROM clipped WHERE NOT ST_IsEmpty(boundary)) c
      `.execute(trx),
    );
    await step('provinces (k-means groups of communes)', () =>
      sql`
        WITH k AS (
          SELECT id, ST_ClusterKMeans(seat, ${SIZES.provinces}) OVER () AS grp FROM admin_units WHERE level = 'commune'
        ),
        prov AS (
          SELECT grp, ST_Multi(ST_CollectionExtract(ST_Union(u.boundary), 3)) AS boundary
          FROM k JOIN admin_units u USING (id) GROUP BY grp
        ),
        ins AS (
          INSERT INTO admin_units (slug, code, name, kind, level, seat, seat_precision, boundary, boundary_precision, valid_from, origin)
          SELECT 'bench-tinh-' || (grp + 1), 'P' || lpad((grp + 1)::text, 2, '0'), 'Tỉnh Thử ' || (grp + 1), 'tỉnh', 'province',
                 ST_PointOnSurface(boundary), 'schematic', boundary, 'schematic', '2025-07-01', 'bench'
          FROM prov RETURNING id, slug
        )
        UPDATE admin_units u SET parent_id = ins.id
        FROM k, ins WHERE u.id = k.id AND ins.slug = 'bench-tinh-' || (k.grp + 1)
      `.execute(trx),
    );
    await sql`SELECT setseed(0.42)`.execute(trx);
    await step(`roads (${SIZES.roads} segments)`, () =>
      sql`
        WITH vn AS (SELECT geom FROM countries WHERE iso3 = 'VNM'),
        starts AS (SELECT (ST_Dump(ST_GeneratePoints(geom, ${SIZES.roads}, 7))).geom AS p FROM vn),
        numbered AS (SELECT row_number() OVER (ORDER BY ST_X(p), ST_Y(p)) AS n, p FROM starts)
        INSERT INTO roads (slug, ref, name, class, geom, precision, origin)
        SELECT 'bench-road-' || n, NULL, 'Đường thử ' || n,
               (ARRAY['national','provincial','district','commune','rural','rural'])[1 + (n % 6)],
               ST_MakeLine(ARRAY[
                 p,
                 ST_Translate(p, 0.004 + 0.01 * ((n * 7919) % 100) / 100.0, 0.003 * (((n * 104729) % 200) - 100) / 100.0),
                 ST_Translate(p, 0.008 + 0.02 * ((n * 7919) % 100) / 100.0, 0.006 * (((n * 15485863) % 200) - 100) / 100.0)
               ]), 'schematic', 'bench'
        FROM numbered
      `.execute(trx),
    );
    await step(`projects (${SIZES.projects})`, () =>
      sql`
        WITH vn AS (SELECT geom FROM countries WHERE iso3 = 'VNM'),
        pts AS (SELECT (ST_Dump(ST_GeneratePoints(geom, ${SIZES.projects}, 11))).geom AS p FROM vn),
        numbered AS (SELECT row_number() OVER (ORDER BY ST_X(p), ST_Y(p)) AS n, p FROM pts),
        placed AS (
          SELECT n, p, (SELECT u.id FROM admin_units u WHERE u.level = 'commune' AND ST_Intersects(u.boundary, p) LIMIT 1) AS unit_id,
                 (SELECT u.id FROM admin_units u WHERE u.level = 'commune' ORDER BY u.seat <-> p LIMIT 1) AS nearest
          FROM numbered
        )
        INSERT INTO projects (slug, name, category, investment_bn_vnd, investment_qualifier, funding, start_year, end_year,
                              status, area_m2, unit_id, geom, precision, uncertainty_m, origin)
        SELECT 'bench-project-' || n, 'Dự án thử ' || n,
               (ARRAY['market','industrial_park','water_supply','waste_treatment','school','irrigation','road',
                      'electricity_grid','tourism','housing','health','bridge','other'])[1 + (n * 31 % 13)],
               round((1 + (n * 2654435761 % 100000) / 100.0)::numeric, 2), 'exact',
               (ARRAY['state_budget','non_budget','credit','socialised','sponsor','mixed'])[1 + (n * 17 % 6)],
               2010 + (n % 15), 2010 + (n % 15) + (n % 4),
               (ARRAY['planned','licensed','under_construction','completed','operating'])[1 + (n * 13 % 5)],
               100 * (1 + n % 500), COALESCE(unit_id, nearest), p, 'approximate', 100, 'bench'
        FROM placed
      `.execute(trx),
    );
    await step('kind details', () =>
      sql`
        INSERT INTO market_details (project_id, kiosks, floors_min, floors_max, floor_area_m2)
        SELECT id, 20 + id % 400, 1, 1 + id % 3, 500 + id % 8000 FROM projects WHERE category = 'market';
        INSERT INTO industrial_park_details (project_id, hectares, phase, occupancy_pct, enterprises, workers, investor)
        SELECT id, 20 + id % 300, '1', id % 100, id % 50, id % 5000, 'Công ty thử ' || id % 97 FROM projects WHERE category = 'industrial_park';
      `.execute(trx),
    );
    await step('citations', () =>
      sql`
        INSERT INTO citations (entity, entity_id, source_id)
        SELECT 'admin_unit', id, 'bench-generator' FROM admin_units
        UNION ALL SELECT 'road', id, 'bench-generator' FROM roads
        UNION ALL SELECT 'project', id, 'bench-generator' FROM projects
      `.execute(trx),
    );
    await sql`UPDATE data_version SET version = version + 1, updated_at = now()`.execute(trx);
  });
  await step('analyze', () => sql`ANALYZE`.execute(db));
  const { rows } = await sql<{ level: string; n: number }>`
    SELECT 'communes' AS level, count(*)::int AS n FROM admin_units WHERE level = 'commune'
    UNION ALL SELECT 'provinces', count(*)::int FROM admin_units WHERE level = 'province'
    UNION ALL SELECT 'roads', count(*)::int FROM roads
    UNION ALL SELECT 'projects', count(*)::int FROM projects`.execute(db);
  log(rows.map((r) => `${r.level}=${r.n}`).join(' '));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = await benchDatabase();
  process.stdout.write(`${url}\n`);
}
