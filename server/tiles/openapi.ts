/** OpenAPI path items of the vector tiles and their TileJSON, from the declarations of params.ts. */
import { answer, EXAMPLE_REQUEST, problems, type ZodOpenApiPathsObject } from '../http/openapi.ts';
import { tileCoordinates, tileLayers } from './params.ts';

const TILEJSON = '/tiles/all.json';

export const tilesPaths: ZodOpenApiPathsObject = {
  '/tiles/{layers}/{z}/{x}/{y}.mvt': {
    get: {
      tags: ['Tiles'],
      summary: 'A Mapbox Vector Tile with one MVT layer per registry layer asked for (.pbf is accepted too)',
      operationId: 'get-tile',
      requestParams: { path: tileLayers.extend(tileCoordinates.shape) },
      responses: {
        '200': { description: 'A vector tile', content: { 'application/vnd.mapbox-vector-tile': {} } },
        '204': { description: 'No layer at this zoom, or no feature in the tile' },
        '304': { description: 'Not modified (ETag)' },
        ...problems,
      },
    },
  },
  '/tiles/{layers}.json': {
    get: {
      tags: ['Tiles'],
      summary: 'TileJSON 3.0.0 of a layer set: tile URL, zooms, bounds and the fields of each layer',
      operationId: 'get-tilejson',
      [EXAMPLE_REQUEST]: TILEJSON,
      requestParams: { path: tileLayers },
      responses: { '200': answer('TileJSON', 'application/json', TILEJSON), ...problems },
    },
  },
};
