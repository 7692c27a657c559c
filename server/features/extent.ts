/**
 * A collection's extent from its data: the CRS84 bounding box of its
 * geometries and, for layers with a time field, the years it spans. One
 * query per layer, cached until the data version changes.
 *
 *   SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), lo, hi
 *   FROM (SELECT ST_Extent(geom) AS e, min("start_year") AS lo, max("start_year") AS hi
 *         FROM "layer_projects") s
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import type { LayerDef } from '../layers/index.ts';
import { CRS84 } from './crs.ts';

export interface Extent {
  spatial: { bbox: number[][]; crs: string };
  temporal?: { interval: string[][]; trs: string };
}

export type ExtentReader = (layer: LayerDef, version: number) => Promise<Extent>;

/** One cache per database handle (tests run several databases in one process). */
export function extentReader(db: Kysely<DB>): ExtentReader {
  const cache = new Map<string, { version: number; extent: Extent }>();
  return async (layer, version) => {
    const hit = cache.get(layer.id);
    if (hit?.version === version) return hit.extent;
    const extent = await readExtent(db, layer);
    cache.set(layer.id, { version, extent });
    return extent;
  };
}

async function readExtent(db: Kysely<DB>, layer: LayerDef): Promise<Extent> {
  const time = layer.timeField ? sql.ref(layer.timeField) : sql`NULL::int`;
  const { rows } = await sql<{ x0: number; y0: number; x1: number; y1: number; lo: number; hi: number }>`
    SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1, lo, hi
    FROM (SELECT ST_Extent(geom) AS e, min(${time}) AS lo, max(${time}) AS hi FROM ${sql.table(layer.view)}) s
  `.execute(db);
  const r = rows[0]!;
  // An empty layer still gets a bbox (the whole world) so clients that need one are served.
  const bbox = r.x0 === null ? [-180, -90, 180, 90] : [down(r.x0), down(r.y0), up(r.x1), up(r.y1)];
  const extent: Extent = { spatial: { bbox: [bbox], crs: CRS84 } };
  if (layer.timeField && r.lo !== null) {
    extent.temporal = {
      interval: [[`${year(r.lo)}-01-01T00:00:00Z`, `${year(r.hi)}-12-31T23:59:59Z`]],
      trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian',
    };
  }
  return extent;
}

// Seven decimals, rounded outwards so the box still holds every feature.
const down = (v: number) => Math.floor(v * 1e7) / 1e7;
const up = (v: number) => Math.ceil(v * 1e7) / 1e7;

function year(y: number): string {
  return String(y).padStart(4, '0');
}
