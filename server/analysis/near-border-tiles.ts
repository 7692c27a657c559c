/**
 * GET /api/analysis/near-border/tiles/{z}/{x}/{y}.mvt?km=…&layers=…&neighbour=…
 *
 * The near-border answer drawn as vector tiles, served by the tile subsystem
 * as a GeoJSON source (server/tiles/geojson.ts: parsing, cache, answers and
 * freshness are the tiles'). What is near-border's own is here: its
 * parameters and the FeatureCollection they give.
 *
 * One MVT layer, `near-border`, with the feature properties of the JSON
 * answer (null ones left out, as MVT has no null).
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import type { Input } from '../http/params.ts';
import type { GeoJsonSource } from '../tiles/geojson.ts';
import { nearBorder, parseNearBorder, toFeatureCollection } from './near-border.ts';

export const MVT_LAYER = 'near-border';

export function nearBorderTileSource(db: Kysely<DB>): GeoJsonSource {
  return {
    id: 'near-border',
    path: '/api/analysis/near-border/tiles/:z/:x/:y.mvt',
    layer: MVT_LAYER,
    // Revalidated on every use: the ETag answers 304 while the answer stands.
    cacheControl: 'no-cache',
    maxZoom: 18,
    maxIndexes: 32,
    // About 100 MB of geojson-vt index over all parameter sets kept.
    maxFeatures: 400_000,
    query(input) {
      const p = parseNearBorder(input as Input);
      return {
        key: JSON.stringify([p.km, p.layers, p.neighbour ?? null]),
        load: async () => toFeatureCollection(await nearBorder(db, p)),
      };
    },
  };
}
