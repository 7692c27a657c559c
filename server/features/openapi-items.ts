/**
 * OpenAPI operations of one collection, with its concrete paths, from the
 * same declarations the routes read (items-params.ts, item.ts). GDAL and
 * QGIS read the page size from the `limit` parameter of
 * /collections/{id}/items (default and maximum), and take the other query
 * parameters of that path as the simple filters they may send.
 */
import { z } from 'zod';
import { answer, EXAMPLE_REQUEST, problems, type ZodOpenApiPathsObject } from '../http/openapi.ts';
import { field, jsonOnly } from '../http/params.ts';
import type { LayerDef } from '../layers/index.ts';
import { itemQuery } from './item.ts';
import { itemsQuery } from './items-params.ts';
import { MEDIA } from './links.ts';

const featureId = z.object({
  featureId: field(
    { description: 'The feature id', schema: { type: 'integer' }, required: true, trim: false },
    (v) => v,
  ),
});

export function collectionPaths(layer: LayerDef): ZodOpenApiPathsObject {
  const base = `/collections/${layer.id}`;
  const tags = [layer.title];
  const ogc = `/ogc${base}`;
  return {
    [base]: {
      get: {
        tags,
        summary: `${layer.title}: collection metadata`,
        operationId: `describe-${layer.id}`,
        requestParams: { query: jsonOnly },
        responses: { '200': answer('Collection metadata', MEDIA.json), ...problems },
      },
    },
    [`${base}/items`]: {
      get: {
        tags,
        summary: `${layer.title}: features`,
        description: layer.description,
        operationId: `get-${layer.id}-features`,
        requestParams: { query: itemsQuery(layer) },
        responses: {
          '200': {
            description: 'A page of features; follow the next link for more',
            content: {
              [MEDIA.geojson]: { schema: { $ref: '#/components/schemas/FeatureCollection' } },
              [MEDIA.csv]: { schema: { type: 'string' } },
            },
          },
          ...problems,
        },
      },
    },
    [`${base}/items/{featureId}`]: {
      get: {
        tags,
        summary: `${layer.title}: one feature`,
        operationId: `get-${layer.id}-feature`,
        requestParams: { path: featureId, query: itemQuery },
        responses: { '200': answer('The feature', MEDIA.geojson), ...problems },
      },
    },
    [`${base}/schema`]: {
      get: {
        tags,
        summary: `${layer.title}: schema of the features (JSON Schema)`,
        operationId: `get-${layer.id}-schema`,
        requestParams: { query: jsonOnly },
        responses: { '200': answer('Schema', MEDIA.schema), ...problems },
      },
    },
    [`${base}/queryables`]: {
      get: {
        tags,
        summary: `${layer.title}: queryables (JSON Schema)`,
        operationId: `get-${layer.id}-queryables`,
        [EXAMPLE_REQUEST]: `${ogc}/queryables`,
        requestParams: { query: jsonOnly },
        responses: { '200': answer('Queryables', MEDIA.schema, `${ogc}/queryables`), ...problems },
      },
    },
  };
}
