/**
 * One statement per tile, composite tiles included: each layer's ST_AsMVT
 * (server/tiles/generalise.ts) concatenated, which is how MVT layers combine
 * (a tile is a sequence of layer messages). The same statement reads the data
 * version, so the bytes are always filed under the version they were read at.
 *
 *   SELECT (SELECT version FROM data_version) AS version,
 *     COALESCE((SELECT ST_AsMVT(f, 'communes', 4096, 'geom', 'id') FROM (…) f …), '')
 *     || COALESCE((SELECT ST_AsMVT(f, 'roads', 4096, 'geom', 'id') FROM (…) f …), '') AS mvt
 */
import { type RawBuilder, sql } from 'kysely';
import type { LayerDef } from '../layers/index.ts';
import { layerMvt, type TileAt } from './generalise.ts';

export interface TileRow {
  version: number;
  mvt: Buffer;
}

/** The tile statement for `layers` (already filtered to those with data at t.z; at least one). */
export function tileQuery(layers: readonly LayerDef[], t: TileAt): RawBuilder<TileRow> {
  const parts = layers.map((l) => layerMvt(l, t));
  return sql<TileRow>`SELECT (SELECT version FROM data_version) AS version, ${sql.join(parts, sql` || `)} AS mvt`;
}
