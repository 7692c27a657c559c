/** OpenAPI path item of GET /api/units/{code}, from the route's own declarations. */
import { answer, EXAMPLE_REQUEST, problems, type ZodOpenApiPathsObject } from '../http/openapi.ts';
import { unitPath, unitQuery } from './route.ts';

const EXAMPLE = '/api/units/06901?at=2024-01-01';

export const unitsPaths: ZodOpenApiPathsObject = {
  '/api/units/{code}': {
    get: {
      tags: ['Search'],
      summary:
        'An administrative unit by official code, as it was on a day (default today): name, kind, level, parents, valid period, successors (full/partial) and predecessors',
      operationId: 'unitByCode',
      [EXAMPLE_REQUEST]: EXAMPLE,
      requestParams: { path: unitPath, query: unitQuery },
      responses: { '200': answer('The unit', 'application/json', EXAMPLE), ...problems },
    },
  },
};
