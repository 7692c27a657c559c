import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import type { LineString, Position } from 'geojson';
import { sql } from 'kysely';
import { PbfReader } from 'pbf';
import { beforeAll, describe, expect, it } from 'vitest';
import { close, nearestOf } from './analysis-geodesy.ts';
import { useApp } from './helpers.ts';
import { rawGet } from './tiles-helpers.ts';

const app = useApp();
const { database } = app;
let segments: { id: number; neighbour: string; geometry: LineString }[];
let points: { layer: string; id: number; coordinates: Position; investment: number | null }[];

beforeAll(async () => {
  const s = await sql<{ id: number; neighbour: string; geojson: string }>`
    SELECT id, neighbour, ST_AsGeoJSON(geom) AS geojson FROM border_segments ORDER BY id`.execute(
    database.db,
  );
  segments = s.rows.map((r) => ({ id: r.id, neighbour: r.neighbour, geometry: JSON.parse(r.geojson) }));
  const p = await sql<{ layer: string; id: number; lon: number; lat: number; investment: number | null }>`
    SELECT 'projects' AS layer, id, ST_X(geom) AS lon, ST_Y(geom) AS lat, investment_bn_vnd::float8 AS investment FROM projects
    UNION ALL
    SELECT 'border-gates', id, ST_X(geom), ST_Y(geom), NULL FROM border_gates`.execute(database.db);
  points = p.rows.map((r) => ({
    layer: r.layer,
    id: r.id,
    coordinates: [r.lon, r.lat],
    investment: r.investment,
  }));
});

async function near(query: string): Promise<any> {
  const res = await fetch(`${app.base}/api/analysis/near-border?${query}`);
  expect(res.status).toBe(200);
  return res.json();
}

/** Turf + Vincenty: each point's nearest segment (of one neighbour, when given) and distance. */
function expected(layer: string, neighbour?: string) {
  const lines = segments.filter((s) => !neighbour || s.neighbour === neighbour);
  return points
    .filter((p) => p.layer === layer)
    .map((p) => {
      const n = nearestOf(
        p.coordinates,
        lines.map((l) => l.geometry),
      );
      return { ...p, metres: n.metres, segment: lines[n.index]! };
    });
}

describe('GET /api/analysis/near-border', () => {
  for (const [km, neighbour] of [
    [10, undefined],
    [50, undefined],
    [30, 'LAO'],
    [100, 'CHN'],
  ] as const) {
    it(`finds the same features as Turf within ${km} km${neighbour ? ` of ${neighbour}` : ''}, each within 0.5 %`, async () => {
      const fc = await near(
        `km=${km}&layers=projects,border-gates${neighbour ? `&neighbour=${neighbour}` : ''}`,
      );
      const got = new Map<string, any>(
        fc.features.map((f: any) => [`${f.properties.layer}.${f.properties.id}`, f]),
      );
      const want = [...expected('projects', neighbour), ...expected('border-gates', neighbour)];
      let inside = 0;
      for (const w of want) {
        const f = got.get(`${w.layer}.${w.id}`);
        // Membership, except for features on the edge within the tolerance.
        if (w.metres <= km * 1000 * 0.995) expect(f, `${w.layer}.${w.id} at ${w.metres} m`).toBeDefined();
        if (w.metres > km * 1000 * 1.005) expect(f, `${w.layer}.${w.id} at ${w.metres} m`).toBeUndefined();
        if (!f) continue;
        inside++;
        expect(
          close(f.properties.distance_km * 1000, w.metres),
          `${w.layer}.${w.id}: ${f.properties.distance_km} km vs ${w.metres} m`,
        ).toBe(true);
        expect(f.properties.neighbour).toBe(w.segment.neighbour);
        // The segment named is the nearest, or one as near (segments share end points).
        const named = segments.find((s) => s.id === f.properties.border_segment_id)!;
        expect(close(nearestOf(w.coordinates, [named.geometry]).metres, w.metres)).toBe(true);
      }
      expect(inside).toBe(fc.features.length);
      expect(inside).toBeGreaterThan(0);
    });
  }

  it('sorts features by distance and keeps layer, id and name', async () => {
    const fc = await near('km=100&layers=projects,markets,industrial-parks,border-gates');
    const d = fc.features.map((f: any) => f.properties.distance_km);
    expect(d).toEqual([...d].sort((a: number, b: number) => a - b));
    for (const f of fc.features) {
      expect(typeof f.properties.name).toBe('string');
      expect(['projects', 'markets', 'industrial-parks', 'border-gates']).toContain(f.properties.layer);
      expect(f.geometry.type).toBe('Point');
    }
    const layers = new Set(fc.features.map((f: any) => f.properties.layer));
    expect(layers).toEqual(new Set(['projects', 'markets', 'industrial-parks', 'border-gates']));
  });

  it('defaults to the projects layer and 10 km', async () => {
    const fc = await near('');
    expect(fc.parameters).toEqual({ km: 10, layers: ['projects'], neighbour: null });
    expect(
      fc.features.every((f: any) => f.properties.layer === 'projects' && f.properties.distance_km <= 10),
    ).toBe(true);
  });

  it('totals count every feature and the money of each project once', async () => {
    const fc = await near('km=60&layers=projects,markets,industrial-parks');
    const ids = new Set<number>(fc.features.map((f: any) => f.properties.id));
    const money = [...ids].reduce(
      (s, id) => s + (points.find((p) => p.layer === 'projects' && p.id === id)?.investment ?? 0),
      0,
    );
    expect(fc.totals.count).toBe(fc.features.length);
    expect(fc.totals.projects).toBe(ids.size);
    expect(fc.totals.investment_bn_vnd).toBeCloseTo(money, 3);
    expect(fc.features.length).toBeGreaterThan(ids.size); // markets and parks listed twice
  });

  it('answers CSV with the same rows, for f=csv and for Accept: text/csv', async () => {
    const fc = await near('km=20');
    for (const res of [
      await fetch(`${app.base}/api/analysis/near-border?km=20&f=csv`),
      await fetch(`${app.base}/api/analysis/near-border?km=20`, { headers: { Accept: 'text/csv' } }),
    ]) {
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = (await res.text())
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      const header = lines[0]!.split(',');
      expect(header.slice(0, 3)).toEqual(['layer', 'id', 'name']);
      expect(lines.length - 1).toBe(fc.features.length);
      const km = header.indexOf('distance_km');
      const first = lines[1]!.split(',');
      expect(Number(first[km])).toBe(fc.features[0].properties.distance_km);
    }
  });
});

describe('GET /api/analysis/near-border/tiles/{z}/{x}/{y}.mvt', () => {
  const tileOf = (lon: number, lat: number, z: number) => {
    const n = 2 ** z;
    const x = Math.floor(((lon + 180) / 360) * n);
    const rad = (lat * Math.PI) / 180;
    const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
    return { x, y };
  };

  it('draws the same features as the GeoJSON answer, with their properties', async () => {
    const fc = await near('km=10&layers=projects,border-gates');
    const f = fc.features[0];
    const [lon, lat] = f.geometry.coordinates;
    const { x, y } = tileOf(lon, lat, 9);
    const res = await fetch(
      `${app.base}/api/analysis/near-border/tiles/9/${x}/${y}.mvt?km=10&layers=projects,border-gates`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    const tile = new VectorTile(new PbfReader(new Uint8Array(await res.arrayBuffer())));
    const layer = tile.layers['near-border']!;
    const props = Array.from({ length: layer.length }, (_, i) => layer.feature(i).properties);
    expect(
      props.some(
        (p) =>
          p.layer === f.properties.layer &&
          p.id === f.properties.id &&
          p.distance_km === f.properties.distance_km,
      ),
    ).toBe(true);
  });

  it('negotiates like the layer tiles: gzip when accepted, identity otherwise, 304 for its ETag', async () => {
    const fc = await near('km=10');
    const [lon, lat] = fc.features[0].geometry.coordinates;
    const { x, y } = tileOf(lon, lat, 9);
    const url = `${app.base}/api/analysis/near-border/tiles/9/${x}/${y}.mvt?km=10`;
    const gzip = await rawGet(url, { 'Accept-Encoding': 'gzip' });
    expect(gzip.status).toBe(200);
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers['cache-control']).toBe('no-cache');
    const plain = await rawGet(url);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
    const etag = String(plain.headers.etag);
    expect(gzip.headers.etag).toBe(etag);
    expect((await rawGet(url, { 'If-None-Match': etag })).status).toBe(304);
  });

  it('answers 204 for a tile with no feature and 304 for a known ETag', async () => {
    const far = await fetch(`${app.base}/api/analysis/near-border/tiles/9/100/100.mvt?km=10`);
    expect(far.status).toBe(204);
    const etag = far.headers.get('etag')!;
    const again = await fetch(`${app.base}/api/analysis/near-border/tiles/9/100/100.mvt?km=10`, {
      headers: { 'If-None-Match': etag },
    });
    expect(again.status).toBe(304);
  });

  for (const [path, parameter] of [
    ['25/0/0', 'z'],
    ['3/8/0', 'x'],
    ['3/0/-1', 'y'],
    ['a/0/0', 'z'],
  ] as const) {
    it(`answers 400 naming ${parameter} for ${path}`, async () => {
      const res = await fetch(`${app.base}/api/analysis/near-border/tiles/${path}.mvt`);
      expect(res.status).toBe(400);
      expect((await res.json()).parameter).toBe(parameter);
    });
  }

  it('answers 400 naming km for a bad km on a tile', async () => {
    const res = await fetch(`${app.base}/api/analysis/near-border/tiles/3/6/3.mvt?km=abc`);
    expect(res.status).toBe(400);
    expect((await res.json()).parameter).toBe('km');
  });
});
