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
import { badRequest } from '../http/problem.ts';
import type { LayerDef, LayerProperty } from '../layers/index.ts';
import { type BboxFilter, parseBbox } from './bbox.ts';
import { cql2Where } from './cql2/index.ts';
import { parseCrs, type Srid } from './crs.ts';
import { type YearRange, yearRange } from './datetime.ts';
import { cql2Context } from './queryables.ts';

export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 10_000;
const MAX_OFFSET = 2_147_483_647;

export const ITEMS_PARAMETERS = [
  'f',
  'limit',
  'offset',
  'cursor',
  'bbox',
  'bbox-crs',
  'crs',
  'datetime',
  'properties',
  'sortby',
  'filter',
  'filter-lang',
  'filter-crs',
] as const;

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
  years?: YearRange;
  /** Properties to return, in registry order. */
  properties: LayerProperty[];
  sortby: { name: string; desc: boolean }[];
  simple: SimpleFilter[];
  filter?: RawBuilder<unknown>;
}

type Query = Record<string, unknown>;

/** A parameter given at most once. */
export function one(query: Query, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badRequest(name, 'given once, as a plain value', v);
  return v;
}

export function parseItems(req: Request, layer: LayerDef): ItemsParams {
  const query = req.query as Query;
  const byName = new Map(layer.properties.map((p) => [p.name, p]));
  for (const k of Object.keys(query)) {
    if ((ITEMS_PARAMETERS as readonly string[]).includes(k)) continue;
    const p = byName.get(k);
    if (p?.filterable) continue;
    const filterable = layer.properties.filter((x) => x.filterable).map((x) => x.name);
    if (p) throw badRequest(k, `left out: ${k} is not filterable (filterable: ${filterable.join(', ')})`, k);
    throw badRequest(
      k,
      `one of the known parameters (${[...ITEMS_PARAMETERS, ...filterable].join(', ')})`,
      k,
    );
  }
  const datetime = one(query, 'datetime');
  if (datetime !== undefined && !layer.timeField) {
    throw badRequest('datetime', `left out: ${layer.id} has no time field`, datetime);
  }
  return {
    format: format(req),
    limit: limit(one(query, 'limit')),
    offset: integer('offset', one(query, 'offset'), 0, MAX_OFFSET, 0),
    cursor: one(query, 'cursor') || undefined,
    bbox: parseBbox(one(query, 'bbox'), parseCrs('bbox-crs', one(query, 'bbox-crs'))),
    crs: parseCrs('crs', one(query, 'crs')),
    years: datetime === undefined ? undefined : yearRange(datetime),
    properties: properties(one(query, 'properties'), layer),
    sortby: sortby(one(query, 'sortby'), layer),
    simple: simpleFilters(query, layer),
    filter: filter(query, layer),
  };
}

function format(req: Request): 'geojson' | 'csv' {
  const f = one(req.query as Query, 'f');
  if (f === undefined)
    return req.accepts(['application/geo+json', 'application/json', 'text/csv']) === 'text/csv'
      ? 'csv'
      : 'geojson';
  if (f === 'json' || f === 'geojson') return 'geojson';
  if (f === 'csv') return 'csv';
  throw badRequest('f', 'json, geojson or csv', f);
}

/** Larger than MAX_LIMIT is clamped (Part 1 lets the server cap the page), not refused. */
function limit(v: string | undefined): number {
  if (v === undefined || v === '') return DEFAULT_LIMIT;
  if (!/^\d+$/.test(v) || Number(v) < 1)
    throw badRequest('limit', `an integer from 1 (larger than ${MAX_LIMIT} is capped)`, v);
  return Math.min(Number(v), MAX_LIMIT);
}

function integer(name: string, v: string | undefined, min: number, max: number, dflt: number): number {
  if (v === undefined || v === '') return dflt;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw badRequest(name, `an integer from ${min} to ${max}`, v);
  }
  return Number(v);
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
function sortby(v: string | undefined, layer: LayerDef): { name: string; desc: boolean }[] {
  if (v === undefined || v.trim() === '') return [];
  const sortable = ['id', ...layer.properties.filter((p) => p.sortable).map((p) => p.name)];
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

function simpleFilters(query: Query, layer: LayerDef): SimpleFilter[] {
  const out: SimpleFilter[] = [];
  for (const p of layer.properties) {
    if (!p.filterable) continue;
    const v = one(query, p.name);
    if (v !== undefined) out.push({ property: p, value: simpleValue(p, v) });
  }
  return out;
}

function simpleValue(p: LayerProperty, v: string): string | number | boolean {
  switch (p.type) {
    case 'integer':
      if (!/^-?\d{1,15}$/.test(v)) throw badRequest(p.name, 'an integer', v);
      return Number(v);
    case 'number': {
      const n = v.trim() === '' ? Number.NaN : Number(v);
      if (!Number.isFinite(n)) throw badRequest(p.name, 'a number', v);
      return n;
    }
    case 'boolean':
      if (v !== 'true' && v !== 'false') throw badRequest(p.name, 'true or false', v);
      return v === 'true';
    default:
      if (v === '' || v.length > 500)
        throw badRequest(p.name, 'a non-empty value of at most 500 characters', v);
      if (p.enum && !p.enum.includes(v)) throw badRequest(p.name, `one of ${p.enum.join(', ')}`, v);
      return v;
  }
}

function filter(query: Query, layer: LayerDef): RawBuilder<unknown> | undefined {
  const lang = one(query, 'filter-lang');
  // cql-text is the draft's name, which GDAL 3.6 looks for in the OpenAPI
  // document before it sends a -where clause to the server; same parser.
  if (lang !== undefined && lang !== 'cql2-text' && lang !== 'cql-text') {
    throw badRequest('filter-lang', 'cql2-text', lang);
  }
  const srid = parseCrs('filter-crs', one(query, 'filter-crs'));
  const text = one(query, 'filter');
  if (text === undefined || text.trim() === '') return undefined;
  return cql2Where(text, cql2Context(layer, srid));
}
