/**
 * Coordinate reference systems of OGC API - Features Part 2: features are
 * stored in CRS84 (longitude, latitude) and can be served or queried in Web
 * Mercator. `crs`, `bbox-crs` and `filter-crs` take the URIs below, or the
 * safe CURIEs [OGC:CRS84] and [EPSG:3857].
 *
 *   parseCrs('crs', 'http://www.opengis.net/def/crs/EPSG/0/3857') // 3857
 */
import { badRequest } from '../http/problem.ts';

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
export const EPSG3857 = 'http://www.opengis.net/def/crs/EPSG/0/3857';
export const SUPPORTED_CRS = [CRS84, EPSG3857] as const;

export type Srid = 4326 | 3857;

const BY_NAME: Record<string, Srid> = {
  [CRS84]: 4326,
  '[OGC:CRS84]': 4326,
  [EPSG3857]: 3857,
  '[EPSG:3857]': 3857,
};

export function parseCrs(parameter: string, value: string | undefined): Srid {
  if (value === undefined) return 4326;
  const srid = BY_NAME[value.trim()];
  if (srid === undefined) throw badRequest(parameter, `one of ${SUPPORTED_CRS.join(', ')}`, value);
  return srid;
}

export function crsUri(srid: Srid): string {
  return srid === 4326 ? CRS84 : EPSG3857;
}

/** Decimal places that keep about a centimetre: degrees for CRS84, metres for Web Mercator. */
export function coordinateDigits(srid: Srid): number {
  return srid === 4326 ? 7 : 2;
}
