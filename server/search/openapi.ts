/** OpenAPI path item of GET /api/search, from the route's own declaration. */
import { answer, EXAMPLE_REQUEST, problems, type ZodOpenApiPathsObject } from '../http/openapi.ts';
import { searchQuery } from './route.ts';

const EXAMPLE = '/api/search?q=muong%20nha&limit=3';

export const searchPaths: ZodOpenApiPathsObject = {
  '/api/search': {
    get: {
      tags: ['Search'],
      summary: 'Places (units, gates, markets, parks, projects...) whose name matches the words, best first',
      operationId: 'search',
      [EXAMPLE_REQUEST]: EXAMPLE,
      requestParams: { query: searchQuery },
      responses: { '200': answer('Matching places', 'application/json', EXAMPLE), ...problems },
    },
  },
};
