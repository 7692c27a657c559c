/**
 * Where a feature's facts come from and how well its location is known: what
 * the map's popup shows under "Nguồn" (sources) and "Độ chính xác" (precision).
 *
 * Citations point at tables, not layers (markets and industrial parks are
 * rows of `projects`): each layer names the entity its rows are cited as
 * (`citationEntity` in the registry). Precision is read from the layer's own view, which every layer
 * exposes with the same two columns.
 *
 *   await featureSources(db, getLayer('markets')!, 12)
 *   // { layer: 'markets', id: 12, precision: 'approximate', uncertainty_m: 2000,
 *   //   sources: [{ id: 'art-que-phong-infrastructure', title: '…', publisher: null, url: null }],
 *   //   figures: [] }
 *
 * SQL (one round trip):
 *   SELECT v.precision, v.uncertainty_m,
 *     (SELECT json_agg(…) FROM citations c JOIN sources s … WHERE c.entity = $1 AND c.entity_id = v.id),
 *     (SELECT json_agg(…) FROM project_figures f WHERE f.project_id = v.id AND $2)
 *   FROM "layer_markets" v WHERE v.id = $3
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import type { LayerDef } from '../layers/index.ts';

export interface SourceRef {
  id: string;
  title: string;
  publisher: string | null;
  url: string | null;
  /** The article's date (YYYY-MM-DD) when it is known: an ingested article keeps it. */
  published: string | null;
}

export interface FeatureSources {
  layer: string;
  id: number;
  precision: 'surveyed' | 'approximate' | 'schematic' | null;
  uncertainty_m: number | null;
  sources: SourceRef[];
  /** Other figures of a project (people served, length, count...); empty for other entities. */
  figures: { key: string; value: number }[];
}

/** The feature's precision, sources and figures; undefined when the layer has no such feature. */
export async function featureSources(
  db: Kysely<DB>,
  layer: LayerDef,
  id: number,
): Promise<FeatureSources | undefined> {
  const entity = layer.citationEntity;
  const { rows } = await sql<{
    precision: FeatureSources['precision'];
    uncertainty_m: number | null;
    sources: SourceRef[];
    figures: FeatureSources['figures'];
  }>`
    SELECT v.precision, v.uncertainty_m::float8 AS uncertainty_m,
      COALESCE((
        SELECT json_agg(json_build_object('id', s.id, 'title', s.title, 'publisher', s.publisher, 'url', s.url,
                                          'published', to_char(s.published, 'YYYY-MM-DD'))
                        ORDER BY s.id)
        FROM citations c JOIN sources s ON s.id = c.source_id
        WHERE c.entity = ${entity} AND c.entity_id = v.id
      ), '[]') AS sources,
      COALESCE((
        SELECT json_agg(json_build_object('key', f.key, 'value', f.value::float8) ORDER BY f.key)
        FROM project_figures f
        WHERE ${entity} = 'project' AND f.project_id = v.id
      ), '[]') AS figures
    FROM ${sql.table(layer.view)} v
    WHERE v.id = ${id}
  `.execute(db);
  const row = rows[0];
  return row && { layer: layer.id, id, ...row };
}
