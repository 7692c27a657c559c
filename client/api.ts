/**
 * The HTTP contract the map reads (DESIGN.md, "HTTP contract"), typed with
 * the server's own types (type-only imports: no server code reaches the
 * page). Every URL is relative to the page's own origin: the map asks no
 * other host.
 */
import type { PropertySchema } from '../server/features/property-schema.ts';
import type { Label, LayerStyle } from '../server/layers/types.ts';
import type { SearchResult } from '../server/search/search.ts';
import type { FeatureSources } from '../server/sources/sources.ts';

export type { FeatureSources, Label, PropertySchema, SearchResult };
export type LayerStyleHint = LayerStyle;

export interface Link {
  href: string;
  rel: string;
  type?: string;
  title?: string;
}

/** One entry of /ogc/collections; `title_vi`, `style` and `properties` are our foreign members. */
export interface Collection {
  id: string;
  title: string;
  title_vi?: string;
  description?: string;
  style?: LayerStyleHint;
  /** Each property's type, values, and titles and value labels in Vietnamese and English. */
  properties?: Record<string, PropertySchema>;
  links: Link[];
}

export interface TileJson {
  tiles: string[];
  minzoom?: number;
  maxzoom?: number;
  bounds?: [number, number, number, number];
  attribution?: string;
  vector_layers: { id: string; fields: Record<string, string>; minzoom?: number; maxzoom?: number }[];
}

export type Props = Record<string, unknown>;
export interface Feature {
  type: 'Feature';
  id?: number | string;
  geometry: { type: string; coordinates: unknown } | null;
  properties: Props;
}
export interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
  numberMatched?: number;
  links?: Link[];
  [member: string]: unknown;
}

/** Absolute URL on our own origin (MapLibre's workers cannot resolve relative ones). */
export function ours(path: string): string {
  return new URL(path, window.location.origin).href;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    detail: string,
  ) {
    super(`${status} ${url}: ${detail}`);
  }
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(ours(path), { headers: { Accept: 'application/json' }, signal });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new HttpError(res.status, path, (body as { detail?: string }).detail ?? res.statusText);
  }
  return (await res.json()) as T;
}

export async function collections(): Promise<Collection[]> {
  return (await getJson<{ collections: Collection[] }>('/ogc/collections')).collections;
}

export function tileJson(ids: readonly string[]): Promise<TileJson> {
  return getJson<TileJson>(`/tiles/${ids.join(',')}.json`);
}

export async function search(q: string, signal?: AbortSignal): Promise<SearchResult[]> {
  const path = `/api/search?q=${encodeURIComponent(q)}&limit=8`;
  return (await getJson<{ results: SearchResult[] }>(path, signal)).results;
}

export function featureSources(layer: string, id: number | string): Promise<FeatureSources> {
  return getJson<FeatureSources>(`/api/features/${encodeURIComponent(layer)}/${id}/sources`);
}

export function feature(layer: string, id: number | string): Promise<Feature> {
  return getJson<Feature>(`/ogc/collections/${encodeURIComponent(layer)}/items/${id}`);
}

/**
 * Every feature of a collection, following `next` links. `max` bounds what a
 * browser is asked to hold; the caller says when it was reached.
 */
export async function allItems(
  layer: string,
  max = 20_000,
): Promise<{ features: Feature[]; complete: boolean }> {
  const features: Feature[] = [];
  let next: string | undefined = `/ogc/collections/${encodeURIComponent(layer)}/items?limit=10000`;
  while (next && features.length < max) {
    const page: FeatureCollection = await getJson<FeatureCollection>(next);
    features.push(...page.features);
    const link = page.links?.find((l) => l.rel === 'next')?.href;
    // Keep only path and query: the page's own origin is the one we talk to.
    next = link
      ? new URL(link, window.location.origin).pathname + new URL(link, window.location.origin).search
      : undefined;
  }
  return { features, complete: next === undefined };
}
