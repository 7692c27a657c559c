/**
 * OpenAPI path items of the analysis and statistics endpoints, from the
 * reports' own declarations (the same zod objects the router and `npm run
 * stats` read): path and query parameters, formats, and as example the
 * answer recorded on the seeded data by `npm run openapi:examples`.
 */
import {
  answer,
  EXAMPLE_REQUEST,
  problems,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
} from '../http/openapi.ts';
import { tileCoordinates } from '../tiles/params.ts';
import { reports } from './index.ts';
import { nearBorderParams } from './near-border.ts';
import type { Report } from './report.ts';
import { reportPath, reportQuery } from './route.ts';

/** The request whose answer is each report's example. */
const EXAMPLES: Record<string, string> = {
  'near-border': '/api/analysis/near-border?km=10',
  'distance-bands': '/api/stats/distance-bands',
  investment: '/api/stats/investment?by=category',
  'border-length': '/api/stats/border-length',
  accessibility: '/api/stats/accessibility?province=11',
  indicators: '/api/units/02701/indicators',
};

function operation(report: Report): ZodOpenApiOperationObject {
  const type = report.geojson ? 'application/geo+json' : 'application/json';
  const request = EXAMPLES[report.name];
  const ok = answer(report.summary, type, request);
  return {
    summary: report.summary,
    operationId: `get-${report.name}`,
    tags: ['Analysis and statistics'],
    ...(request ? { [EXAMPLE_REQUEST]: request } : {}),
    requestParams: { query: reportQuery(report), path: reportPath(report) },
    responses: {
      '200': { ...ok, content: { ...ok.content, 'text/csv': { schema: { type: 'string' } } } },
      ...problems,
    },
  };
}

/** `{ '/api/analysis/near-border': { get: … }, … }`. */
export function analysisPaths(): ZodOpenApiPathsObject {
  return {
    ...Object.fromEntries(reports.map((r) => [r.path.replace(/:(\w+)/g, '{$1}'), { get: operation(r) }])),
    '/api/analysis/near-border/tiles/{z}/{x}/{y}.mvt': {
      get: {
        summary:
          'The near-border answer as a Mapbox Vector Tile (one layer, "near-border"), cut by geojson-vt',
        operationId: 'get-near-border-tile',
        tags: ['Analysis and statistics'],
        requestParams: { path: tileCoordinates, query: nearBorderParams },
        responses: {
          '200': { description: 'A vector tile', content: { 'application/vnd.mapbox-vector-tile': {} } },
          '204': { description: 'No feature in this tile' },
          '304': { description: 'Not modified (ETag)' },
          ...problems,
        },
      },
    },
  };
}
