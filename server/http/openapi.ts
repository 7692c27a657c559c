/**
 * Pieces every module's OpenAPI declarations share: the problem responses,
 * a JSON answer, recorded examples, and the paths of the service itself
 * (/health, /ready, /metrics). Each router's module declares its own paths
 * with these (zod-openapi path objects, parameters from the same zod
 * declarations that validate requests); server/openapi.ts assembles them.
 *
 *   export const searchPaths: ZodOpenApiPathsObject = {
 *     '/api/search': { get: { operationId: 'search', requestParams: { query: searchQuery },
 *       responses: { '200': jsonAnswer('Places', '/api/search?q=muong%20nha'), ...problems } } },
 *   };
 */
import type { ZodOpenApiPathsObject, ZodOpenApiResponseObject } from 'zod-openapi';
import recorded from './openapi-examples.json' with { type: 'json' };

export type { ZodOpenApiOperationObject, ZodOpenApiPathsObject } from 'zod-openapi';

const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });

/** 400, 404 and 503 as problem+json (components in server/openapi.ts). */
export const problems = {
  '400': ref('BadRequest'),
  '404': ref('NotFound'),
  '503': ref('Unavailable'),
} as const;

export const badRequestOnly = { '400': ref('BadRequest') } as const;

/** Answers recorded by `npm run openapi:examples` (scripts/openapi-examples.ts), by request. */
export const examples: Readonly<Record<string, unknown>> = recorded;

/**
 * The operation extension naming the request whose recorded answer is the
 * example; the script reads it from the document and calls it.
 */
export const EXAMPLE_REQUEST = 'x-example-request';

/** An answer of `type`, with the recorded answer of `request` (a path and query on this server) as its example. */
export function answer(
  description: string,
  type: string,
  request?: string,
  schema: Record<string, unknown> = { type: 'object' },
): ZodOpenApiResponseObject {
  const example = request === undefined ? undefined : examples[request];
  return {
    description,
    content: { [type]: { schema, ...(example === undefined ? {} : { example }) } },
  };
}

/** Plain JSON answer. */
export const jsonAnswer = (description: string, request?: string) =>
  answer(description, 'application/json', request);

/** The service's own paths, at the site root. */
export const servicePaths: ZodOpenApiPathsObject = {
  '/health': {
    get: {
      tags: ['Service'],
      summary: 'The process is alive (200 while it can answer)',
      operationId: 'health',
      responses: { '200': jsonAnswer('Alive') },
    },
  },
  '/ready': {
    get: {
      tags: ['Service'],
      summary: 'The database answers; 503 with Retry-After while it does not',
      operationId: 'ready',
      responses: { '200': jsonAnswer('Ready'), '503': ref('Unavailable') },
    },
  },
  '/metrics': {
    get: {
      tags: ['Service'],
      summary: 'Prometheus metrics (requests, tiles, caches, the Node.js process)',
      operationId: 'metrics',
      responses: {
        '200': { description: 'Metrics', content: { 'text/plain': { schema: { type: 'string' } } } },
      },
    },
  },
};
