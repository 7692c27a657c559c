/**
 * GET /api/analysis/near-border/tiles/{z}/{x}/{y}.mvt?km=…&layers=…&neighbour=…
 *
 * The near-border answer drawn as vector tiles: it is a query result, not a
 * table, so PostGIS cannot tile it; geojson-vt indexes the FeatureCollection
 * once per parameter set and cuts tiles from memory (vt-pbf encodes them).
 *
 *   params ──▶ key = data version + km + layers + neighbour
 *                │ hit: geojson-vt index ──▶ getTile(z, x, y) ──▶ vt-pbf ──▶ 200 (or 204 when empty)
 *                └ miss: nearBorder() ──▶ new GeoJSONVT(fc) ──▶ cache (bounded by feature count)
 *
 * One MVT layer, `near-border`, with the feature properties of the JSON
 * answer (null ones left out, as MVT has no null).
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';
import GeoJSONVT from 'geojson-vt';
import { type Kysely, sql } from 'kysely';
import { LRUCache } from 'lru-cache';
import vtpbf from 'vt-pbf';
import type { Input } from '../http/params.ts';
import { tileCoords } from '../tiles/params.ts';
import { type NearBorderParams, nearBorder, parseNearBorder, toFeatureCollection } from './near-border.ts';

export const MVT_LAYER = 'near-border';
export const MVT_TYPE = 'application/vnd.mapbox-vector-tile';

export const tileDefaults = {
  maxEntries: 32, // parameter sets kept
  maxFeatures: 400_000, // features kept over all cached indexes (about 100 MB of geojson-vt index)
  maxZoom: 18, // deepest zoom geojson-vt cuts to
};

/** The tile handler, with its own cache (one per app: two apps on two databases never share one). */
export function nearBorderTiles(db: Kysely<any>): (req: Request, res: Response) => Promise<void> {
  const cache = new LRUCache<string, GeoJSONVT>({
    max: tileDefaults.maxEntries,
    maxSize: tileDefaults.maxFeatures,
    sizeCalculation: (_v, k) => Math.max(1, sizes.get(k) ?? 1),
    dispose: (_v, k) => sizes.delete(k),
  });
  const sizes = new Map<string, number>();
  const building = new Map<string, Promise<GeoJSONVT>>();

  const indexFor = async (key: string, p: NearBorderParams): Promise<GeoJSONVT> => {
    const hit = cache.get(key);
    if (hit) return hit;
    let pending = building.get(key);
    if (!pending) {
      pending = nearBorder(db, p)
        .then((r) => {
          const fc = toFeatureCollection(r);
          const index = new GeoJSONVT(fc, { maxZoom: tileDefaults.maxZoom, indexMaxZoom: 5 });
          sizes.set(key, fc.features.length);
          cache.set(key, index);
          return index;
        })
        .finally(() => building.delete(key));
      building.set(key, pending);
    }
    return pending;
  };

  return async (req, res) => {
    const { z, x, y } = tileCoords(req.params as Record<string, string>);
    const p = parseNearBorder(req.query as Input);
    const { rows } = await sql<{ version: number }>`SELECT version FROM data_version`.execute(db);
    const version = rows[0]?.version ?? 0;
    const key = JSON.stringify([version, p.km, p.layers, p.neighbour ?? null]);
    const etag = `"nb-${createHash('sha1').update(`${key}/${z}/${x}/${y}`).digest('base64url').slice(0, 20)}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Vary', 'Accept-Encoding');
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    const index = await indexFor(key, p);
    const tile = index.getTile(z, x, y);
    if (!tile || tile.features.length === 0) {
      res.status(204).end();
      return;
    }
    const body = Buffer.from(vtpbf.fromGeojsonVt({ [MVT_LAYER]: tile }, { version: 2 }));
    res.type(MVT_TYPE);
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      res.setHeader('Content-Encoding', 'gzip');
      res.send(gzipSync(body));
    } else {
      res.send(body);
    }
  };
}
