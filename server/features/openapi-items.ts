/**
 * OpenAPI operations of one collection, with its concrete paths. GDAL and
 * QGIS read the page size from the `limit` parameter of
 * /collections/{id}/items (default and maximum), and take the other query
 * parameters of that path as the simple filters they may send.
 */
import type { LayerDef } from '../layers/index.ts';
import { SUPPORTED_CRS } from './crs.ts';
import { DEFAULT_LIMIT, MAX_LIMIT } from './items-params.ts';
import { MEDIA } from './links.ts';

const query = (name: string, description: string, schema: Record<string, unknown>, extra = {}) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
  style: 'form',
  explode: false,
  ...extra,
});

const errors = {
  '400': { $ref: '#/components/responses/BadRequest' },
  '404': { $ref: '#/components/responses/NotFound' },
  '503': { $ref: '#/components/responses/Unavailable' },
};

const f = (values: string[]) => query('f', 'Response format', { type: 'string', enum: values });

export function itemsParameters(layer: LayerDef): unknown[] {
  const params: unknown[] = [
    query('limit', `Features per page; larger values are capped at ${MAX_LIMIT}`, {
      type: 'integer',
      minimum: 1,
      maximum: MAX_LIMIT,
      default: DEFAULT_LIMIT,
    }),
    query('offset', 'Features to skip (next links use cursor instead)', {
      type: 'integer',
      minimum: 0,
      default: 0,
    }),
    query('cursor', 'Where the page starts, as set by a next or prev link (opaque; not with offset)', {
      type: 'string',
    }),
    query('bbox', 'minLon,minLat,maxLon,maxLat (CRS84, or bbox-crs): features intersecting the box', {
      type: 'array',
      minItems: 4,
      maxItems: 6,
      items: { type: 'number' },
    }),
    query('bbox-crs', 'CRS of bbox', { type: 'string', format: 'uri', enum: [...SUPPORTED_CRS] }),
    query('crs', 'CRS of the response geometries', {
      type: 'string',
      format: 'uri',
      enum: [...SUPPORTED_CRS],
    }),
    query('properties', 'Comma list of properties to return (empty: none)', {
      type: 'array',
      items: { type: 'string', enum: layer.properties.map((p) => p.name) },
    }),
    query('sortby', 'Comma list of [+|-]property, sortable ones and id', {
      type: 'array',
      items: { type: 'string' },
    }),
    query('filter', 'CQL2 text filter on the queryables (see /queryables and /functions)', {
      type: 'string',
    }),
    query('filter-lang', 'Filter language (cql-text: the draft name, read by GDAL 3.6)', {
      type: 'string',
      enum: ['cql2-text', 'cql-text'],
      default: 'cql2-text',
    }),
    query('filter-crs', 'CRS of geometry literals in filter', {
      type: 'string',
      format: 'uri',
      enum: [...SUPPORTED_CRS],
    }),
    f(['json', 'geojson', 'csv']),
  ];
  if (layer.timeField) {
    params.push(
      query(
        'datetime',
        `Instant or interval on ${layer.timeField} (a year): 2020-01-01/2023-12-31, ../2021, 2022`,
        {
          type: 'string',
        },
      ),
    );
  }
  for (const p of layer.properties) {
    if (!p.filterable) continue;
    params.push(
      query(p.name, `Only features whose ${p.name} equals this value. ${p.description}`, {
        type: p.type,
        ...(p.enum ? { enum: [...p.enum] } : {}),
      }),
    );
  }
  return params;
}

export function collectionPaths(layer: LayerDef): Record<string, unknown> {
  const base = `/collections/${layer.id}`;
  const tag = [layer.title];
  return {
    [base]: {
      get: {
        tags: tag,
        summary: `${layer.title}: collection metadata`,
        operationId: `describe-${layer.id}`,
        parameters: [f(['json'])],
        responses: { '200': json('Collection metadata'), ...errors },
      },
    },
    [`${base}/items`]: {
      get: {
        tags: tag,
        summary: `${layer.title}: features`,
        description: layer.description,
        operationId: `get-${layer.id}-features`,
        parameters: itemsParameters(layer),
        responses: {
          '200': {
            description: 'A page of features; follow the next link for more',
            content: {
              [MEDIA.geojson]: { schema: { $ref: '#/components/schemas/FeatureCollection' } },
              [MEDIA.csv]: { schema: { type: 'string' } },
            },
          },
          ...errors,
        },
      },
    },
    [`${base}/items/{featureId}`]: {
      get: {
        tags: tag,
        summary: `${layer.title}: one feature`,
        operationId: `get-${layer.id}-feature`,
        parameters: [
          { name: 'featureId', in: 'path', required: true, schema: { type: 'integer' } },
          f(['json', 'geojson']),
          query('crs', 'CRS of the geometry', { type: 'string', format: 'uri', enum: [...SUPPORTED_CRS] }),
        ],
        responses: {
          '200': { description: 'The feature', content: { [MEDIA.geojson]: { schema: { type: 'object' } } } },
          ...errors,
        },
      },
    },
    [`${base}/schema`]: {
      get: {
        tags: tag,
        summary: `${layer.title}: schema of the features (JSON Schema)`,
        operationId: `get-${layer.id}-schema`,
        parameters: [f(['json'])],
        responses: {
          '200': { description: 'Schema', content: { [MEDIA.schema]: { schema: { type: 'object' } } } },
          ...errors,
        },
      },
    },
    [`${base}/queryables`]: {
      get: {
        tags: tag,
        summary: `${layer.title}: queryables (JSON Schema)`,
        operationId: `get-${layer.id}-queryables`,
        parameters: [f(['json'])],
        responses: {
          '200': { description: 'Queryables', content: { [MEDIA.schema]: { schema: { type: 'object' } } } },
          ...errors,
        },
      },
    },
  };
}

export function json(description: string): unknown {
  return { description, content: { [MEDIA.json]: { schema: { type: 'object' } } } };
}
