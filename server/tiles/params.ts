/**
 * Reads `/tiles/{layers}/{z}/{x}/{y}.mvt` and `/tiles/{layers}.json` into a
 * request, or throws the problem to answer (400 naming the value, 404 for an
 * unknown layer). Nothing here touches the database.
 *
 *   parseTile('roads,communes', '8', '203', '112.mvt')
 *   // { layers: [communes, roads], key: 'communes,roads', z: 8, x: 203, y: 112 }
 *   parseTile('all', '3', '8', '1.mvt')
 *   // 400: x must be an integer from 0 to 7 at zoom 3; got "8"
 */

import { badRequest, notFound } from '../http/problem.ts';
import { type LayerDef, layers as registry } from '../layers/index.ts';
import type { TileAt } from './generalise.ts';

/** Deepest zoom we answer; beyond every layer's maxzoom the answer is 204 anyway. */
export const MAX_ZOOM = 24;

export interface LayerSet {
  /** Requested layers in registry (drawing) order, without repeats. */
  layers: readonly LayerDef[];
  /** Canonical spelling of the set: `all` or ids in registry order. Part of cache keys. */
  key: string;
}

export interface TileRequest extends LayerSet, TileAt {}

const ALL: LayerSet = { layers: registry, key: 'all' };
const known = new Map<string, LayerSet>([['all', ALL]]);

/**
 * `all`, one id or a comma list. Canonicalised so that `roads,communes` and
 * `communes,roads` share cache entries. Results for valid spellings are kept
 * (there are few); invalid ones are never stored.
 */
export function parseLayers(segment: string): LayerSet {
  const hit = known.get(segment);
  if (hit) return hit;
  const ids = segment.split(',');
  if (ids.some((id) => id === '')) {
    throw badRequest('layers', "'all', a layer id or a comma-separated list of layer ids", segment);
  }
  const wanted = new Set<string>();
  for (const id of ids) {
    if (id === 'all') return ALL;
    if (!registry.some((l) => l.id === id)) {
      throw notFound(`no layer '${id}'; layers are ${registry.map((l) => l.id).join(', ')} or 'all'`);
    }
    wanted.add(id);
  }
  const layers = registry.filter((l) => wanted.has(l.id));
  const set = layers.length === registry.length ? ALL : { layers, key: layers.map((l) => l.id).join(',') };
  if (known.size < 1000) known.set(segment, set);
  return set;
}

function integer(name: string, raw: string, max: number, at?: string): number {
  const accepts = `an integer from 0 to ${max}${at ?? ''}`;
  if (!/^\d{1,9}$/.test(raw)) throw badRequest(name, accepts, raw);
  const n = Number(raw);
  if (n > max) throw badRequest(name, accepts, raw);
  return n;
}

/**
 * z/x/y of a tile; `file` is `{y}.mvt` (`.pbf` is accepted too, since that is
 * what GDAL and some QGIS versions ask for by default).
 */
export function parseTile(layersSegment: string, zRaw: string, xRaw: string, file: string): TileRequest {
  const m = /^(.*)\.(mvt|pbf)$/.exec(file);
  if (!m) throw notFound(`tiles are served as {y}.mvt; got '${file}'`);
  const set = parseLayers(layersSegment);
  return { ...set, ...parseZxy(zRaw, xRaw, m[1]!) };
}

/**
 * z, x and y of any tile we serve (the layer tiles above and the GeoJSON
 * sources of server/tiles/geojson.ts): 0 ≤ z ≤ MAX_ZOOM and 0 ≤ x, y < 2^z,
 * else a 400 naming the first bad one.
 */
export function parseZxy(zRaw: string, xRaw: string, yRaw: string): TileAt {
  const z = integer('z', zRaw, MAX_ZOOM);
  const last = 2 ** z - 1;
  const at = ` at zoom ${z}`;
  return { z, x: integer('x', xRaw, last, at), y: integer('y', yRaw, last, at) };
}

/** The layers of `set` that have data at zoom `z` (per-layer minzoom/maxzoom). */
export function layersAtZoom(set: LayerSet, z: number): LayerDef[] {
  return set.layers.filter((l) => z >= l.minzoom && z <= l.maxzoom);
}
