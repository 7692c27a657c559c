/**
 * The two grids a tile is cut on, as the tile SQL (server/tiles/generalise.ts)
 * needs them: the CRS the geometry is encoded in, the tile's envelope and
 * how wide the world is in that CRS's units.
 *
 * - WebMercatorQuad (EPSG:3857): /tiles/{z}/{x}/{y} and OGC's WebMercatorQuad,
 *   2^z × 2^z tiles. A TileAt without `grid` is on this one.
 * - WorldCRS84Quad (longitude/latitude, OGC API - Tiles' other common set):
 *   tile matrix m is 2^(m+1) × 2^m tiles of 180/2^m degrees. Its tiles are
 *   addressed here as z = m + 1, x = column, y = row of a 2^z × 2^z grid
 *   over -180…180 × -270…90 (the rows below -90° are never asked): the tile
 *   is then ST_TileEnvelope(z, x, y, bounds), the world is 360 units wide
 *   as Mercator's is 2πR, and, since matrix m has the scale denominator of
 *   WebMercatorQuad's m + 1 (at the equator), every zoom rule of the
 *   registry (minzoom, maxzoom, clustering, one-pixel simplification)
 *   applies to z unchanged.
 *
 *   crs84Tile(8, 140, 408)   // { z: 9, x: 408, y: 140, grid: 'WorldCRS84Quad' }
 */
import { type RawBuilder, sql } from 'kysely';

export type GridId = 'WebMercatorQuad' | 'WorldCRS84Quad';

export interface TileAt {
  z: number;
  x: number;
  y: number;
  /** Absent: WebMercatorQuad. */
  grid?: GridId;
}

/** Web Mercator: the world is 2πR metres wide. */
const MERCATOR_WORLD = 2 * Math.PI * 6378137;

/** The world's width in the grid's units: metres of EPSG:3857, or degrees. */
export function worldWidth(t: TileAt): number {
  return t.grid === 'WorldCRS84Quad' ? 360 : MERCATOR_WORLD;
}

/** The grid's units per degree of longitude (to turn a pixel into degrees). */
export function unitsPerDegree(t: TileAt): number {
  return worldWidth(t) / 360;
}

/** The SRID tile geometry is encoded in. */
export function gridSrid(t: TileAt): number {
  return t.grid === 'WorldCRS84Quad' ? 4326 : 3857;
}

/** A geometry of the database (EPSG:4326) in the grid's CRS. */
export function toGrid(geom: RawBuilder<unknown>, t: TileAt): RawBuilder<unknown> {
  return t.grid === 'WorldCRS84Quad' ? geom : sql`ST_Transform(${geom}, 3857)`;
}

/** The tile's envelope in the grid's CRS, grown by `margin` (a fraction of the tile) when given. */
export function tileEnvelope(t: TileAt, margin?: number): RawBuilder<unknown> {
  const m = margin === undefined ? sql`` : sql`, margin => ${margin}::float8`;
  if (t.grid === 'WorldCRS84Quad') {
    return sql`ST_TileEnvelope(${t.z}::int, ${t.x}::int, ${t.y}::int, ST_MakeEnvelope(-180, -270, 180, 90, 4326)${m})`;
  }
  return sql`ST_TileEnvelope(${t.z}::int, ${t.x}::int, ${t.y}::int${m})`;
}

/** The grid's world, in its CRS: a buffered tile is cut to it before it is used in EPSG:4326. */
export function worldEnvelope(t: TileAt): RawBuilder<unknown> {
  if (t.grid === 'WorldCRS84Quad') return sql`ST_MakeEnvelope(-180, -90, 180, 90, 4326)`;
  const h = MERCATOR_WORLD / 2;
  return sql`ST_MakeEnvelope(${-h}::float8, ${-h}::float8, ${h}::float8, ${h}::float8, 3857)`;
}

/** Matrix m, row, column of WorldCRS84Quad → the TileAt the SQL reads (see the header). */
export function crs84Tile(matrix: number, row: number, col: number): TileAt {
  return { z: matrix + 1, x: col, y: row, grid: 'WorldCRS84Quad' };
}

/** The layer-set part of a tile's cache key: tiles of another grid never share an entry. */
export function gridKey(setKey: string, t: TileAt): string {
  return t.grid === 'WorldCRS84Quad' ? `${setKey}@crs84` : setKey;
}
