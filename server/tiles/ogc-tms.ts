/**
 * WebMercatorQuad, the one tile matrix set we tile in, written out as OGC
 * Two Dimensional Tile Matrix Set 2.0 JSON (OGC 17-083r4, annex D.1): the
 * same z/x/y grid as /tiles, with tileMatrix = z, tileRow = y (from the
 * north) and tileCol = x (from the west). Clients (GDAL, OpenLayers) read
 * the grid from here rather than assume it.
 */
import { MAX_ZOOM } from './params.ts';

export const TMS_ID = 'WebMercatorQuad';
export const TMS_URI = 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad';
export const CRS_3857 = 'http://www.opengis.net/def/crs/EPSG/0/3857';

/** Half the width of the Web Mercator square, in metres. */
const ORIGIN = 20037508.3427892;
/** Scale denominator of zoom 0 (256-pixel tiles at 0.28 mm a pixel). */
const SCALE_0 = 559082264.028717;

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
 * The tile matrix set document in the TMS 2.0 JSON encoding, with the 1.0
 * encoding's members beside it (`type`, `identifier`, `supportedCRS`,
 * `tileMatrix` with `topLeftCorner`): Debian's GDAL 3.6 reads only 1.0
 * (newer GDAL and OpenLayers read 2.0), and the two sets of names do not
 * collide.
 */
export function webMercatorQuad(self: string): object {
  const matrices = tileMatrices();
  return {
    type: 'TileMatrixSetType',
    identifier: TMS_ID,
    supportedCRS: CRS_3857,
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
    id: TMS_ID,
    title: 'Google Maps Compatible for the World',
    uri: TMS_URI,
    crs: CRS_3857,
    orderedAxes: ['X', 'Y'],
    wellKnownScaleSet: 'http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible',
    boundingBox: {
      lowerLeft: [-ORIGIN, -ORIGIN],
      upperRight: [ORIGIN, ORIGIN],
      crs: CRS_3857,
      orderedAxes: ['X', 'Y'],
    },
    tileMatrices: matrices,
    links: [{ rel: 'self', type: 'application/json', href: self, title: 'This tile matrix set' }],
  };
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
