/**
 * OpenAPI path item of GET /api/features/{layer}/{id}/sources, from the
 * route's own declaration; the example is the recorded answer for xã Quế
 * Phong's Kim Sơn market.
 */
import { answer, EXAMPLE_REQUEST, problems, type ZodOpenApiPathsObject } from '../http/openapi.ts';
import { noParams } from '../http/params.ts';
import { sourcesPath } from './route.ts';

const EXAMPLE = '/api/features/markets/1/sources';

export const sourcesPaths: ZodOpenApiPathsObject = {
  '/api/features/{layer}/{id}/sources': {
    get: {
      tags: ['Sources'],
      summary: "A feature's sources (articles), location precision and other figures",
      operationId: 'featureSources',
      [EXAMPLE_REQUEST]: EXAMPLE,
      requestParams: { path: sourcesPath, query: noParams },
      responses: {
        '200': answer(
          'Precision (surveyed, approximate with uncertainty_m, schematic), sources and figures',
          'application/json',
          EXAMPLE,
        ),
        ...problems,
      },
    },
  },
};
