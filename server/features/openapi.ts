/**
 * GET /ogc/api: the OpenAPI 3.0 document of the whole service, built from
 * the registry (one set of concrete paths per collection) plus the paths
 * other modules export through server/openapi-extras.ts. Those live at the
 * site root (/api/...), so each gets a path-level `servers` entry.
 * `?f=html` gives a readable page of the same (the landing page's service-doc).
 */
import type { RequestHandler } from 'express';
import { onlyParams } from '../http/params.ts';
import { badRequest } from '../http/problem.ts';
import { layers } from '../layers/index.ts';
import { extraPaths } from '../openapi-extras.ts';
import { apiRoot, MEDIA, siteRoot } from './links.ts';
import { openapiHtml } from './openapi-html.ts';
import { collectionPaths, json } from './openapi-items.ts';
import { sendJson } from './respond.ts';

const errorResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

export function openapiDocument(root: string, site: string): Record<string, unknown> {
  const fixed = (summary: string, operationId: string) => ({
    get: {
      summary,
      operationId,
      responses: { '200': json(summary), '400': { $ref: '#/components/responses/BadRequest' } },
    },
  });
  const paths: Record<string, unknown> = {
    '/': fixed('Landing page', 'getLandingPage'),
    '/conformance': fixed('Conformance classes', 'getConformance'),
    '/api': fixed('This document', 'getApi'),
    '/functions': fixed('Functions a CQL2 filter may call', 'getFunctions'),
    '/collections': fixed('The feature collections', 'getCollections'),
  };
  for (const l of layers) Object.assign(paths, collectionPaths(l));
  for (const [path, item] of Object.entries(extraPaths)) {
    if (path.startsWith('/ogc/')) paths[path.slice(4)] = item;
    else paths[path] = { servers: [{ url: site }], ...(item as object) };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Border Atlas',
      version: '1.0.0',
      description:
        "OGC API - Features (Parts 1, 2 and 3, CQL2 text) over the layers of Border Atlas, a map of development in Vietnam's mountainous, border and island areas, plus its analysis and statistics endpoints.",
    },
    servers: [{ url: root }],
    paths,
    components: {
      schemas: {
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details; `parameter` names the bad query parameter',
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            parameter: { type: 'string' },
          },
        },
        FeatureCollection: {
          type: 'object',
          required: ['type', 'features'],
          properties: {
            type: { type: 'string', enum: ['FeatureCollection'] },
            features: { type: 'array', items: { type: 'object' } },
            numberMatched: { type: 'integer' },
            numberReturned: { type: 'integer' },
            timeStamp: { type: 'string', format: 'date-time' },
            links: { type: 'array', items: { type: 'object' } },
          },
        },
      },
      responses: {
        BadRequest: errorResponse('A parameter is unknown or has a bad value (the body names it)'),
        NotFound: errorResponse('No such collection or feature'),
        Unavailable: errorResponse('The database is not reachable; retry after Retry-After seconds'),
      },
    },
  };
}

export const openapiRoute: RequestHandler = (req, res) => {
  onlyParams(req.query, ['f']);
  const f = req.query.f;
  if (f !== undefined && f !== 'json' && f !== 'html') throw badRequest('f', 'json or html', f);
  const doc = openapiDocument(apiRoot(req), siteRoot(req));
  if (f === 'html') {
    res.type('html').send(openapiHtml(doc));
    return;
  }
  sendJson(res, doc, MEDIA.openapi);
};
