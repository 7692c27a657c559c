/**
 * Generalised geometry on request, for clients that draw features rather
 * than analyse them: a page of `countries` is 1.3 MB at full resolution,
 * 72 kB at zoom 5 and 2 kB at zoom 0 (seeded data). Full resolution
 * stays the default; two parameters of /items and /items/{featureId} ask
 * for less:
 *
 * - `zoom=0..22`: as much detail as a web map shows at that zoom
 *   (a vertex within one pixel of a 512-pixel tile, as server/tiles
 *   simplifies: 305 m at zoom 9, 4.8 km at zoom 5);
 * - `max-allowable-offset=<d>`: the farthest a simplified line may stray
 *   from the original, in the unit of the response CRS (degrees for CRS84,
 *   metres for EPSG:3857), as ldproxy's and ArcGIS's maxAllowableOffset.
 *
 * PostGIS simplifies (Douglas–Peucker, ST_Simplify: a few milliseconds for
 * the four countries, where ST_SimplifyPreserveTopology took 300 ms and
 * kept every islet). Parts that collapse under the tolerance are dropped; a
 * feature that would vanish whole keeps its collapsed outline instead. The
 * result is for drawing: rings may touch or cross where a shape is
 * narrower than the tolerance. Coordinates keep the digits the tolerance
 * can tell apart (a tenth of it). Points are served as they are.
 *
 *   tolerance(4326, { zoom: 5 })                                 // 0.0429… degrees
 *   generalised(sql`t.geom`, 0.0429)   // COALESCE(ST_Simplify(t.geom, 0.0429), ST_Simplify(t.geom, 0.0429, true))
 */
import { type RawBuilder, sql } from 'kysely';
import { field, Rejected } from '../http/params.ts';
import { badRequest } from '../http/problem.ts';
import { pixelMetres } from '../tiles/generalise.ts';
import { coordinateDigits, type Srid } from './crs.ts';

export const MAX_ZOOM = 22;
/** Largest offset accepted: half the Web Mercator world, in metres (in degrees it means "anything"). */
const MAX_OFFSET = 20_037_508;
/** Mercator metres per degree of longitude at the equator. */
const METRES_PER_DEGREE = (2 * Math.PI * 6378137) / 360;

export const zoomParam = field(
  {
    description:
      'Generalise lines and polygons for a map drawn at this zoom (0-22): vertices within a pixel of a 512-pixel tile are dropped. Full resolution without it',
    schema: { type: 'integer', minimum: 0, maximum: MAX_ZOOM },
  },
  (v) => {
    if (v === undefined) return undefined;
    if (!/^\d{1,2}$/.test(v) || Number(v) > MAX_ZOOM) throw new Rejected(`an integer from 0 to ${MAX_ZOOM}`);
    return Number(v);
  },
);

export const offsetParam = field(
  {
    description:
      'Generalise lines and polygons: the farthest a simplified line may stray from the original, in the unit of the response CRS (degrees for CRS84, metres for EPSG:3857). Full resolution without it',
    schema: { type: 'number', minimum: 0, maximum: MAX_OFFSET },
  },
  (v) => {
    if (v === undefined) return undefined;
    const accepts = `a plain decimal from 0 to ${MAX_OFFSET} (degrees for CRS84, metres for EPSG:3857)`;
    if (!/^\d{1,8}(\.\d{1,15})?$/.test(v)) throw new Rejected(accepts);
    const n = Number(v);
    if (n > MAX_OFFSET) throw new Rejected(accepts);
    return n;
  },
);

/** The simplification tolerance in the unit of `srid`, or undefined for full resolution. */
export function tolerance(srid: Srid, p: { zoom?: number; offset?: number }): number | undefined {
  if (p.zoom !== undefined && p.offset !== undefined) {
    throw badRequest('max-allowable-offset', 'left out when zoom is given (both set the tolerance)');
  }
  if (p.offset !== undefined) return p.offset > 0 ? p.offset : undefined;
  if (p.zoom === undefined) return undefined;
  const metres = pixelMetres(p.zoom);
  return srid === 3857 ? metres : metres / METRES_PER_DEGREE;
}

/** The geometry simplified to `tol`; a feature whose every part collapses keeps them, collapsed. */
export function generalised(geom: RawBuilder<unknown>, tol: number): RawBuilder<unknown> {
  return sql`COALESCE(ST_Simplify(${geom}, ${tol}::float8), ST_Simplify(${geom}, ${tol}::float8, true))`;
}

/** Decimal places of the output: enough to keep a tenth of the tolerance, never more than full resolution. */
export function digitsFor(srid: Srid, tol: number | undefined): number {
  const full = coordinateDigits(srid);
  if (tol === undefined) return full;
  return Math.max(0, Math.min(full, Math.ceil(-Math.log10(tol / 10))));
}
