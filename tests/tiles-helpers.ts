/** Plumbing for the tile tests: raw HTTP (no automatic gunzip), MVT decoding, tile arithmetic. */
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { type Kysely, sql } from 'kysely';
import { PbfReader } from 'pbf';
import type { DB } from '../server/db/types.ts';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** GET (or HEAD) without fetch's automatic decompression, so encodings can be checked. */
export function rawGet(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Fetches a tile and decodes it (gunzipping when the server compressed it). */
export async function getTile(url: string): Promise<{ res: RawResponse; tile: VectorTile }> {
  const res = await rawGet(url, { 'Accept-Encoding': 'gzip' });
  const bytes = res.headers['content-encoding'] === 'gzip' ? gunzipSync(res.body) : res.body;
  return { res, tile: new VectorTile(new PbfReader(bytes)) };
}

/** Spherical Mercator, written out here so the tests do not reuse the server's arithmetic. */
export function worldXY(lon: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return {
    x: ((lon + 180) / 360) * n,
    y: ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n,
  };
}

export function tileOf(lon: number, lat: number, z: number): { z: number; x: number; y: number } {
  const w = worldXY(lon, lat, z);
  return { z, x: Math.floor(w.x), y: Math.floor(w.y) };
}

/** Where a point falls inside tile z/x/y, in tile units (0..extent). */
export function pixelOf(lon: number, lat: number, t: { z: number; x: number; y: number }, extent = 4096) {
  const w = worldXY(lon, lat, t.z);
  return { x: (w.x - t.x) * extent, y: (w.y - t.y) * extent };
}

/**
 * Features of a layer view that touch the tile with its 64/4096 buffer: what
 * a tile must hold when nothing is generalised away (high zoom, few features).
 */
export async function featuresInTile(
  db: Kysely<DB>,
  view: string,
  t: { z: number; x: number; y: number },
): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM ${sql.table(view)}
    WHERE ST_Intersects(ST_Transform(geom, 3857), ST_TileEnvelope(${t.z}, ${t.x}, ${t.y}, margin => ${64 / 4096}))`.execute(
    db,
  );
  return rows[0]!.n;
}

/**
 * How many features the `labels` layer of the composite tile t holds: the
 * points of /styles/labels.geojson in the tile or its 64-unit buffer whose
 * rank is named at t.z (server/tiles/basemap.ts). Counted from the
 * GeoJSON, not from a tile.
 */
export async function labelsInTile(base: string, t: { z: number; x: number; y: number }): Promise<number> {
  const { labelZooms } = await import('../server/styles/labels.ts');
  const zooms = labelZooms();
  const fc = (await (await fetch(`${base}/styles/labels.geojson`)).json()) as {
    features: { geometry: { coordinates: [number, number] }; properties: { layer: string } }[];
  };
  return fc.features.filter((f) => {
    const r = zooms.get(f.properties.layer);
    if (!r || t.z < r.minzoom || t.z >= r.maxzoom) return false;
    const p = pixelOf(f.geometry.coordinates[0], f.geometry.coordinates[1], t);
    return p.x >= -64 && p.y >= -64 && p.x < 4096 + 64 && p.y < 4096 + 64;
  }).length;
}

/** Layer names and their feature counts in a decoded tile. */
export function layerCounts(tile: VectorTile): Record<string, number> {
  return Object.fromEntries(Object.entries(tile.layers).map(([name, l]) => [name, l.length]));
}
