/**
 * GET /ogc/collections/{id}/queryables: what a CQL2 filter may use, as a
 * JSON Schema (Part 3): the geometry, the feature id, and the registry's
 * filterable properties with their types, enums and labels in Vietnamese
 * and English (property-schema.ts). The same list is the
 * compiler's whitelist, so the document and the behaviour cannot disagree.
 */
import type { RequestHandler } from 'express';
import { onlyJson } from '../http/params.ts';
import type { LayerDef } from '../layers/index.ts';
import type { Cql2Context, ValueType } from './cql2/index.ts';
import { findLayer } from './find-layer.ts';
import { apiRoot, MEDIA } from './links.ts';
import { propertySchema } from './property-schema.ts';
import { sendJson } from './respond.ts';

const VALUE_TYPE: Record<string, ValueType> = {
  string: 'string',
  integer: 'number',
  number: 'number',
  boolean: 'boolean',
};

/** Name → SQL column and value type, for every queryable of `layer`. */
export function queryables(
  layer: LayerDef,
): Map<string, { type: ValueType; column: string; integer?: boolean }> {
  const out = new Map<string, { type: ValueType; column: string; integer?: boolean }>([
    ['geometry', { type: 'geometry', column: 'geom' }],
    ['id', { type: 'number', column: 'id', integer: true }],
  ]);
  for (const p of layer.properties) {
    if (p.filterable) {
      out.set(p.name, { type: VALUE_TYPE[p.type]!, column: p.name, integer: p.type === 'integer' });
    }
  }
  return out;
}

export function cql2Context(layer: LayerDef, filterSrid: 4326 | 3857): Cql2Context {
  return {
    queryables: queryables(layer),
    properties: new Set(['id', 'geometry', ...layer.properties.map((p) => p.name)]),
    filterSrid,
  };
}

export const GEOMETRY_FORMAT: Record<LayerDef['geometryType'], string> = {
  Point: 'geometry-point',
  LineString: 'geometry-linestring',
  MultiPolygon: 'geometry-multipolygon',
  Geometry: 'geometry-any',
};

export function queryablesSchema(layer: LayerDef, root: string): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    geometry: {
      title: 'geometry',
      description:
        'Location (CRS84). Spatial functions: S_INTERSECTS and the other S_ functions, and DWITHIN_KM(geometry, <geometry>, <km>) for "within X km".',
      format: GEOMETRY_FORMAT[layer.geometryType],
      'x-ogc-role': 'primary-geometry',
    },
    id: { title: 'id', description: 'Feature id', type: 'integer', 'x-ogc-role': 'id' },
  };
  for (const p of layer.properties) {
    if (p.filterable) properties[p.name] = propertySchema(p);
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${root}/collections/${layer.id}/queryables`,
    type: 'object',
    title: layer.title,
    description: `Properties of ${layer.title} that a CQL2 filter (filter-lang=cql2-text) may use. Functions: ${root}/functions.`,
    properties,
    additionalProperties: false,
  };
}

export const queryablesRoute: RequestHandler = (req, res) => {
  onlyJson(req.query);
  const layer = findLayer(req.params.collectionId);
  // Part 3 says application/schema+json; GDAL asks for application/json and
  // refuses any other type, so the Accept header decides.
  const type = req.accepts([MEDIA.schema, MEDIA.json]) === MEDIA.json ? MEDIA.json : MEDIA.schema;
  sendJson(res, queryablesSchema(layer, apiRoot(req)), type);
};
