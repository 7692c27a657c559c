/**
 * OpenAPI operations of the write API (edit.ts) on each writable collection:
 * POST on items, PUT, PATCH and DELETE on an item, with the request body's
 * schema built from the layer's registry properties (the names GET returns)
 * plus what only a write carries (source, slug, commune_code…), and every
 * answer a write can give.
 */
import { z } from 'zod';
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject } from '../http/openapi.ts';
import type { LayerDef, LayerProperty } from '../layers/types.ts';
import { keyedLayerOf, writableProperties } from './edit-records.ts';
import { sourceRef } from './edit-support.ts';
import { MEDIA } from './links.ts';

const MERGE_PATCH = 'application/merge-patch+json';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const refusals = {
  '400': problem('The body is not a JSON object or a GeoJSON Feature'),
  '401': problem('No credentials, or a token that is not valid (WWW-Authenticate: Bearer)'),
  '403': problem('The token lacks the editor role'),
  '404': problem('No such collection or feature'),
  '415': problem('The body is not of a media type the operation takes'),
  '422': problem(
    'A field is refused; `errors` lists every field with its reason, `parameter` names the first',
  ),
  '503': { $ref: '#/components/responses/Unavailable' },
};
const locked = {
  '412': problem(
    'If-Match does not match the feature’s ETag: it changed since it was read; nothing was written',
  ),
  '428': problem('If-Match is missing'),
};

const etagHeader = {
  ETag: { description: 'Strong ETag of the feature as written', schema: { type: 'string' as const } },
};

/** Extra fields a write may carry that GET does not show. */
const EXTRA: Record<string, z.ZodType> = {
  slug: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/)
    .meta({ description: 'Stable text id (new features: from the name when left out; fixed afterwards)' }),
  commune_code: z
    .string()
    .meta({ description: 'Official code of the commune (or larger unit) the feature lies in' }),
  commune_slug: z.string().meta({
    description:
      'Instead of commune_code: the slug of the unit (one without a current code, a district of before 2025)',
  }),
  details: z
    .record(z.string(), z.number())
    .meta({ description: 'Other kinds of project: named numeric figures' }),
  figure_qualifiers: z.record(z.string(), z.enum(['exact', 'about', 'nearly', 'over'])).meta({
    description: 'How the source states area_m2 or a figure (absent: exact)',
  }),
  note: z.string().nullable().meta({ description: 'Free note' }),
  parent: z.string().nullable().meta({ description: 'Slug of the parent unit (a commune’s province)' }),
  valid_to: z
    .string()
    .nullable()
    .meta({ description: 'Date the unit ended (YYYY-MM-DD); it then leaves the layer' }),
  successors: z
    .array(z.string())
    .meta({ description: 'Slugs of the units that replaced it (needs valid_to)' }),
  seat_how: z.string().nullable().meta({ description: 'How the seat point was found' }),
};

function propertyZod(p: LayerProperty): z.ZodType {
  const base = p.enum?.length
    ? z.enum(p.enum as [string, ...string[]])
    : p.type === 'integer'
      ? z.int()
      : p.type === 'number'
        ? z.number()
        : p.type === 'boolean'
          ? z.boolean()
          : z.string();
  return base.nullable().meta({ description: p.description });
}

/** The request body of POST and PUT on a layer: a GeoJSON Feature with the layer's writable properties. */
export function writeBody(layer: LayerDef, partial = false) {
  const names = writableProperties(layer);
  const shape: Record<string, z.ZodType> = {};
  for (const n of names) {
    const p = layer.properties.find((q) => q.name === n);
    shape[n] = (p ? propertyZod(p) : (EXTRA[n] ?? z.unknown())).optional();
  }
  shape.source = sourceRef.meta({
    description:
      'Required on every write: an existing source ({ "id" }) or a new one ({ "title", "url", "publisher" })',
  });
  const geometry = z
    .object({ type: z.string(), coordinates: z.array(z.unknown()) })
    .nullable()
    .meta({
      description:
        keyedLayerOf(layer) === 'units'
          ? 'The boundary (Polygon or MultiPolygon), or the seat (Point)'
          : `A ${layer.geometryType} in longitude/latitude (WGS 84), inside Vietnam's region`,
    });
  const properties = z
    .object(shape)
    .meta({ description: 'The collection’s property names, as GET returns them' });
  if (partial)
    return z
      .object({ geometry: geometry.optional(), properties: properties.partial() })
      .meta({ description: 'A JSON Merge Patch (RFC 7396) of the feature; properties.source is required' });
  return z.object({ type: z.literal('Feature'), geometry, properties });
}

const ifMatch = z.object({
  'If-Match': z
    .string()
    .meta({ description: 'The ETag of the feature as last read (GET the item); required' }),
});
const featureId = z.object({ featureId: z.string().meta({ description: 'The feature id', example: '1' }) });

/** Adds the write operations of a writable layer to its paths (from collectionPaths). */
export function addWritePaths(paths: ZodOpenApiPathsObject, layer: LayerDef): void {
  if (!keyedLayerOf(layer)) return;
  const base = `/collections/${layer.id}`;
  const tags = [layer.title];
  const security = [{ bearer: [] }];
  const feature = (description: string, extra = {}) => ({
    description,
    headers: { ...etagHeader, ...extra },
    content: { [MEDIA.geojson]: { schema: { type: 'object' as const } } },
  });
  const post: ZodOpenApiOperationObject = {
    tags,
    security,
    summary: `${layer.title}: add a feature (editor)`,
    operationId: `create-${layer.id}-feature`,
    requestBody: {
      required: true,
      content: { [MEDIA.geojson]: { schema: writeBody(layer) }, [MEDIA.json]: { schema: writeBody(layer) } },
    },
    responses: {
      '201': feature('The feature as written', {
        Location: { description: 'Its URL', schema: { type: 'string' as const } },
      }),
      ...refusals,
    },
  };
  const put: ZodOpenApiOperationObject = {
    tags,
    security,
    summary: `${layer.title}: replace a feature (editor)`,
    operationId: `replace-${layer.id}-feature`,
    requestParams: { path: featureId, header: ifMatch },
    requestBody: { required: true, content: { [MEDIA.geojson]: { schema: writeBody(layer) } } },
    responses: { '200': feature('The feature as written'), ...refusals, ...locked },
  };
  const patch: ZodOpenApiOperationObject = {
    tags,
    security,
    summary: `${layer.title}: change some of a feature (editor; JSON Merge Patch)`,
    operationId: `update-${layer.id}-feature`,
    requestParams: { path: featureId, header: ifMatch },
    requestBody: { required: true, content: { [MERGE_PATCH]: { schema: writeBody(layer, true) } } },
    responses: { '200': feature('The feature as written'), ...refusals, ...locked },
  };
  const del: ZodOpenApiOperationObject = {
    tags,
    security,
    summary: `${layer.title}: delete a feature (editor; an admin can restore it from the audit)`,
    operationId: `delete-${layer.id}-feature`,
    requestParams: { path: featureId, header: ifMatch },
    responses: {
      '204': { description: 'Deleted' },
      '409': problem('Something still points at it (a unit with projects or communes)'),
      ...refusals,
      ...locked,
    },
  };
  paths[`${base}/items`] = { ...paths[`${base}/items`], post };
  paths[`${base}/items/{featureId}`] = { ...paths[`${base}/items/{featureId}`], put, patch, delete: del };
}
