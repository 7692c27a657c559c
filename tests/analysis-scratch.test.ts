/**
 * The analysis on data we construct, in a scratch database: the real
 * country borders from data/, three "communes" that cut Vietnam into west
 * (with Mường Nhà), middle and east by longitude (the east one shrunk 300 m
 * inside the border, as imported polygons never quite meet it), one inland
 * commune with a seat, and seeded-random markets, industrial parks, border
 * gates, roads and points along the whole border (Cambodia's at 10-14° N
 * included). Every figure is checked against Turf + Vincenty.
 */
import * as turf from '@turf/turf';
import type { LineString, Position } from 'geojson';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultDataDir } from '../seeds/index.ts';
import { loadData } from '../seeds/load.ts';
import { readData } from '../seeds/read.ts';
import type { Database } from '../server/db/connect.ts';
import {
  close,
  distanceToLine,
  ellipsoidalDistance,
  ellipsoidalLength,
  nearestOf,
} from './analysis-geodesy.ts';
import { useApp } from './helpers.ts';

const BOXES = {
  west: [100, 8, 103.2, 24],
  middle: [103.2, 8, 105.5, 24],
  east: [105.5, 8, 110, 24],
} as const;

let segments: { id: number; neighbour: string; geometry: LineString }[];

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function build(database: Database): Promise<void> {
  const db = database.db;
  const all = readData(defaultDataDir);
  await loadData(db, {
    sources: all.sources.filter((s) => s.id === 'osm-geo-maps-countries-land-100m'),
    units: [],
    countries: all.countries,
    gates: [],
    roads: [],
    projects: [],
    indicatorDefinitions: [],
    indicators: [],
  });
  await sql`
    INSERT INTO admin_units (slug, code, name, kind, level, seat, seat_precision, valid_from, origin)
    VALUES ('tinh-thu', '99', 'Tỉnh Thử', 'tỉnh', 'province', ST_Point(104, 21, 4326), 'schematic', '2025-07-01', 'test')`.execute(
    db,
  );
  for (const [i, [name, box]] of Object.entries(BOXES).entries()) {
    await sql`
      INSERT INTO admin_units (slug, code, name, kind, level, parent_id, boundary, boundary_precision, valid_from, origin)
      SELECT ${`xa-${name}`}, ${`9900${i}`}, ${name}, 'xã', 'commune', (SELECT id FROM admin_units WHERE slug = 'tinh-thu'),
             ST_Multi(ST_CollectionExtract(${
               name === 'east'
                 ? sql`ST_Buffer(ST_Intersection(v.geom, ST_MakeEnvelope(${box[0]}, ${box[1]}, ${box[2]}, ${box[3]}, 4326))::geography, -300)::geometry`
                 : sql`ST_Intersection(v.geom, ST_MakeEnvelope(${box[0]}, ${box[1]}, ${box[2]}, ${box[3]}, 4326))`
             }, 3)), 'schematic', '2025-07-01', 'test'
      FROM countries v WHERE v.iso3 = 'VNM'`.execute(db);
  }
  await sql`
    INSERT INTO admin_units (slug, code, name, kind, level, parent_id, seat, seat_precision, boundary, boundary_precision, valid_from, origin)
    SELECT 'xa-inland', '99009', 'inland', 'xã', 'commune', id, ST_Point(103.45, 21.3, 4326), 'surveyed',
           ST_Multi(ST_MakeEnvelope(103.3, 21.2, 103.5, 21.4, 4326)), 'schematic', '2025-07-01', 'test'
    FROM admin_units WHERE slug = 'tinh-thu'`.execute(db);

  const s = await sql<{ id: number; neighbour: string; geojson: string }>`
    SELECT id, neighbour, ST_AsGeoJSON(geom) AS geojson FROM border_segments ORDER BY id`.execute(db);
  segments = s.rows.map((r) => ({ id: r.id, neighbour: r.neighbour, geometry: JSON.parse(r.geojson) }));

  // Points near random border vertices, up to ~0.6° away on either side.
  const rnd = random(7);
  const vertices = segments.flatMap((x) => x.geometry.coordinates);
  const point = (spread: number): Position => {
    const v = vertices[Math.floor(rnd() * vertices.length)]!;
    return [v[0]! + (rnd() - 0.5) * spread, v[1]! + (rnd() - 0.5) * spread];
  };
  const rows: { slug: string; category: string; p: Position; money: number | null }[] = [];
  for (let i = 0; i < 240; i++)
    rows.push({ slug: `p-${i}`, category: 'school', p: point(1.2), money: i % 3 ? 10 + i : null });
  for (let i = 0; i < 40; i++) rows.push({ slug: `m-${i}`, category: 'market', p: point(3), money: 5 });
  for (let i = 0; i < 15; i++)
    rows.push({ slug: `ip-${i}`, category: 'industrial_park', p: point(3), money: 100 });
  for (const r of rows) {
    await sql`
      INSERT INTO projects (slug, name, category, investment_bn_vnd, unit_id, geom, precision, origin)
      VALUES (${r.slug}, ${r.slug}, ${r.category}, ${r.money}, (SELECT id FROM admin_units WHERE slug = 'tinh-thu'),
              ST_Point(${r.p[0]}, ${r.p[1]}, 4326), 'surveyed', 'test')`.execute(db);
  }
  await sql`INSERT INTO market_details (project_id, kiosks) SELECT id, 10 FROM projects WHERE category = 'market'`.execute(
    db,
  );
  await sql`INSERT INTO industrial_park_details (project_id, hectares) SELECT id, 50 FROM projects WHERE category = 'industrial_park'`.execute(
    db,
  );
  for (let i = 0; i < 6; i++) {
    const p = point(0.05);
    await sql`
      INSERT INTO border_gates (slug, name, kind, neighbour, geom, precision, origin)
      VALUES (${`g-${i}`}, ${`gate ${i}`}, 'main', 'LAO', ST_Point(${p[0]}, ${p[1]}, 4326), 'surveyed', 'test')`.execute(
      db,
    );
  }
  for (let i = 0; i < 60; i++) {
    const a = point(3);
    const b: Position = [a[0]! + (rnd() - 0.5) * 0.3, a[1]! + (rnd() - 0.5) * 0.3];
    await sql`
      INSERT INTO roads (slug, name, class, geom, precision, origin)
      VALUES (${`r-${i}`}, ${`road ${i}`}, 'rural', ST_MakeLine(ST_Point(${a[0]}, ${a[1]}, 4326), ST_Point(${b[0]}, ${b[1]}, 4326)), 'schematic', 'test')`.execute(
      db,
    );
  }
}

const app = useApp({ database: 'scratch', setup: build });

async function get(path: string): Promise<any> {
  const res = await fetch(`${app.base}${path}`);
  expect(res.status, path).toBe(200);
  return res.json();
}

describe('near-border on points along the whole border', () => {
  it('agrees with Turf + Vincenty on membership and distance within 0.5 %, Cambodia included', async () => {
    const fc = await get('/api/analysis/near-border?km=40');
    const { rows } = await sql<{ id: number; lon: number; lat: number }>`
      SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM projects`.execute(app.database.db);
    const got = new Map<number, any>(fc.features.map((f: any) => [f.properties.id, f.properties]));
    const neighbours = new Set<string>();
    for (const r of rows) {
      const n = nearestOf(
        [r.lon, r.lat],
        segments.map((s) => s.geometry),
      );
      const f = got.get(r.id);
      if (n.metres <= 40_000 * 0.995) expect(f, `project ${r.id} at ${n.metres} m`).toBeDefined();
      if (n.metres > 40_000 * 1.005) expect(f, `project ${r.id} at ${n.metres} m`).toBeUndefined();
      if (!f) continue;
      expect(
        close(f.distance_km * 1000, n.metres),
        `project ${r.id}: ${f.distance_km} km vs ${n.metres} m`,
      ).toBe(true);
      expect(f.neighbour).toBe(segments[n.index]!.neighbour);
      neighbours.add(f.neighbour);
    }
    expect(neighbours).toEqual(new Set(['CHN', 'LAO', 'KHM']));
  });
});

describe('GET /api/stats/border-length', () => {
  let body: any;
  beforeAll(async () => {
    body = await get('/api/stats/border-length?by=commune');
  });

  /** Border inside each box, per neighbour, by Turf's clip and Vincenty's lengths. */
  function expectedLengths(box: readonly number[]): Record<string, number> {
    const out: Record<string, number> = { CHN: 0, LAO: 0, KHM: 0 };
    for (const s of segments) {
      const clipped = turf.bboxClip(
        turf.feature(s.geometry),
        box as [number, number, number, number],
      ).geometry;
      const parts = clipped.type === 'LineString' ? [clipped.coordinates] : clipped.coordinates;
      for (const part of parts) out[s.neighbour] = out[s.neighbour]! + ellipsoidalLength(part as Position[]);
    }
    return out;
  }

  it('gives each commune the border along it, per neighbour, as Turf measures it', async () => {
    expect(body.rows.map((r: any) => r.name).sort()).toEqual(['east', 'middle', 'west']);
    for (const [name, box] of Object.entries(BOXES)) {
      const row = body.rows.find((r: any) => r.name === name);
      const want = expectedLengths(box);
      for (const n of ['CHN', 'LAO', 'KHM']) {
        // 0.5 %, plus one 250 m piece at each end where two communes meet,
        // plus the 300 m gap left by the shrunk polygon.
        expect(close(row[`border_km_${n.toLowerCase()}`] * 1000, want[n]!, 0.005, 800), `${name} ${n}`).toBe(
          true,
        );
      }
      expect(row.border_km).toBeCloseTo(row.border_km_chn + row.border_km_lao + row.border_km_khm, 2);
    }
  });

  it('assigns the whole border (the shrunk commune keeps its stretch) and leaves the inland commune out', async () => {
    for (const b of body.border) expect(b.unassigned_km).toBeLessThan(0.01);
    const total = body.rows.reduce((s: number, r: any) => s + r.border_km, 0);
    const all = segments.reduce((s, x) => s + ellipsoidalLength(x.geometry.coordinates), 0);
    expect(close(total * 1000, all)).toBe(true);
    expect(body.units_with_boundary).toBe(4);
  });

  it('counts the projects inside each commune and their density per km²', async () => {
    const { rows } = await sql<{ name: string; geojson: string }>`
      SELECT name, ST_AsGeoJSON(boundary) AS geojson FROM admin_units WHERE level = 'commune'`.execute(
      app.database.db,
    );
    const pts = await sql<{
      lon: number;
      lat: number;
    }>`SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM projects`.execute(app.database.db);
    for (const row of body.rows) {
      const poly = JSON.parse(rows.find((r) => r.name === row.name)!.geojson);
      const n = pts.rows.filter((p) => turf.booleanPointInPolygon([p.lon, p.lat], poly)).length;
      expect(row.projects).toBe(n);
      expect(close(row.area_km2, turf.area(poly) / 1e6, 0.01, 0)).toBe(true);
      expect(row.projects_per_km2).toBeCloseTo(n / row.area_km2, 4);
    }
  });

  // map-polish: the web map's choropleth sends the page's filters.
  it('counts only the projects that pass the filters (the border lengths do not change)', async () => {
    const filtered = await get(
      '/api/stats/border-length?by=commune&category=market,industrial_park&min_investment=50',
    );
    expect(filtered.filters).toEqual({ category: 'market,industrial_park', min_investment: 50 });
    expect(body.filters).toBeUndefined();
    const { rows } = await sql<{ name: string; n: number }>`
      SELECT u.name, count(p.id)::int AS n FROM admin_units u
      LEFT JOIN projects p ON ST_Intersects(u.boundary, p.geom)
        AND p.category IN ('market', 'industrial_park') AND p.investment_bn_vnd >= 50
      WHERE u.level = 'commune' GROUP BY u.name`.execute(app.database.db);
    let some = 0;
    for (const row of filtered.rows) {
      const all = body.rows.find((r: any) => r.name === row.name);
      expect(row.border_km).toBe(all.border_km);
      expect(row.projects).toBe(rows.find((r) => r.name === row.name)!.n);
      expect(row.projects).toBeLessThan(all.projects);
      some += row.projects;
    }
    // Only the industrial parks (100 bn each) pass.
    expect(some).toBeGreaterThan(0);
    const near = await get('/api/stats/border-length?by=commune&within_km=5');
    const inside = near.rows.reduce((n: number, r: any) => n + r.projects, 0);
    const everywhere = body.rows.reduce((n: number, r: any) => n + r.projects, 0);
    expect(inside).toBeGreaterThan(0);
    expect(inside).toBeLessThan(everywhere);
    for (const [q, name] of [
      ['category=nope', 'category'],
      ['within_km=-1', 'within_km'],
      ['from=2025&to=2020', 'to'],
    ]) {
      const res = await fetch(`${app.base}/api/stats/border-length?${q}`);
      expect(res.status, q).toBe(400);
      expect((await res.json()).parameter, q).toBe(name);
    }
  });
});

describe('GET /api/stats/accessibility', () => {
  it('finds the nearest market, industrial park, border gate and road of every commune, as a brute force does', async () => {
    const body = await get('/api/stats/accessibility');
    expect(body.rows).toHaveLength(4);
    const db = app.database.db;
    const points = async (q: ReturnType<typeof sql>) =>
      (await q.execute(db)).rows as { id: number; lon: number; lat: number }[];
    const markets = await points(
      sql`SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM projects WHERE category = 'market'`,
    );
    const parks = await points(
      sql`SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM projects WHERE category = 'industrial_park'`,
    );
    const gates = await points(sql`SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM border_gates`);
    const roads = (
      await sql<{ id: number; geojson: string }>`SELECT id, ST_AsGeoJSON(geom) AS geojson FROM roads`.execute(
        db,
      )
    ).rows;
    for (const row of body.rows) {
      const from: Position = [row.lon, row.lat];
      if (row.name === 'inland') expect(from).toEqual([103.45, 21.3]);
      const check = (kind: string, candidates: { id: number; metres: number }[]) => {
        const best = candidates.reduce((a, b) => (b.metres < a.metres ? b : a));
        expect(close(row[`${kind}_km`] * 1000, best.metres), `${row.name} ${kind}`).toBe(true);
        const chosen = candidates.find((c) => c.id === row[`${kind}_id`])!;
        expect(close(chosen.metres, best.metres)).toBe(true);
      };
      const toPoints = (xs: { id: number; lon: number; lat: number }[]) =>
        xs.map((x) => ({ id: x.id, metres: ellipsoidalDistance(from, [x.lon, x.lat]) }));
      check('market', toPoints(markets));
      check('industrial_park', toPoints(parks));
      check('border_gate', toPoints(gates));
      check(
        'road',
        roads.map((r) => ({ id: r.id, metres: distanceToLine(from, JSON.parse(r.geojson)) })),
      );
    }
  });
});

describe('near-border tiles after a data change', () => {
  it('draw a project added after the first tile was cut, once the data version moves', async () => {
    const db = app.database.db;
    const [lon, lat] = [102.95, 21.25]; // a few km from the Lao border near Tây Trang
    const z = 10;
    const x = Math.floor(((lon + 180) / 360) * 2 ** z);
    const r = (lat * Math.PI) / 180;
    const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
    const tile = () => fetch(`${app.base}/api/analysis/near-border/tiles/${z}/${x}/${y}.mvt?km=30`);
    const before = await tile();
    const sizeBefore = before.status === 204 ? 0 : (await before.arrayBuffer()).byteLength;
    await sql`
      INSERT INTO projects (slug, name, category, unit_id, geom, precision, origin)
      VALUES ('late', 'Dự án mới', 'school', (SELECT id FROM admin_units WHERE slug = 'tinh-thu'),
              ST_Point(${lon}, ${lat}, 4326), 'surveyed', 'test')`.execute(db);
    const stale = await tile();
    expect(stale.status === 204 ? 0 : (await stale.arrayBuffer()).byteLength).toBe(sizeBefore);
    const { rows } = await sql<{ version: string }>`
      UPDATE data_version SET version = version + 1 RETURNING version`.execute(db);
    // The app learns the bump from its data-version listener (LISTEN/NOTIFY).
    await app.version.waitFor(Number(rows[0]!.version));
    const fresh = await tile();
    expect(fresh.status).toBe(200);
    expect((await fresh.arrayBuffer()).byteLength).toBeGreaterThan(sizeBefore);
  });
});
