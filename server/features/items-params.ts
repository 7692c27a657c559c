/**
 * The query of /ogc/collections/{id}/items, read and checked in one place.
 * Every unknown parameter and every bad value is a 400 naming it.
 *
 *   ?limit=100&offset=200&bbox=103,21,105,23&datetime=../2021
 *   &category=market&properties=name,kiosks&sortby=-investment_bn_vnd
 *   &filter=CASEI(name) LIKE '%chợ%'&filter-lang=cql2-text&crs=…/EPSG/0/3857
 */
import type { Request } from 'express';
import type { RawBuilder } from 'kysely';
import { z } from 'zod';
import { exactly, type Field, field, format, type Input, int, Rejected, readParams } from '../http/params.ts';
import { badRequest } from '../http/problem.ts';
import type { LayerDef, LayerProperty } from '../layers/index.ts';
import { type BboxFilter, parseBbox } from './bbox.ts';
import { cql2Where } from './cql2/index.ts';
import { parseCrs, type Srid, SUPPORTED_CRS } from './crs.ts';
import { type YearRange, yearRange } from './datetime.ts';
import { offsetParam, tolerance, zoomParam } from './generalise.ts';
import { cql2Context } from './queryables.ts';

export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 10_000;
const MAX_OFFSET = 2_147_483_647;

export interface SimpleFilter {
  property: LayerProperty;
  value: string | number | boolean;
}

export interface ItemsParams {
  format: 'geojson' | 'csv';
  limit: number;
  offset: number;
  /** The opaque position of a next/prev link, checked by cursor.ts; empty counts as absent. */
  cursor?: string;
  bbox?: BboxFilter;
  crs: Srid;
  /** Simplification tolerance in the unit of `crs` (zoom or max-allowable-offset); none: full resolution. */
  tolerance?: number;
  years?: YearRange;
  /** Properties to return, in registry order. */
  properties: LayerProperty[];
  sortby: { name: string; desc: boolean }[];
  simple: SimpleFilter[];
  filter?: RawBuilder<unknown>;
}

/** A CRS parameter: one of the URIs we support, read into an SRID. */
export function crsParam(name: string, description: string): Field<Srid> {
  return field(
    { description, schema: { type: 'string', format: 'uri', enum: [...SUPPORTED_CRS] }, trim: false },
    (v) => parseCrs(name, v),
  );
}

/** A value passed on as sent (checked later, with the other parameters it depends on). */
const raw = (description: string, schema: Record<string, unknown>, multiline = false) =>
  field({ description, schema, trim: false, multiline, param: { style: 'form', explode: false } }, (v) => v);

/** The parameters of /collections/{id}/items for one layer (its properties make some of them). */
function declare(layer: LayerDef) {
  const filterable = layer.properties.filter((p) => p.filterable);
  const sortable = ['id', ...layer.properties.filter((p) => p.sortable).map((p) => p.name)];
  return z.object({
    f: format(['json', 'geojson', 'csv'] as const, 'json, geojson or csv'),
    limit: int({
      description: `Features per page; larger values are capped at ${MAX_LIMIT}`,
      min: 1,
      max: MAX_LIMIT,
      default: DEFAULT_LIMIT,
      cap: true,
    }),
    offset: int({
      description: 'Features to skip (the next link sets it)',
      min: 0,
      max: MAX_OFFSET,
      default: 0,
    }),
    bbox: raw('minLon,minLat,maxLon,maxLat (CRS84, or bbox-crs): features intersecting the box', {
      type: 'array',
      minItems: 4,
      maxItems: 6,
      items: { type: 'number' },
    }),
    'bbox-crs': crsParam('bbox-crs', 'CRS of bbox'),
    crs: crsParam('crs', 'CRS of the response geometries'),
    zoom: zoomParam,
    'max-allowable-offset': offsetParam,
    datetime: raw(
      layer.timeField
        ? `Instant or interval on ${layer.timeField} (a year): 2020-01-01/2023-12-31, ../2021, 2022`
        : `Not accepted: ${layer.id} has no time field`,
      { type: 'string' },
    ),
    properties: field(
      {
        description: 'Comma list of properties to return (empty: none)',
        schema: { type: 'array', items: { type: 'string', enum: layer.properties.map((p) => p.name) } },
        trim: false,
        param: { style: 'form', explode: false },
      },
      (v) => properties(v, layer),
    ),
    sortby: field(
      {
        description: 'Comma list of [+|-]property, sortable ones and id',
        schema: { type: 'array', items: { type: 'string', enum: sortable.flatMap((n) => [n, `-${n}`]) } },
        trim: false,
        param: { style: 'form', explode: false },
      },
      (v) => sortby(v, sortable),
    ),
    // Tab, line feed and carriage return are blanks between CQL2 tokens; other control characters are refused.
    filter: raw('CQL2 filter on the queryables (see /queryables and /functions)', { type: 'string' }, true),
    'filter-lang': exactly(['cql2-text', 'cql-text', 'cql2-json'] as const, {
      description: 'Filter language (cql-text: the draft name of cql2-text, read by GDAL 3.6)',
      accepts: 'cql2-text, cql2-json or cql-text (the draft name of cql2-text)',
      default: 'cql2-text',
    }),
    'filter-crs': crsParam('filter-crs', 'CRS of geometry literals in filter'),
    cursor: raw('Where the next page starts: the opaque token of a next link', { type: 'string' }),
    ...Object.fromEntries(
      filterable.map((p) => [
        p.name,
        field(
          {
            description: `Only features whose ${p.name} equals this value. ${p.description}`,
            schema: { type: p.type, ...(p.enum ? { enum: [...p.enum] } : {}) },
            trim: false,
          },
          (v) => (v === undefined ? undefined : simpleValue(p, v)),
        ),
      ]),
    ),
  });
}

const declared = new WeakMap<LayerDef, ReturnType<typeof declare>>();

/** The declaration of the items query of `layer` (validation and OpenAPI both read it). */
export function itemsQuery(layer: LayerDef): ReturnType<typeof declare> {
  let d = declared.get(layer);
  if (!d) {
    d = declare(layer);
    declared.set(layer, d);
  }
  return d;
}

export function parseItems(req: Request, layer: LayerDef): ItemsParams {
  const query = req.query as Input;
  const q = readParams(itemsQuery(layer), query, {
    unknown: (k, known) => {
      const p = layer.properties.find((x) => x.name === k);
      const filterable = layer.properties.filter((x) => x.filterable).map((x) => x.name);
      if (p)
        return badRequest(k, `left out: ${k} is not filterable (filterable: ${filterable.join(', ')})`, k);
      return badRequest(k, `one of the known parameters (${known.join(', ')})`, k);
    },
  });
  if (q.datetime !== undefined && !layer.timeField) {
    throw badRequest('datetime', `left out: ${layer.id} has no time field`, q.datetime);
  }
  const simple: SimpleFilter[] = [];
  for (const p of layer.properties) {
    const value = (q as Record<string, unknown>)[p.name];
    if (p.filterable && value !== undefined)
      simple.push({ property: p, value: value as SimpleFilter['value'] });
  }
  return {
    format: q.f === 'csv' ? 'csv' : q.f ? 'geojson' : acceptedFormat(req),
    limit: q.limit,
    offset: q.offset,
    bbox: parseBbox(q.bbox, q['bbox-crs']),
    crs: q.crs,
    tolerance: tolerance(q.crs, { zoom: q.zoom, offset: q['max-allowable-offset'] }),
    years: q.datetime === undefined ? undefined : yearRange(q.datetime),
    properties: q.properties,
    sortby: q.sortby,
    simple,
    filter: filter(q.filter, q['filter-lang'], q['filter-crs'], layer),
    cursor: q.cursor,
  };
}

function acceptedFormat(req: Request): 'geojson' | 'csv' {
  return req.accepts(['application/geo+json', 'application/json', 'text/csv']) === 'text/csv'
    ? 'csv'
    : 'geojson';
}

/** `properties=a,b`: a subset, returned in registry order; empty means none. */
function properties(v: string | undefined, layer: LayerDef): LayerProperty[] {
  if (v === undefined) return [...layer.properties];
  const names = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = new Set(layer.properties.map((p) => p.name));
  for (const n of names) {
    if (!known.has(n))
      throw badRequest(
        'properties',
        `a comma list of properties of ${layer.id} (${[...known].join(', ')})`,
        n,
      );
  }
  return layer.properties.filter((p) => names.includes(p.name));
}

/**
 * `sortby=+name,-investment_bn_vnd`: sortable properties (and id), each
 * ascending unless prefixed with -. A + written raw in a URL arrives as a
 * space, which is read as + too.
 */
function sortby(v: string | undefined, sortable: readonly string[]): { name: string; desc: boolean }[] {
  if (v === undefined || v.trim() === '') return [];
  return v.split(',').map((raw) => {
    const s = raw.trim() === '' ? raw : raw.replace(/^ +/, '+');
    const desc = s.startsWith('-');
    const name = /^[+-]/.test(s) ? s.slice(1).trim() : s.trim();
    if (!sortable.includes(name)) {
      throw badRequest(
        'sortby',
        `a comma list of [+|-]property, from the sortable ones (${sortable.join(', ')})`,
        raw,
      );
    }
    return { name, desc };
  });
}

function simpleValue(p: LayerProperty, v: string): string | number | boolean {
  switch (p.type) {
    case 'integer':
      if (!/^-?\d{1,15}$/.test(v)) throw new Rejected('an integer');
      return Number(v);
    case 'number': {
      const n = v.trim() === '' ? Number.NaN : Number(v);
      if (!Number.isFinite(n)) throw new Rejected('a number');
      return n;
    }
    case 'boolean':
      if (v !== 'true' && v !== 'false') throw new Rejected('true or false');
      return v === 'true';
    default:
      if (v === '' || v.length > 500) throw new Rejected('a non-empty value of at most 500 characters');
      if (p.enum && !p.enum.includes(v)) throw new Rejected(`one of ${p.enum.join(', ')}`);
      return v;
  }
}

function filter(
  text: string | undefined,
  lang: 'cql2-text' | 'cql-text' | 'cql2-json' | undefined,
  srid: Srid,
  layer: LayerDef,
): RawBuilder<unknown> | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  // cql-text is the draft's name, which GDAL 3.6 looks for in the OpenAPI
  // document before it sends a -where clause to the server; same parser.
  return cql2Where(text, cql2Context(layer, srid), lang === 'cql2-json' ? 'cql2-json' : 'cql2-text');
}
