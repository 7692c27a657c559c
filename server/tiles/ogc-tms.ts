/**
 * The tile matrix sets we tile in, written out as OGC Two Dimensional Tile
 * Matrix Set 2.0 JSON (OGC 17-083r4, annex D):
 *
 * - WebMercatorQuad (D.1): the same z/x/y grid as /tiles, with tileMatrix =
 *   z, tileRow = y (from the north) and tileCol = x (from the west);
 * - WorldCRS84Quad (D.2): longitude/latitude, matrix m is 2^(m+1) × 2^m tiles
 *   of 180/2^m degrees from (-180°, 90°). It is offered because GDAL's OGCAPI
 *   driver (3.7 to 3.10 at least) places the collection's CRS84
 *   `extent.spatial.bbox` on the matrices without reprojecting it, and
 *   prefers a WorldCRS84Quad tileset when there is one: on this grid the
 *   degrees are the matrices' own units (docs/gis-clients.md).
 *
 * Clients (GDAL, OpenLayers) read the grid from here rather than assume it.
 */
import { CRS84 } from '../features/crs.ts';
import type { GridId } from './grid.ts';
import { MAX_ZOOM } from './params.ts';
import type { Bounds } from './tilejson.ts';

export const TMS_ID = 'WebMercatorQuad';
export const TMS_URI = 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad';
export const CRS_3857 = 'http://www.opengis.net/def/crs/EPSG/0/3857';
export const CRS84_TMS_ID = 'WorldCRS84Quad';
export const CRS84_TMS_URI = 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WorldCRS84Quad';

/** Half the width of the Web Mercator square, in metres. */
const ORIGIN = 20037508.3427892;
/** Scale denominator of zoom 0 (256-pixel tiles at 0.28 mm a pixel). */
const SCALE_0 = 559082264.028717;
/** Metres in a degree on the WGS 84 semi-major axis, the TMS standard's convention for scales of degrees. */
const METRES_PER_DEGREE = (6378137 * Math.PI) / 180;

export interface TileMatrix {
  id: string;
  scaleDenominator: number;
  cellSize: number;
  cornerOfOrigin: 'topLeft';
  pointOfOrigin: [number, number];
  tileWidth: number;
  tileHeight: number;
  matrixWidth: number;
  matrixHeight: number;
}

/** The matrices of WebMercatorQuad, 0 to MAX_ZOOM. */
export function tileMatrices(): TileMatrix[] {
  return Array.from({ length: MAX_ZOOM + 1 }, (_, z) => ({
    id: String(z),
    scaleDenominator: SCALE_0 / 2 ** z,
    cellSize: (2 * ORIGIN) / 256 / 2 ** z,
    cornerOfOrigin: 'topLeft',
    pointOfOrigin: [-ORIGIN, ORIGIN],
    tileWidth: 256,
    tileHeight: 256,
    matrixWidth: 2 ** z,
    matrixHeight: 2 ** z,
  }));
}

/**
 * The matrices of WorldCRS84Quad, 0 to MAX_ZOOM − 1: matrix m has the scale
 * of WebMercatorQuad's m + 1, so the deepest has /tiles' deepest scale.
 */
export function crs84TileMatrices(): TileMatrix[] {
  return Array.from({ length: MAX_ZOOM }, (_, m) => {
    const cellSize = 180 / 256 / 2 ** m;
    return {
      id: String(m),
      scaleDenominator: (cellSize * METRES_PER_DEGREE) / 0.28e-3,
      cellSize,
      cornerOfOrigin: 'topLeft',
      pointOfOrigin: [-180, 90],
      tileWidth: 256,
      tileHeight: 256,
      matrixWidth: 2 ** (m + 1),
      matrixHeight: 2 ** m,
    };
  });
}

/** What a tile matrix set document, a tileset and a tile route need to know of one set. */
export interface TileMatrixSetDef {
  id: GridId;
  uri: string;
  title: string;
  crs: string;
  orderedAxes: [string, string];
  wellKnownScaleSet: string;
  world: { lowerLeft: [number, number]; upperRight: [number, number] };
  matrices: () => TileMatrix[];
  /** A longitude/latitude box in the set's CRS, outwards to the centimetre (or the 10⁻⁶ degree). */
  box: (b: Bounds) => { lowerLeft: number[]; upperRight: number[] };
  /** Longitude/latitude → column/row in matrix m (clamped to it). */
  tileAt: (lon: number, lat: number, m: number) => { col: number; row: number };
  /** The matrix whose scale is a registry zoom's (clamped to the set's matrices). */
  matrixOfZoom: (z: number) => number;
}

const outwards = (digits: number) => ({
  down: (v: number) => Math.floor(v * digits) / digits,
  up: (v: number) => Math.ceil(v * digits) / digits,
});
const cm = outwards(100);
const micro = outwards(1e6);

export const WEB_MERCATOR_QUAD: TileMatrixSetDef = {
  id: 'WebMercatorQuad',
  uri: TMS_URI,
  title: 'Google Maps Compatible for the World',
  crs: CRS_3857,
  orderedAxes: ['X', 'Y'],
  wellKnownScaleSet: 'http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible',
  world: { lowerLeft: [-ORIGIN, -ORIGIN], upperRight: [ORIGIN, ORIGIN] },
  matrices: tileMatrices,
  box: (b) => ({
    lowerLeft: mercator(b[0], b[1]).map(cm.down),
    upperRight: mercator(b[2], b[3]).map(cm.up),
  }),
  tileAt: (lon, lat, m) => tileAt(lon, lat, m),
  matrixOfZoom: (z) => Math.max(0, Math.min(MAX_ZOOM, z)),
};

export const WORLD_CRS84_QUAD: TileMatrixSetDef = {
  id: 'WorldCRS84Quad',
  uri: CRS84_TMS_URI,
  title: 'CRS84 for the World',
  crs: CRS84,
  orderedAxes: ['Lon', 'Lat'],
  wellKnownScaleSet: 'http://www.opengis.net/def/wkss/OGC/1.0/GoogleCRS84Quad',
  world: { lowerLeft: [-180, -90], upperRight: [180, 90] },
  matrices: crs84TileMatrices,
  box: (b) => ({
    lowerLeft: [micro.down(b[0]), micro.down(b[1])],
    upperRight: [micro.up(b[2]), micro.up(b[3])],
  }),
  tileAt: (lon, lat, m) => crs84TileAt(lon, lat, m),
  matrixOfZoom: (z) => Math.max(0, Math.min(MAX_ZOOM - 1, z - 1)),
};

/** Every set we tile in, the one /tiles uses first. */
export const TILE_MATRIX_SETS: readonly TileMatrixSetDef[] = [WEB_MERCATOR_QUAD, WORLD_CRS84_QUAD];

/**
 * A tile matrix set document in the TMS 2.0 JSON encoding, with the 1.0
 * encoding's members beside it (`type`, `identifier`, `supportedCRS`,
 * `tileMatrix` with `topLeftCorner`): Debian's GDAL 3.6 reads only 1.0
 * (newer GDAL and OpenLayers read 2.0), and the two sets of names do not
 * collide.
 */
export function tileMatrixSetDocument(def: TileMatrixSetDef, self: string): object {
  const matrices = def.matrices();
  return {
    type: 'TileMatrixSetType',
    identifier: def.id,
    supportedCRS: def.crs,
    tileMatrix: matrices.map((m) => ({
      type: 'TileMatrixType',
      identifier: m.id,
      scaleDenominator: m.scaleDenominator,
      topLeftCorner: m.pointOfOrigin,
      tileWidth: m.tileWidth,
      tileHeight: m.tileHeight,
      matrixWidth: m.matrixWidth,
      matrixHeight: m.matrixHeight,
    })),
    id: def.id,
    title: def.title,
    uri: def.uri,
    crs: def.crs,
    orderedAxes: def.orderedAxes,
    wellKnownScaleSet: def.wellKnownScaleSet,
    boundingBox: { ...def.world, crs: def.crs, orderedAxes: def.orderedAxes },
    tileMatrices: matrices,
    links: [{ rel: 'self', type: 'application/json', href: self, title: 'This tile matrix set' }],
  };
}

/** WebMercatorQuad's document. */
export function webMercatorQuad(self: string): object {
  return tileMatrixSetDocument(WEB_MERCATOR_QUAD, self);
}

/** Longitude/latitude → EPSG:3857 metres, the CRS of WebMercatorQuad (latitude clamped to its square). */
export function mercator(lon: number, lat: number): [number, number] {
  const clampedLat = Math.max(-85.0511287798066, Math.min(85.0511287798066, lat));
  const r = (clampedLat * Math.PI) / 180;
  const x = (lon / 180) * ORIGIN;
  const y = (Math.log(Math.tan(Math.PI / 4 + r / 2)) / Math.PI) * ORIGIN;
  const clamp = (v: number) => Math.max(-ORIGIN, Math.min(ORIGIN, v));
  return [clamp(x), clamp(y)];
}

/** Longitude/latitude → tile column/row at zoom z (clamped to the matrix). */
export function tileAt(lon: number, lat: number, z: number): { col: number; row: number } {
  const n = 2 ** z;
  const clampedLat = Math.max(-85.0511287798066, Math.min(85.0511287798066, lat));
  const r = (clampedLat * Math.PI) / 180;
  const x = ((lon + 180) / 360) * n;
  const y = ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n;
  const clamp = (v: number) => Math.max(0, Math.min(n - 1, Math.floor(v)));
  return { col: clamp(x), row: clamp(y) };
}

/** Longitude/latitude → column/row of WorldCRS84Quad's matrix m (clamped to the matrix). */
export function crs84TileAt(lon: number, lat: number, m: number): { col: number; row: number } {
  const size = 180 / 2 ** m;
  const clamp = (v: number, n: number) => Math.max(0, Math.min(n - 1, Math.floor(v)));
  return { col: clamp((lon + 180) / size, 2 ** (m + 1)), row: clamp((90 - lat) / size, 2 ** m) };
}
