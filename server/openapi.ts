/**
 * GET /ogc/api: the OpenAPI 3.0 document of the whole service, assembled
 * here, above every router, from the paths each one declares next to its
 * parameters (the zod declarations of server/http/params.ts): the OGC API
 * under /ogc, then analysis, statistics, sources, search, tiles, fonts and
 * the service's own paths at the site root (each with a path-level
 * `servers` entry). `?f=html` is Swagger UI, served from this origin.
 *
 *   app.use(openapiRouter())
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler, Router } from 'express';
import { createDocument, type ZodOpenApiPathsObject } from 'zod-openapi';
import { analysisPaths } from './analysis/openapi.ts';
import { auditPaths } from './audit/openapi.ts';
import { sessionPaths } from './auth/openapi.ts';
import { apiRoot, MEDIA, siteRoot } from './features/links.ts';
import { apiQuery, featuresPaths } from './features/openapi.ts';
import { fontsPaths } from './fonts/openapi.ts';
import { unitsPaths } from './gazetteer/openapi.ts';
import { watchCache } from './http/caches.ts';
import { servicePaths } from './http/openapi.ts';
import { type Input, readParams } from './http/params.ts';
import { importPaths } from './import/http-openapi.ts';
import { acceptPaths } from './ingest/accept-openapi.ts';
import { ingestPaths } from './ingest/openapi.ts';
import { searchPaths } from './search/openapi.ts';
import { sourcesPaths } from './sources/openapi.ts';
import { stylesPaths } from './styles/openapi.ts';
import { ogcTilesPaths } from './tiles/ogc-openapi.ts';
import { tilesPaths } from './tiles/openapi.ts';

/** Paths at the site root, by module, in the order the document lists them. */
function rootPaths(): ZodOpenApiPathsObject {
  return {
    ...analysisPaths(),
    ...sourcesPaths,
    ...searchPaths,
    ...unitsPaths,
    ...tilesPaths,
    ...fontsPaths,
    ...stylesPaths,
    ...servicePaths,
    ...sessionPaths,
    ...importPaths,
    ...ingestPaths,
    ...auditPaths,
    ...acceptPaths,
  };
}

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** The document for a service whose OGC API is at `root` (…/ogc) and whose site root is `site`. */
export function openapiDocument(root: string, site: string): Record<string, unknown> {
  const paths: ZodOpenApiPathsObject = { ...featuresPaths(), ...ogcTilesPaths };
  for (const [p, item] of Object.entries(rootPaths())) paths[p] = { servers: [{ url: site }], ...item };
  return createDocument({
    openapi: '3.0.3',
    info: {
      title: 'Border Atlas',
      version: '1.0.0',
      description:
        "OGC API - Features (Parts 1, 2 and 3, CQL2 text and JSON) over the layers of Border Atlas, a map of development in Vietnam's mountainous, border and island areas, plus its analysis and statistics, search, sources, vector tiles and glyphs.",
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
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A token of `npm run token -- create` (ba_…)',
        },
      },
      responses: {
        BadRequest: problem('A parameter is unknown or has a bad value (the body names it)'),
        NotFound: problem('No such collection, feature, layer or unit'),
        Unavailable: problem('The database is not reachable; retry after Retry-After seconds'),
      },
    },
  }) as unknown as Record<string, unknown>;
}

/** Where the renderer's files are served, under the document's own path. */
export const UI_BASE = '/ogc/api/ui';
const UI_FILES = new Set(['/swagger-ui.css', '/swagger-ui-bundle.js', '/ui.js']);
const swaggerUiDist = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ownUi = path.join(path.dirname(fileURLToPath(import.meta.url)), 'openapi');

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(documentUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Border Atlas API</title>
<link rel="stylesheet" href="${UI_BASE}/swagger-ui.css">
</head>
<body>
<noscript>This page renders <a href="${esc(documentUrl)}">the OpenAPI document</a> with JavaScript.</noscript>
<div id="swagger-ui" data-url="${esc(documentUrl)}"></div>
<script src="${UI_BASE}/swagger-ui-bundle.js"></script>
<script src="${UI_BASE}/ui.js"></script>
</body>
</html>`;
}

/**
 * GET /ogc/api. Documents are built once per host name asked for, by this
 * router: an app built after a layer was registered documents that layer.
 */
function apiRoute(): RequestHandler {
  const built = watchCache('openapi.documents', new Map<string, string>());
  return (req, res) => {
    const { f } = readParams(apiQuery, req.query as Input);
    const root = apiRoot(req);
    if (f === 'html') {
      res.type('html').send(page(`${root}/api?f=json`));
      return;
    }
    const site = siteRoot(req);
    let text = built.get(root);
    if (text === undefined) {
      text = JSON.stringify(openapiDocument(root, site));
      if (built.size >= 16) built.clear();
      built.set(root, text);
    }
    res.setHeader('Content-Type', `${MEDIA.openapi}; charset=utf-8`);
    res.send(text);
  };
}

export function openapiRouter(): Router {
  const r = Router();
  r.get('/ogc/api', apiRoute());
  const dist = express.static(swaggerUiDist, { index: false, maxAge: '1d' });
  const own = express.static(ownUi, { index: false, maxAge: '1h' });
  // Only the files the page loads; nothing else of the package is served.
  r.use(UI_BASE, (req, res, next) => {
    if (!UI_FILES.has(req.path)) return next();
    return req.path === '/ui.js' ? own(req, res, next) : dist(req, res, next);
  });
  return r;
}
