/**
 * The map's style comes from the server (GET /styles/atlas.json, built from
 * the layer registry by server/styles/style.ts): the same document another
 * site's MapLibre map or QGIS reads. Here we only fetch it and read, from
 * each style layer's `metadata`, which registry layer it draws and its roles:
 *
 *   fill   → {id} (areas)  {id}:outline  {id}:point (seat points), and labels:{id}
 *   line   → {id}  {id}:label
 *   circle → {id}:cluster  {id}:cluster-count  {id}  {id}:label
 *
 * `{id}`, `{id}:point` and `{id}:cluster` are the ones a click or a count
 * looks at; filters go on `{id}`, `{id}:point` and `{id}:label`. What
 * changes at run time (filters, visibility, choropleths) is applied with
 * setFilter / setLayoutProperty / setPaintProperty, never by rebuilding it.
 */
import type { ExpressionSpecification, FilterSpecification, StyleSpecification } from 'maplibre-gl';
import { getJson } from './api.ts';
import type { Lang } from './i18n.ts';

export const SOURCE = 'atlas';
export const FONT = ['Noto Sans Regular'];

/** Style layers of one collection, by role. */
export interface StyleLayers {
  all: string[];
  interactive: string[];
  filterable: string[];
  /** Base filter of each filterable style layer, to AND with the planner's filters. */
  base: Record<string, FilterSpecification | undefined>;
  labels: string[];
}

/**
 * Our tiles give every point of a clustered layer a `point_count`: 1 for a
 * lone point (which keeps its properties), more for a cluster (which has
 * only the count). server/tiles/generalise.ts, rule 2. (The server's style
 * uses the same expression.)
 */
export const isCluster: ExpressionSpecification = [
  'all',
  ['has', 'point_count'],
  ['>', ['get', 'point_count'], 1],
];

/** A colour a little darker than `hex`, for outlines and strokes (as the server's style does). */
export function darker(hex: string, by = 0.35): string {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex);
  if (!m) return hex;
  const n = Number.parseInt(m[1]!, 16);
  const c = [n >> 16, (n >> 8) & 255, n & 255].map((v) => Math.round(v * (1 - by)));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** The style document in one language. */
export function fetchStyle(lang: Lang): Promise<StyleSpecification> {
  return getJson<StyleSpecification>(`/styles/atlas.json?lang=${lang}`);
}

interface Meta {
  'atlas:layer'?: string;
  'atlas:roles'?: ('interactive' | 'filterable' | 'labels')[];
}

/** Each registry layer's style layers, by role, from the style's metadata. */
export function rolesOf(style: StyleSpecification, ids: readonly string[]): Map<string, StyleLayers> {
  const roles = new Map<string, StyleLayers>(
    ids.map((id) => [id, { all: [], interactive: [], filterable: [], base: {}, labels: [] }]),
  );
  for (const l of style.layers) {
    const meta = (l as { metadata?: Meta }).metadata;
    const r = meta?.['atlas:layer'] ? roles.get(meta['atlas:layer']) : undefined;
    if (!r) continue;
    r.all.push(l.id);
    for (const role of meta?.['atlas:roles'] ?? []) r[role].push(l.id);
    if (meta?.['atlas:roles']?.includes('filterable'))
      r.base[l.id] = (l as { filter?: FilterSpecification }).filter;
  }
  return roles;
}
