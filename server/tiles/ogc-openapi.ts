/**
 * OpenAPI path items of OGC API - Tiles (server/tiles/ogc.ts), relative to
 * /ogc like the rest of the OGC API; server/openapi.ts puts them beside the
 * features' paths. Parameters come from the declarations the routes read
 * (server/tiles/ogc-params.ts).
 */

import { MEDIA } from '../features/links.ts';
import { answer, badRequestOnly, problems, type ZodOpenApiPathsObject } from '../http/openapi.ts';
import { jsonOnly } from '../http/params.ts';
import { collectionPath, tilePath, tileQuery, tmsPath } from './ogc-params.ts';
import { MVT_TYPE } from './respond.ts';

const TAGS = ['OGC API - Tiles'];

const tileResponses = {
  '200': { description: 'A vector tile', content: { [MVT_TYPE]: {} } },
  '204': { description: 'No layer at this tile matrix, or no feature in the tile' },
  '304': { description: 'Not modified (ETag)' },
  ...problems,
};

function tilePaths(prefix: string, id: string, what: string, withCollection: boolean): ZodOpenApiPathsObject {
  const path = withCollection ? { path: collectionPath } : {};
  const withTms = withCollection ? collectionPath.extend(tmsPath.shape) : tmsPath;
  return {
    [prefix]: {
      get: {
        tags: TAGS,
        summary: `Tilesets of ${what}: vector tiles in WebMercatorQuad and in WorldCRS84Quad`,
        operationId: `get-${id}-tilesets`,
        requestParams: { query: jsonOnly, ...path },
        responses: { '200': answer('Tilesets', MEDIA.json), ...problems },
      },
    },
    [`${prefix}/{tileMatrixSetId}`]: {
      get: {
        tags: TAGS,
        summary: `Tileset metadata of ${what}: limits, layers, and the tile URL template`,
        operationId: `get-${id}-tileset`,
        requestParams: { query: jsonOnly, path: withTms },
        responses: { '200': answer('Tileset metadata', MEDIA.json), ...problems },
      },
    },
    [`${prefix}/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}`]: {
      get: {
        tags: TAGS,
        summary: `A vector tile of ${what}; in WebMercatorQuad the same bytes as /tiles/{layers}/{z}/{x}/{y}.mvt with z = tileMatrix, y = tileRow, x = tileCol`,
        operationId: `get-${id}-tile`,
        requestParams: { query: tileQuery, path: withTms.extend(tilePath.shape) },
        responses: tileResponses,
      },
    },
  };
}

export const ogcTilesPaths: ZodOpenApiPathsObject = {
  '/tileMatrixSets': {
    get: {
      tags: TAGS,
      summary: 'Tile matrix sets the tiles are offered in',
      operationId: 'get-tile-matrix-sets',
      requestParams: { query: jsonOnly },
      responses: { '200': answer('Tile matrix sets', MEDIA.json), ...badRequestOnly },
    },
  },
  '/tileMatrixSets/{tileMatrixSetId}': {
    get: {
      tags: TAGS,
      summary: 'Definition of a tile matrix set (OGC TMS 2.0 JSON)',
      operationId: 'get-tile-matrix-set',
      requestParams: { query: jsonOnly, path: tmsPath },
      responses: { '200': answer('Tile matrix set', MEDIA.json), ...problems },
    },
  },
  ...tilePaths('/tiles', 'dataset', 'the dataset (every layer)', false),
  ...tilePaths('/collections/{collectionId}/tiles', 'collection', "a collection (a layer, or 'all')", true),
};
