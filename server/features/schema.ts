/**
 * GET /ogc/collections/{id}/schema: a JSON Schema of the collection's
 * features (OGC API - Features Part 5, draft), from the registry. GDAL
 * follows the collection's `describedby` link to it and types its fields
 * from it, instead of guessing from the first page (where a property that
 * happens to be null on every sampled feature would become a string).
 */
import type { RequestHandler } from 'express';
import { onlyJson } from '../http/params.ts';
import type { LayerDef } from '../layers/index.ts';
import { findLayer } from './find-layer.ts';
import { apiRoot, MEDIA } from './links.ts';
import { propertySchema } from './property-schema.ts';
import { GEOMETRY_FORMAT } from './queryables.ts';
import { sendJson } from './respond.ts';

export function featureSchema(layer: LayerDef, root: string): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const p of layer.properties) properties[p.name] = propertySchema(p);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${root}/collections/${layer.id}/schema`,
    title: layer.title,
    description: layer.description,
    type: 'object',
    required: ['type', 'id', 'geometry', 'properties'],
    properties: {
      type: { type: 'string', enum: ['Feature'] },
      id: { type: 'integer', 'x-ogc-role': 'id' },
      geometry: { format: GEOMETRY_FORMAT[layer.geometryType], 'x-ogc-role': 'primary-geometry' },
      properties: { type: 'object', properties },
    },
  };
}

export const schemaRoute: RequestHandler = (req, res) => {
  onlyJson(req.query);
  const layer = findLayer(req.params.collectionId);
  const type = req.accepts([MEDIA.schema, MEDIA.json]) === MEDIA.json ? MEDIA.json : MEDIA.schema;
  sendJson(res, featureSchema(layer, apiRoot(req)), type);
};
