/**
 * TileJSON 3.0.0 (https://github.com/mapbox/tilejson-spec/tree/master/3.0.0)
 * for a layer set, derived from the registry. `fields` values are the type
 * words "String", "Number" or "Boolean" (the tippecanoe convention, which
 * GDAL's MVT driver reads to type its columns; plain descriptions would make
 * every column a string there).
 *
 *   GET /tiles/roads.json
 *   { "tilejson": "3.0.0", "tiles": ["http://host/tiles/roads/{z}/{x}/{y}.mvt"],
 *     "vector_layers": [{ "id": "roads", "fields": { "ref": "String", ... }, "minzoom": 4, "maxzoom": 16 }], ... }
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import type { LayerDef, LayerProperty } from '../layers/index.ts';
import { type BasemapLayer, basemapLayers } from './basemap.ts';
import type { LayerSet } from './params.ts';

export type Bounds = [number, number, number, number];

const FIELD_TYPES: Record<LayerProperty['type'], string> = {
  string: 'String',
  integer: 'Number',
  number: 'Number',
  boolean: 'Boolean',
};

/** Web Mercator's latitude limit: no tile exists beyond it. */
const MAX_LAT = 85.0511287798066;
const WORLD: Bounds = [-180, -MAX_LAT, 180, MAX_LAT];

/** Extent of one layer's features in EPSG:4326, or undefined when it has none. */
export async function layerExtent(db: Kysely<DB>, layer: LayerDef): Promise<Bounds | undefined> {
  const { rows } = await sql<{ w: number | null; s: number; e: number; n: number }>`
    SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n
    FROM (SELECT ST_Extent(v.geom) AS b FROM ${sql.table(layer.view)} v) x`.execute(db);
  const r = rows[0];
  return r && r.w !== null ? [r.w, r.s, r.e, r.n] : undefined;
}

function union(boxes: readonly (Bounds | undefined)[]): Bounds {
  const present = boxes.filter((b): b is Bounds => b !== undefined);
  if (present.length === 0) return WORLD;
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return [
    round(Math.max(-180, Math.min(...present.map((b) => b[0])))),
    round(Math.max(-MAX_LAT, Math.min(...present.map((b) => b[1])))),
    round(Math.min(180, Math.max(...present.map((b) => b[2])))),
    round(Math.min(MAX_LAT, Math.max(...present.map((b) => b[3])))),
  ];
}

/** The zoom at which `bounds` about fills a 1024-pixel-wide view (two 512 px tiles). */
function fitZoom(b: Bounds): number {
  const span = Math.max(b[2] - b[0], b[3] - b[1], 1e-6);
  return Math.floor(Math.log2((2 * 360) / span));
}

function fields(layer: LayerDef | BasemapLayer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of layer.properties) out[p.name] = FIELD_TYPES[p.type];
  // Point layers say how many features each point stands for (server/tiles/generalise.ts, rule 2).
  if ('geometryType' in layer && layer.geometryType === 'Point') out.point_count = 'Number';
  return out;
}

export function tileJson(set: LayerSet, origin: string, extents: readonly (Bounds | undefined)[]): object {
  const { layers } = set;
  const minzoom = Math.min(...layers.map((l) => l.minzoom));
  const maxzoom = Math.max(...layers.map((l) => l.maxzoom));
  const bounds = union(extents);
  const zoom = Math.min(maxzoom, Math.max(minzoom, fitZoom(bounds)));
  const attribution = [...new Set(layers.map((l) => l.attribution).filter(Boolean))].join('; ');
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return {
    tilejson: '3.0.0',
    name: set.key === 'all' ? 'Border Atlas' : `Border Atlas: ${layers.map((l) => l.title).join(', ')}`,
    description:
      layers.length === 1
        ? layers[0]!.description
        : `Vector tiles of Vietnam's border, mountain and island areas: ${layers.map((l) => l.title.toLowerCase()).join(', ')}.`,
    version: '1.0.0',
    ...(attribution ? { attribution } : {}),
    scheme: 'xyz',
    tiles: [`${origin}/tiles/${set.key}/{z}/{x}/{y}.mvt`],
    minzoom,
    maxzoom,
    bounds,
    center: [round((bounds[0] + bounds[2]) / 2), round((bounds[1] + bounds[3]) / 2), zoom],
    // The composite set ends with the basemap's layers (server/tiles/basemap.ts), drawn from the same tiles.
    vector_layers: [...layers, ...(set.basemap ? basemapLayers() : [])].map((l) => ({
      id: l.id,
      description: l.description,
      minzoom: l.minzoom,
      maxzoom: l.maxzoom,
      fields: fields(l),
    })),
  };
}
