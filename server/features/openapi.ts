/**
 * The OpenAPI paths of the OGC API - Features under /ogc (relative to it, as
 * the document's server is /ogc): landing page, conformance, this document,
 * functions, collections, and one set of concrete paths per collection of
 * the registry. server/openapi.ts assembles the whole document.
 */
import { z } from 'zod';
import { answer, badRequestOnly, EXAMPLE_REQUEST, type ZodOpenApiPathsObject } from '../http/openapi.ts';
import { format, jsonOnly } from '../http/params.ts';
import { layers } from '../layers/index.ts';
import { MEDIA } from './links.ts';
import { addWritePaths } from './openapi-edit.ts';
import { collectionPaths } from './openapi-items.ts';

/** The query of /ogc/api: the document (json) or a page that renders it (html). */
export const apiQuery = z.object({ f: format(['json', 'html'] as const, 'json or html') });

export function featuresPaths(): ZodOpenApiPathsObject {
  const fixed = (summary: string, operationId: string, type: string = MEDIA.json, request?: string) => ({
    get: {
      summary,
      operationId,
      tags: ['OGC API - Features'],
      ...(request ? { [EXAMPLE_REQUEST]: request } : {}),
      requestParams: { query: jsonOnly },
      responses: { '200': answer(summary, type, request), ...badRequestOnly },
    },
  });
  const paths: ZodOpenApiPathsObject = {
    '/': fixed('Landing page', 'getLandingPage'),
    '/conformance': fixed('Conformance classes', 'getConformance', MEDIA.json, '/ogc/conformance'),
    '/api': {
      get: {
        summary: 'This document (f=html: a page that renders it)',
        operationId: 'getApi',
        tags: ['OGC API - Features'],
        requestParams: { query: apiQuery },
        responses: {
          '200': {
            description: 'This document',
            content: {
              [MEDIA.openapi]: { schema: { type: 'object' } },
              'text/html': { schema: { type: 'string' } },
            },
          },
          ...badRequestOnly,
        },
      },
    },
    '/functions': fixed('Functions a CQL2 filter may call', 'getFunctions'),
    '/collections': fixed('The feature collections', 'getCollections'),
  };
  for (const l of layers) Object.assign(paths, collectionPaths(l));
  for (const l of layers) addWritePaths(paths, l);
  return paths;
}
