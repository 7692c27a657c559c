/**
 * The parameters of OGC API - Tiles requests, declared once for the routes
 * (server/tiles/ogc.ts) and the OpenAPI document (server/tiles/ogc-openapi.ts).
 * A tile is addressed as tileMatrix/tileRow/tileCol of WebMercatorQuad, which
 * is z/y/x of /tiles, or of WorldCRS84Quad (server/tiles/grid.ts): the same
 * checks, named as OGC names them.
 *
 *   ogcTile({ tileMatrix: '3', tileRow: '8', tileCol: '1' }, WEB_MERCATOR_QUAD)
 *   // 400: tileRow must be an integer from 0 to 7 in tile matrix 3; got "8"
 */
import { z } from 'zod';
import { exactly, field, Rejected, readParams } from '../http/params.ts';
import { badRequest, notFound } from '../http/problem.ts';
import { layers as registry } from '../layers/index.ts';
import { crs84Tile, type TileAt } from './grid.ts';
import { TILE_MATRIX_SETS, type TileMatrixSetDef } from './ogc-tms.ts';
import { type LayerSet, MAX_ZOOM, parseLayers } from './params.ts';

/** The composite of every layer: a collection id for tiles only, and the dataset's tiles (/ogc/tiles). */
export const ALL_ID = 'all';

/** A collection with tiles: a registry layer, or `all`; anything else is a 404. */
export function tileCollection(id: string): LayerSet {
  if (id !== ALL_ID && !registry.some((l) => l.id === id)) {
    throw notFound(
      `no collection '${id}'; collections with tiles are ${registry.map((l) => l.id).join(', ')} and '${ALL_ID}'`,
    );
  }
  return parseLayers(id);
}

const TMS_IDS = TILE_MATRIX_SETS.map((t) => t.id);

/** WebMercatorQuad or WorldCRS84Quad; any other id is a 404 naming it. */
export function tileMatrixSet(id: string): TileMatrixSetDef {
  const found = TILE_MATRIX_SETS.find((t) => t.id === id);
  if (!found) throw notFound(`no tile matrix set '${id}'; this server tiles in ${TMS_IDS.join(' and ')}`);
  return found;
}

const index = (description: string, max: number, accepts: string) =>
  field(
    { description, schema: { type: 'integer', minimum: 0, maximum: max }, required: true, trim: false },
    (raw): number => {
      if (raw === undefined || !/^\d{1,9}$/.test(raw) || Number(raw) > max) throw new Rejected(accepts);
      return Number(raw);
    },
  );

export const tilePath = z.object({
  tileMatrix: index(
    `Zoom level: the id of a tile matrix (0 to ${MAX_ZOOM} in WebMercatorQuad, 0 to ${MAX_ZOOM - 1} in WorldCRS84Quad)`,
    MAX_ZOOM,
    `the id of a tile matrix, an integer from 0 to ${MAX_ZOOM}`,
  ),
  tileRow: index(
    'Row, from 0 (north) to 2^tileMatrix − 1',
    2 ** MAX_ZOOM - 1,
    'an integer from 0 to 2^tileMatrix − 1',
  ),
  tileCol: index(
    'Column, from 0 (west) to 2^tileMatrix − 1 (WebMercatorQuad) or 2^(tileMatrix + 1) − 1 (WorldCRS84Quad)',
    2 ** (MAX_ZOOM + 1) - 1,
    'an integer from 0 to the matrix width − 1',
  ),
});

/** `f` of a tile: only `mvt` (Mapbox Vector Tile). */
export const tileQuery = z.object({
  f: exactly(['mvt'] as const, { description: 'Tile format: mvt (the only one)' }),
});

/** `{collectionId}` of a tile path, for the OpenAPI document. */
export const collectionPath = z.object({
  collectionId: field(
    {
      description: `A layer id, or '${ALL_ID}' for every layer in one tile`,
      schema: { type: 'string' },
      example: 'roads',
      required: true,
      trim: false,
    },
    (v): string => v ?? '',
  ),
});

/** `{tileMatrixSetId}`, for the OpenAPI document. */
export const tmsPath = z.object({
  tileMatrixSetId: field(
    {
      description: 'Tile matrix set',
      schema: { type: 'string', enum: TMS_IDS },
      required: true,
      trim: false,
    },
    (v): string => v ?? '',
  ),
});

/**
 * tileMatrix/tileRow/tileCol of `tms` → the tile the SQL reads (z/x/y of
 * /tiles for WebMercatorQuad), or the 400 naming the bad one (a matrix the
 * set lacks, a row or column outside its matrix).
 */
export function ogcTile(
  raw: { tileMatrix?: string; tileRow?: string; tileCol?: string },
  tms: TileMatrixSetDef,
): TileAt {
  const t = readParams(tilePath, { tileMatrix: raw.tileMatrix, tileRow: raw.tileRow, tileCol: raw.tileCol });
  const matrices = tms.matrices();
  const matrix = matrices[t.tileMatrix];
  if (!matrix) {
    throw badRequest(
      'tileMatrix',
      `the id of a tile matrix of ${tms.id}, an integer from 0 to ${matrices.length - 1}`,
      raw.tileMatrix,
    );
  }
  const lastOf = { tileRow: matrix.matrixHeight - 1, tileCol: matrix.matrixWidth - 1 };
  for (const name of ['tileRow', 'tileCol'] as const) {
    if (t[name] > lastOf[name]) {
      throw badRequest(
        name,
        `an integer from 0 to ${lastOf[name]} in tile matrix ${t.tileMatrix}`,
        raw[name],
      );
    }
  }
  return tms.id === 'WorldCRS84Quad'
    ? crs84Tile(t.tileMatrix, t.tileRow, t.tileCol)
    : { z: t.tileMatrix, x: t.tileCol, y: t.tileRow };
}
