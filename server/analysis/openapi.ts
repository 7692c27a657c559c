/**
 * OpenAPI 3.0 path items for the analysis and statistics endpoints, merged
 * into the service document at /ogc/api through server/openapi-extras.ts.
 * Parameters come from the same lists the parsers use; each answer has an
 * example taken from a real call on the seeded data (arrays cut to one or
 * two items).
 */
import { CATEGORIES, STATUS } from '../layers/project-properties.ts';
import { LENGTH_BYS } from './border-length.ts';
import { BAND_BYS, DEFAULT_BANDS } from './distance-bands.ts';
import { reports } from './index.ts';
import { DEFAULT_KM } from './near-border.ts';
import * as examples from './openapi-examples.ts';
import { MAX_KM, NEIGHBOURS } from './params.ts';
import { GROUP_BYS } from './project-groups.ts';
import { pointLayerIds } from './sources.ts';

type Param = Record<string, unknown>;

const q = (name: string, description: string, schema: Record<string, unknown>, example?: unknown): Param => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
  ...(example === undefined ? {} : { example }),
});

const km = (name: string, description: string, dflt?: number) =>
  q(name, description, {
    type: 'number',
    minimum: 0,
    maximum: MAX_KM,
    ...(dflt === undefined ? {} : { default: dflt }),
  });

const PARAMS: Record<string, Param> = {
  km: km('km', 'Distance from the land border, km (0 to 1000)', DEFAULT_KM),
  within_km: km('within_km', 'Only projects within this distance of the land border, km'),
  layers: q(
    'layers',
    `Comma-separated point layers: ${pointLayerIds().join(', ')}`,
    { type: 'string', default: 'projects' },
    'projects,border-gates',
  ),
  neighbour: q('neighbour', 'Only the border with this country (ISO 3166 alpha-3)', {
    type: 'string',
    enum: [...NEIGHBOURS],
  }),
  bands: q(
    'bands',
    'Band edges in km, 2 to 20, strictly increasing: 0,5,20,50 means [0,5), [5,20), [20,50]',
    { type: 'string', default: DEFAULT_BANDS },
    '0,5,20,50',
  ),
  from: q('from', 'Projects starting in this year or later', {
    type: 'integer',
    minimum: 1900,
    maximum: 2100,
  }),
  to: q('to', 'Projects starting in this year or earlier (not before `from`)', {
    type: 'integer',
    minimum: 1900,
    maximum: 2100,
  }),
  category: q('category', 'Kind of investment', { type: 'string', enum: [...CATEGORIES] }),
  status: q('status', 'Stage of the project', { type: 'string', enum: [...STATUS] }),
  province: q(
    'province',
    'A current province, by code or name (accents optional)',
    { type: 'string' },
    'Điện Biên',
  ),
  code: {
    name: 'code',
    in: 'path',
    required: true,
    description:
      'Official code of the unit (a current unit first; a code only former units had answers the most recent of them) or its slug',
    schema: { type: 'string' },
    example: '02701',
  },
};

const BY: Record<string, readonly string[]> = {
  'distance-bands': BAND_BYS,
  investment: GROUP_BYS,
  'border-length': LENGTH_BYS,
};

const problem = (description: string) => ({
  description,
  content: {
    'application/problem+json': {
      schema: {
        type: 'object',
        properties: {
          type: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          parameter: { type: 'string' },
        },
      },
    },
  },
});

const EXAMPLES: Record<string, unknown> = {
  'near-border': examples.nearBorder,
  'distance-bands': examples.distanceBands,
  investment: examples.investment,
  'border-length': examples.borderLength,
  accessibility: examples.accessibility,
  indicators: examples.indicators,
};

function pathItem(name: string, summary: string, params: readonly string[], geojson: boolean) {
  const by = BY[name];
  const parameters = params.map((p) =>
    p === 'by' && by
      ? q('by', 'How rows are grouped', { type: 'string', enum: [...by], default: by[0] })
      : PARAMS[p],
  );
  const formats = geojson || name === 'accessibility' ? ['json', 'geojson', 'csv'] : ['json', 'csv'];
  parameters.push(
    q('f', 'Answer format (CSV also with Accept: text/csv)', { type: 'string', enum: formats }),
  );
  const body = geojson ? 'application/geo+json' : 'application/json';
  return {
    get: {
      summary,
      operationId: `get-${name}`,
      tags: ['Analysis and statistics'],
      parameters,
      responses: {
        '200': {
          description: summary,
          content: {
            [body]: { schema: { type: 'object' }, example: EXAMPLES[name] },
            'text/csv': { schema: { type: 'string' } },
          },
        },
        '400': problem('A parameter is unknown or has a bad value; `parameter` names it'),
        ...(name === 'indicators' ? { '404': problem('No unit has this code or slug') } : {}),
        '503': problem('The database is not reachable; retry after Retry-After seconds'),
      },
    },
  };
}

const tiles = {
  get: {
    summary: 'The near-border answer as a Mapbox Vector Tile (one layer, "near-border"), cut by geojson-vt',
    operationId: 'get-near-border-tile',
    tags: ['Analysis and statistics'],
    parameters: [
      ...['z', 'x', 'y'].map((n) => ({
        name: n,
        in: 'path',
        required: true,
        schema: { type: 'integer', minimum: 0 },
      })),
      PARAMS.km,
      PARAMS.layers,
      PARAMS.neighbour,
    ],
    responses: {
      '200': { description: 'A vector tile', content: { 'application/vnd.mapbox-vector-tile': {} } },
      '204': { description: 'No feature in this tile' },
      '304': { description: 'Not modified (ETag)' },
      '400': problem('Bad z/x/y or parameter; `parameter` names it'),
    },
  },
};

/** `{ '/api/analysis/near-border': { get: … }, … }`, spread into extraPaths. */
export const analysisPaths: Record<string, unknown> = {
  ...Object.fromEntries(
    reports.map((r) => [
      r.path.replace(/:(\w+)/g, '{$1}'),
      pathItem(r.name, r.summary, r.params, r.geojson === true),
    ]),
  ),
  '/api/analysis/near-border/tiles/{z}/{x}/{y}.mvt': tiles,
};
