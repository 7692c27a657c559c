/**
 * What the write API writes, per layer: a feature as the API takes it (the
 * collection's property names, flat, as GET returns them and as the import
 * takes them) mapped to a record in data/'s shape (server/import/schema.ts),
 * which goes through the one write path (server/import/write.ts), and back.
 *
 *   API Feature ──fromApi──▶ record (slug, commune slug, sources…) ──zod──▶ writeRecords
 *   stored rows ──readRecord──▶ record ──toApi──▶ the base a merge patch is applied to
 *
 * The record is also what the audit keeps as `before`/`after`, so a deleted
 * feature is restored by writing its `before` again.
 */
import { type Kysely, sql } from 'kysely';
import type { z } from 'zod';
import type { DB } from '../db/types.ts';
import {
  gateRecord,
  industrialParkDetails,
  marketDetails,
  projectRecord,
  roadRecord,
  unitRecord,
} from '../import/schema.ts';
import type { KeyedLayer } from '../import/targets/index.ts';
import type { LayerDef } from '../layers/types.ts';

/** A record in data/'s shape, as a GeoJSON Feature (the audit keeps it so). */
export interface RecordFeature {
  type: 'Feature';
  id?: number;
  properties: { slug: string } & Record<string, unknown>;
  geometry: unknown;
}

export interface FieldError {
  field: string;
  message: string;
}

/** The base table of each keyed layer, and the citations entity of its rows. */
export const TABLES = {
  projects: { table: 'projects', entity: 'project' },
  'border-gates': { table: 'border_gates', entity: 'border_gate' },
  roads: { table: 'roads', entity: 'road' },
  units: { table: 'admin_units', entity: 'admin_unit' },
} as const satisfies Record<KeyedLayer, { table: string; entity: string }>;

/** Which keyed write path a layer's rows take; null for derived layers (border segments, countries). */
export function keyedLayerOf(layer: LayerDef): KeyedLayer | null {
  switch (layer.importTarget) {
    case 'projects':
    case 'roads':
    case 'border-gates':
      return layer.importTarget;
    case 'communes':
    case 'provinces':
      return 'units';
    default:
      return null;
  }
}

/** What a layer fixes about its records: markets are projects of category market, communes units of level commune. */
function fixedOf(layer: LayerDef): Record<string, string> {
  if (layer.id === 'markets') return { category: 'market' };
  if (layer.id === 'industrial-parks') return { category: 'industrial_park' };
  if (layer.importTarget === 'communes') return { level: 'commune' };
  if (layer.importTarget === 'provinces') return { level: 'province' };
  return {};
}

/** Properties GET shows that are derived from other rows: a write may send them back, they are ignored. */
const READ_ONLY = new Set(['commune', 'province', 'province_code', 'geometry_kind', 'source']);

const MARKET_KEYS = Object.keys(marketDetails.shape);
const PARK_KEYS = Object.keys(industrialParkDetails.shape);

// ── Reading what is stored ──────────────────────────────────────────────────

const geojson = (g: ReturnType<typeof sql>) => sql`ST_AsGeoJSON(${g}, 15)::jsonb`;
const citedBy = (entity: string, id: ReturnType<typeof sql>) =>
  sql`ARRAY(SELECT c.source_id FROM citations c WHERE c.entity = ${entity} AND c.entity_id = ${id} ORDER BY 1)`;

/** The stored feature `id` of a keyed layer as a record, with its origin; undefined when there is none. */
export async function readRecord(
  db: Kysely<DB>,
  kind: KeyedLayer,
  id: number,
): Promise<{ record: RecordFeature; origin: string } | undefined> {
  const { rows } = await recordSql(kind, sql`t.id = ${id}`).execute(db);
  const row = rows[0] as
    | { origin: string; properties: RecordFeature['properties']; geometry: unknown }
    | undefined;
  if (!row) return undefined;
  return {
    origin: row.origin,
    record: { type: 'Feature', id, properties: clean(row.properties), geometry: row.geometry },
  };
}

/** Drops absent optional values, as data/ leaves them out (details' null figures, empty qualifiers). */
function clean(p: RecordFeature['properties']): RecordFeature['properties'] {
  const out = { ...p };
  if (out.details && typeof out.details === 'object') {
    out.details = Object.fromEntries(Object.entries(out.details).filter(([, v]) => v !== null));
  }
  if (out.figure_qualifiers && Object.keys(out.figure_qualifiers).length === 0) delete out.figure_qualifiers;
  if (out.commune_as_named === null) delete out.commune_as_named;
  for (const k of ['boundary_precision', 'boundary_uncertainty_m']) if (out[k] === null) delete out[k];
  return out;
}

function recordSql(kind: KeyedLayer, where: ReturnType<typeof sql>) {
  switch (kind) {
    case 'projects':
      return sql`
        SELECT t.origin, ${geojson(sql`t.geom`)} AS geometry, jsonb_build_object(
          'slug', t.slug, 'name', t.name, 'name_en', t.name_en, 'category', t.category,
          'investment_bn_vnd', t.investment_bn_vnd::float8, 'investment_qualifier', t.investment_qualifier,
          'funding', t.funding, 'start_year', t.start_year, 'end_year', t.end_year, 'status', t.status,
          'area_m2', t.area_m2::float8, 'figure_qualifiers', t.figure_qualifiers,
          'details', COALESCE(
            (SELECT to_jsonb(m) - 'project_id' FROM market_details m WHERE m.project_id = t.id),
            (SELECT to_jsonb(i) - 'project_id' FROM industrial_park_details i WHERE i.project_id = t.id),
            (SELECT jsonb_object_agg(f.key, f.value::float8) FROM project_figures f WHERE f.project_id = t.id),
            '{}'::jsonb),
          'commune', u.slug, 'commune_as_named', n.slug,
          'precision', t.precision, 'uncertainty_m', t.uncertainty_m::float8,
          'sources', to_jsonb(${citedBy('project', sql`t.id`)}), 'note', t.note) AS properties
        FROM projects t JOIN admin_units u ON u.id = t.unit_id LEFT JOIN admin_units n ON n.id = t.unit_as_named_id
        WHERE ${where}`;
    case 'border-gates':
      return sql`
        SELECT t.origin, ${geojson(sql`t.geom`)} AS geometry, jsonb_build_object(
          'slug', t.slug, 'name', t.name, 'name_en', t.name_en, 'kind', t.kind, 'neighbour', t.neighbour,
          'commune', u.slug, 'precision', t.precision, 'uncertainty_m', t.uncertainty_m::float8,
          'sources', to_jsonb(${citedBy('border_gate', sql`t.id`)}), 'note', t.note) AS properties
        FROM border_gates t JOIN admin_units u ON u.id = t.unit_id WHERE ${where}`;
    case 'roads':
      return sql`
        SELECT t.origin, ${geojson(sql`t.geom`)} AS geometry, jsonb_build_object(
          'slug', t.slug, 'ref', t.ref, 'name', t.name, 'class', t.class, 'via', to_jsonb(t.via),
          'precision', t.precision, 'uncertainty_m', t.uncertainty_m::float8,
          'sources', to_jsonb(${citedBy('road', sql`t.id`)}), 'note', t.note) AS properties
        FROM roads t WHERE ${where}`;
    case 'units':
      return sql`
        SELECT t.origin, ${geojson(sql`t.boundary`)} AS geometry, jsonb_build_object(
          'slug', t.slug, 'code', t.code, 'name', t.name, 'kind', t.kind, 'level', t.level, 'parent', p.slug,
          'seat', CASE WHEN t.seat IS NULL THEN NULL ELSE jsonb_build_object(
            'lon', ST_X(t.seat), 'lat', ST_Y(t.seat), 'precision', t.seat_precision,
            'uncertainty_m', t.seat_uncertainty_m::float8, 'how', t.seat_how) END,
          'valid_from', t.valid_from::text, 'valid_to', t.valid_to::text,
          'successors', to_jsonb(ARRAY(SELECT b.slug FROM unit_successors s JOIN admin_units b ON b.id = s.successor_id
                                       WHERE s.unit_id = t.id ORDER BY b.slug)),
          'sources', to_jsonb(${citedBy('admin_unit', sql`t.id`)}), 'note', t.note,
          'boundary_precision', t.boundary_precision, 'boundary_uncertainty_m', t.boundary_uncertainty_m::float8
        ) AS properties
        FROM admin_units t LEFT JOIN admin_units p ON p.id = t.parent_id WHERE ${where}`;
  }
}

/** Whether the stored row `id` is one of the layer's (a market is a project of category market). */
export function inLayer(layer: LayerDef, record: RecordFeature): boolean {
  return Object.entries(fixedOf(layer)).every(([k, v]) => record.properties[k] === v);
}

// ── Record → the API's shape ────────────────────────────────────────────────

/**
 * The feature as the API writes it: the record with the layer's names
 * (a commune by its code, details flat), the base of a JSON Merge Patch.
 */
export async function toApi(db: Kysely<DB>, kind: KeyedLayer, record: RecordFeature) {
  const p = { ...record.properties } as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let geometry = record.geometry;
  if (kind === 'projects' || kind === 'border-gates') {
    const unit = await db
      .selectFrom('admin_units')
      .select(['code', 'slug', 'valid_to'])
      .where('slug', '=', String(p.commune))
      .executeTakeFirst();
    delete p.commune;
    // A unit that has ended (a district of before 2025) is kept by its slug: codes are reused.
    if (unit?.code && unit.valid_to === null) out.commune_code = unit.code;
    else out.commune_slug = unit?.slug ?? null;
  }
  if (kind === 'projects') {
    const details = (p.details ?? {}) as Record<string, unknown>;
    delete p.details;
    if (p.category === 'market' || p.category === 'industrial_park') Object.assign(out, details);
    else out.details = details;
  }
  if (kind === 'units') {
    const seat = p.seat as {
      lon: number;
      lat: number;
      precision: string;
      uncertainty_m?: number | null;
      how?: string | null;
    } | null;
    delete p.level;
    if (geometry) {
      out.precision = p.boundary_precision ?? null;
      out.uncertainty_m = p.boundary_uncertainty_m ?? null;
    } else if (seat) {
      geometry = { type: 'Point', coordinates: [seat.lon, seat.lat] };
      out.precision = seat.precision;
      out.uncertainty_m = seat.uncertainty_m ?? null;
      out.seat_how = seat.how ?? null;
      delete p.seat;
    }
    delete p.boundary_precision;
    delete p.boundary_uncertainty_m;
  }
  delete p.sources;
  return { type: 'Feature' as const, properties: { ...p, ...out }, geometry };
}

// ── The API's shape → record ────────────────────────────────────────────────

const SCHEMAS: Record<KeyedLayer, z.ZodType> = {
  projects: projectRecord,
  'border-gates': gateRecord,
  roads: roadRecord,
  units: unitRecord,
};

/**
 * A feature as the API received it (after a merge patch, with `source`
 * taken out) → a checked record, or the problems naming the API's fields.
 * `sources`: what the record cites (the row's sources and the one given).
 */
export async function fromApi(
  db: Kysely<DB>,
  layer: LayerDef,
  kind: KeyedLayer,
  body: { properties: Record<string, unknown>; geometry: unknown },
  slug: string,
  sources: string[],
  current?: RecordFeature,
): Promise<{ record?: RecordFeature; errors: FieldError[] }> {
  const errors: FieldError[] = [];
  const given = { ...body.properties };
  for (const k of READ_ONLY) delete given[k];
  delete given.slug;
  const fixed = fixedOf(layer);
  for (const [k, v] of Object.entries(fixed)) {
    if (k in given && given[k] !== v)
      errors.push({ field: `properties.${k}`, message: `must be "${v}" in ${layer.id}` });
    given[k] = v;
  }
  let geometry = body.geometry ?? null;
  const p: Record<string, unknown> = { slug, ...given, sources };

  if (kind === 'projects' || kind === 'border-gates') {
    const code = p.commune_code;
    const bySlug = p.commune_slug;
    delete p.commune_code;
    delete p.commune_slug;
    if (typeof code === 'string' && code !== '') {
      const unit = await db
        .selectFrom('admin_units')
        .select('slug')
        .where('code', '=', code)
        .where('valid_to', 'is', null)
        .orderBy(sql`CASE level WHEN 'commune' THEN 0 WHEN 'district' THEN 1 ELSE 2 END`)
        .executeTakeFirst();
      if (!unit) errors.push({ field: 'properties.commune_code', message: `unknown commune code "${code}"` });
      else p.commune = unit.slug;
    } else if (typeof bySlug === 'string' && bySlug !== '') {
      p.commune = bySlug; // checked by the write path (unknown commune)
    } else {
      errors.push({
        field: 'properties.commune_code',
        message: 'missing: the code of the commune the feature lies in',
      });
    }
  }
  if (kind === 'projects') {
    const keys = p.category === 'market' ? MARKET_KEYS : p.category === 'industrial_park' ? PARK_KEYS : [];
    const flat = Object.fromEntries(keys.filter((k) => k in p).map((k) => [k, p[k]]));
    for (const k of [...MARKET_KEYS, ...PARK_KEYS]) delete p[k];
    const nested = (p.details ?? {}) as Record<string, unknown>;
    p.details = keys.length ? { ...flat } : nested;
    if (keys.length && p.details && typeof nested === 'object' && Object.keys(nested).length)
      errors.push({
        field: 'properties.details',
        message: `give the ${String(p.category)}'s figures as properties`,
      });
    for (const [k, v] of Object.entries(p.details as object))
      if (v === null) delete (p.details as Record<string, unknown>)[k];
    for (const k of [
      'name_en',
      'investment_bn_vnd',
      'investment_qualifier',
      'funding',
      'start_year',
      'end_year',
      'status',
      'area_m2',
    ])
      if (!(k in p)) p[k] = null;
  }
  if (kind === 'border-gates' && !('name_en' in p)) p.name_en = null;
  if (kind === 'roads') {
    if (!('ref' in p)) p.ref = null;
    if (!('via' in p) || p.via === null) p.via = [];
    // GET shows the places as one text ("Lào Cai – Sa Pa"), as an imported file may give them.
    if (typeof p.via === 'string') p.via = p.via.split(/\s*[,;–|]\s*/).filter(Boolean);
  }
  if (kind === 'units') {
    for (const k of ['code', 'parent', 'valid_from', 'valid_to']) if (!(k in p)) p[k] = null;
    if (!('successors' in p)) p.successors = [];
    const precision = p.precision;
    const uncertainty = p.uncertainty_m;
    const how = p.seat_how;
    delete p.precision;
    delete p.uncertainty_m;
    delete p.seat_how;
    const g = geometry as { type?: string; coordinates?: unknown[] } | null;
    if (g?.type === 'Point' && Array.isArray(g.coordinates)) {
      p.seat = {
        lon: g.coordinates[0],
        lat: g.coordinates[1],
        precision,
        uncertainty_m: uncertainty ?? null,
        how: how ?? null,
      };
      geometry = null;
    } else {
      if (!('seat' in p)) p.seat = current?.properties.seat ?? null;
      if (g) {
        p.boundary_precision = precision;
        p.boundary_uncertainty_m = uncertainty ?? null;
        if (precision === undefined || precision === null)
          errors.push({ field: 'properties.precision', message: 'missing: how precise the boundary is' });
      }
    }
  }
  const record = { type: 'Feature', properties: p, geometry };
  const parsed = kind === 'units' ? unitRecord.safeParse(p) : SCHEMAS[kind].safeParse(record);
  if (!parsed.success) {
    const named = new Set(errors.map((e) => e.field));
    for (const issue of parsed.error.issues) {
      const path = kind === 'units' ? ['properties', ...issue.path] : issue.path;
      const field = apiField(kind, String(p.category ?? ''), path);
      if (!named.has(field)) errors.push({ field, message: issue.message });
    }
  }
  if (kind === 'units' && geometry !== null) {
    const t = (geometry as { type?: unknown }).type;
    if (t !== 'Polygon' && t !== 'MultiPolygon')
      errors.push({
        field: 'geometry',
        message: 'a Polygon or MultiPolygon (the boundary) or a Point (the seat)',
      });
  }
  if (errors.length) return { errors };
  return { record: { type: 'Feature', properties: p as RecordFeature['properties'], geometry }, errors };
}

/** A record field's path as the API names it (`properties.kiosks`, `properties.commune_code`, `geometry`). */
export function apiField(kind: KeyedLayer, category: string, path: readonly PropertyKey[]): string {
  const parts = path.map(String);
  if (parts[0] === 'geometry') return 'geometry';
  if (parts[0] === 'properties') parts.shift();
  if (parts.length === 0) return 'properties';
  if (parts[0] === 'details' && (category === 'market' || category === 'industrial_park') && parts[1])
    return `properties.${parts[1]}`;
  if (parts[0] === 'commune' && kind !== 'units') return 'properties.commune_code';
  if (parts[0] === 'sources') return 'properties.source';
  if (kind === 'units' && parts[0] === 'seat') {
    if (parts[1] === 'lon' || parts[1] === 'lat') return 'geometry';
    if (parts[1] === 'precision' || parts[1] === 'uncertainty_m') return `properties.${parts[1]}`;
    if (parts[1] === 'how') return 'properties.seat_how';
  }
  if (kind === 'units' && (parts[0] === 'boundary_precision' || parts[0] === 'boundary_uncertainty_m'))
    return `properties.${parts[0].replace('boundary_', '')}`;
  return `properties.${parts.join('.')}`;
}

/** The fields a write may set, per layer, for the OpenAPI request bodies. */
export function writableProperties(layer: LayerDef): string[] {
  const kind = keyedLayerOf(layer);
  const own = layer.properties.map((p) => p.name).filter((n) => !READ_ONLY.has(n));
  const extra: string[] = ['note'];
  if (kind === 'projects') extra.push('slug', 'commune_code', 'commune_slug', 'details', 'figure_qualifiers');
  if (kind === 'border-gates') extra.push('slug', 'commune_code', 'commune_slug');
  if (kind === 'units') extra.push('slug', 'parent', 'valid_to', 'successors', 'seat_how');
  return [...new Set([...own, ...extra])];
}
