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

import { z } from 'zod';
import { watchCache } from '../http/caches.ts';
import { field, Rejected, readParams } from '../http/params.ts';
import { badRequest, notFound } from '../http/problem.ts';
import { type LayerDef, layers as registry } from '../layers/index.ts';
import { BASEMAP_LAYER_IDS } from './basemap.ts';
import type { TileAt } from './generalise.ts';

/** Deepest zoom we answer; beyond every layer's maxzoom the answer is 204 anyway. */
export const MAX_ZOOM = 24;

export interface LayerSet {
  /** Requested layers in registry (drawing) order, without repeats. */
  layers: readonly LayerDef[];
  /** Canonical spelling of the set: `all` or ids in registry order. Part of cache keys. */
  key: string;
  /** The composite set (`all`) also carries the basemap's layers, labels and rivers (server/tiles/basemap.ts). */
  basemap?: true;
}

export interface TileRequest extends LayerSet, TileAt {}

const ALL: LayerSet = { layers: registry, key: 'all', basemap: true };
const known = watchCache('tiles.layer-spellings', new Map<string, LayerSet>([['all', ALL]]));

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
      // The basemap's layers are cut in the process and only travel inside `all`.
      const basemap = BASEMAP_LAYER_IDS.includes(id)
        ? ` of its own: '${id}' is a basemap layer, served inside the composite tiles (/tiles/all/{z}/{x}/{y}.mvt)`
        : '';
      throw notFound(
        `no layer '${id}'${basemap}; layers are ${registry.map((l) => l.id).join(', ')} or 'all'`,
      );
    }
    wanted.add(id);
  }
  const layers = registry.filter((l) => wanted.has(l.id));
  const set = layers.length === registry.length ? ALL : { layers, key: layers.map((l) => l.id).join(',') };
  if (known.size < 1000) known.set(segment, set);
  return set;
}

const coordinate = (description: string, max: number, accepts: string) =>
  field(
    { description, schema: { type: 'integer', minimum: 0, maximum: max }, required: true, trim: false },
    (raw): number => {
      if (raw === undefined || !/^\d{1,9}$/.test(raw) || Number(raw) > max) throw new Rejected(accepts);
      return Number(raw);
    },
  );

/** z, x and y of a tile, declared once for every tile route (and the OpenAPI document). */
export const tileCoordinates = z.object({
  z: coordinate('Zoom level', MAX_ZOOM, `an integer from 0 to ${MAX_ZOOM}`),
  x: coordinate('Column, from 0 (west) to 2^z − 1', 2 ** MAX_ZOOM - 1, 'an integer from 0 to 2^z − 1'),
  y: coordinate('Row, from 0 (north) to 2^z − 1', 2 ** MAX_ZOOM - 1, 'an integer from 0 to 2^z − 1'),
});

/** `{layers}` of a tile path, declared for the OpenAPI document (parseLayers reads it). */
export const tileLayers = z.object({
  layers: field(
    {
      description: "'all', a layer id or a comma-separated list of layer ids",
      schema: { type: 'string' },
      example: 'all',
      required: true,
      trim: false,
    },
    (v): LayerSet => parseLayers(v ?? ''),
  ),
});

/** z/x/y read from the path: integers with 0 ≤ z ≤ 24 and 0 ≤ x, y < 2^z, else a 400 naming the bad one. */
export function tileCoords(raw: { z?: string; x?: string; y?: string }): { z: number; x: number; y: number } {
  const c = readParams(tileCoordinates, { z: raw.z, x: raw.x, y: raw.y });
  const last = 2 ** c.z - 1;
  for (const name of ['x', 'y'] as const) {
    if (c[name] > last) throw badRequest(name, `an integer from 0 to ${last} at zoom ${c.z}`, raw[name]);
  }
  return c;
}

/**
 * z/x/y of a tile; `file` is `{y}.mvt` (`.pbf` is accepted too, since that is
 * what GDAL and some QGIS versions ask for by default).
 */
export function parseTile(layersSegment: string, zRaw: string, xRaw: string, file: string): TileRequest {
  const m = /^(.*)\.(mvt|pbf)$/.exec(file);
  if (!m) throw notFound(`tiles are served as {y}.mvt; got '${file}'`);
  const { layers: set } = readParams(tileLayers, { layers: layersSegment });
  return { ...set, ...tileCoords({ z: zRaw, x: xRaw, y: m[1] }) };
}

/** The layers of `set` that have data at zoom `z` (per-layer minzoom/maxzoom). */
export function layersAtZoom(set: LayerSet, z: number): LayerDef[] {
  return set.layers.filter((l) => z >= l.minzoom && z <= l.maxzoom);
}
