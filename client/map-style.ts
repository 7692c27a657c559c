/**
 * The MapLibre style, derived from the layer registry as /ogc/collections
 * serves it (each collection's `style` hint), over one composite vector tile
 * source of our own. Nothing in it names another host: tiles and glyphs come
 * from the page's origin.
 *
 * Each collection becomes a few style layers, all prefixed by its id:
 *
 *   fill   → {id} (areas)  {id}:outline  {id}:point (seat points)  {id}:label
 *   line   → {id}  {id}:label
 *   circle → {id}:cluster  {id}:cluster-count  {id}  {id}:label
 *
 * `{id}`, `{id}:point` and `{id}:cluster` are the ones a click or a count
 * looks at; filters go on `{id}`, `{id}:point` and `{id}:label`.
 */
import type {
  ExpressionSpecification,
  FilterSpecification,
  LayerSpecification,
  StyleSpecification,
} from 'maplibre-gl';
import type { Collection, LayerStyleHint, TileJson } from './api.ts';
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

const isArea: ExpressionSpecification = [
  'match',
  ['geometry-type'],
  ['Polygon', 'MultiPolygon'],
  true,
  false,
];
const isPoint: ExpressionSpecification = ['match', ['geometry-type'], ['Point', 'MultiPoint'], true, false];
/**
 * Our tiles give every point of a clustered layer a `point_count`: 1 for a
 * lone point (which keeps its properties), more for a cluster (which has
 * only the count). server/tiles/generalise.ts, rule 2.
 */
export const isCluster: ExpressionSpecification = [
  '>',
  ['to-number', ['coalesce', ['get', 'point_count'], 1]],
  1,
];

/** A colour a little darker than `hex`, for outlines and strokes. */
export function darker(hex: string, by = 0.35): string {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex);
  if (!m) return hex;
  const n = Number.parseInt(m[1]!, 16);
  const c = [n >> 16, (n >> 8) & 255, n & 255].map((v) => Math.round(v * (1 - by)));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

export function colorExpression(s: LayerStyleHint): ExpressionSpecification | string {
  if (!s.colorBy) return s.color;
  const pairs = Object.entries(s.colorBy.colors).flat();
  return ['match', ['to-string', ['get', s.colorBy.property]], ...pairs, s.color] as ExpressionSpecification;
}

/** The label text: names stay Vietnamese; a `*_vi` label falls back to its English twin in English. */
export function labelExpression(label: string, lang: Lang): ExpressionSpecification {
  const en = label.endsWith('_vi') ? label.slice(0, -3) : label;
  const first = lang === 'en' ? en : label;
  return ['to-string', ['coalesce', ['get', first], ['get', label], ['get', 'name'], '']];
}

const labelPaint = {
  'text-color': '#222',
  'text-halo-color': 'rgba(255,255,255,0.9)',
  'text-halo-width': 1.4,
} as const;

/** Style layers for one collection; `bottom` is the first fill (the land under everything). */
export function layersFor(
  c: Collection,
  zoom: { minzoom: number },
  lang: Lang,
  bottom: boolean,
): { specs: LayerSpecification[]; roles: StyleLayers } {
  const s: LayerStyleHint = c.style ?? { kind: 'circle', color: '#555' };
  const color = colorExpression(s);
  const common = { source: SOURCE, 'source-layer': c.id, minzoom: zoom.minzoom };
  const specs: LayerSpecification[] = [];
  const roles: StyleLayers = { all: [], interactive: [], filterable: [], base: {}, labels: [] };
  const add = (spec: LayerSpecification, as: ('interactive' | 'filterable' | 'labels')[]): void => {
    specs.push(spec);
    roles.all.push(spec.id);
    for (const r of as) roles[r].push(spec.id);
    if (as.includes('filterable')) roles.base[spec.id] = (spec as { filter?: FilterSpecification }).filter;
  };
  const id = c.id;

  if (s.kind === 'fill') {
    add(
      {
        ...common,
        id,
        type: 'fill',
        filter: isArea,
        paint: { 'fill-color': color, 'fill-opacity': bottom ? 1 : 0.12 },
      },
      ['interactive', 'filterable'],
    );
    add(
      {
        ...common,
        id: `${id}:outline`,
        type: 'line',
        filter: isArea,
        paint: {
          'line-color': darker(s.color),
          'line-width': bottom ? 0.8 : zoom.minzoom >= 5 ? 0.5 : 1.2,
          'line-opacity': 0.8,
        },
      },
      [],
    );
    add(
      {
        ...common,
        id: `${id}:point`,
        type: 'circle',
        filter: isPoint,
        paint: {
          'circle-color': color,
          'circle-radius': zoom.minzoom >= 5 ? 3 : 4.5,
          'circle-stroke-color': darker(s.color),
          'circle-stroke-width': 1,
        },
      },
      ['interactive', 'filterable'],
    );
  } else if (s.kind === 'line') {
    add(
      {
        ...common,
        id,
        type: 'line',
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': color, 'line-width': s.size ?? 1.5 },
      },
      ['interactive', 'filterable'],
    );
  } else {
    const size = s.size ?? 5;
    add(
      {
        ...common,
        id: `${id}:cluster`,
        type: 'circle',
        filter: isCluster,
        paint: {
          'circle-color': s.color,
          'circle-opacity': 0.85,
          'circle-radius': [
            'interpolate',
            ['linear'],
            ['sqrt', ['get', 'point_count']],
            1,
            size + 2,
            30,
            size + 22,
          ],
          'circle-stroke-color': '#fff',
          'circle-stroke-width': 1.5,
        },
      },
      ['interactive'],
    );
    add(
      {
        ...common,
        id: `${id}:cluster-count`,
        type: 'symbol',
        filter: isCluster,
        layout: {
          'text-field': ['to-string', ['get', 'point_count']],
          'text-font': FONT,
          'text-size': 11,
          'text-allow-overlap': true,
        },
        paint: { 'text-color': '#fff' },
      },
      [],
    );
    add(
      {
        ...common,
        id,
        type: 'circle',
        filter: ['!', isCluster],
        paint: {
          'circle-color': color,
          'circle-radius': size,
          'circle-stroke-color': '#fff',
          'circle-stroke-width': 1.2,
        },
      },
      ['interactive', 'filterable'],
    );
  }

  if (s.label) {
    const placeOnLine = s.kind === 'line';
    const labelMin = s.kind === 'fill' ? (zoom.minzoom >= 5 ? 9 : bottom ? 3 : 6) : 9;
    add(
      {
        ...common,
        id: `${id}:label`,
        type: 'symbol',
        minzoom: Math.max(zoom.minzoom, labelMin),
        // A polygon's label repeats in every tile it spans: the land's names
        // (countries) only show while one or two tiles cover the region.
        ...(bottom ? { maxzoom: 5.5 } : {}),
        ...(s.kind === 'circle' ? { filter: ['!', isCluster] as FilterSpecification } : {}),
        layout: {
          'text-field': labelExpression(s.label, lang),
          'text-font': FONT,
          'text-size': bottom ? 14 : s.kind === 'fill' ? 12 : 11,
          'symbol-placement': placeOnLine ? 'line' : 'point',
          // Below a point (circles, and the seat points of units without a
          // boundary); centred on an area.
          'text-offset': [
            'match',
            ['geometry-type'],
            ['Point', 'MultiPoint'],
            ['literal', [0, 0.9]],
            ['literal', [0, 0]],
          ],
          'text-anchor': ['match', ['geometry-type'], ['Point', 'MultiPoint'], 'top', 'center'],
          'text-max-width': 8,
        },
        paint: labelPaint,
      },
      ['filterable', 'labels'],
    );
  }
  return { specs, roles };
}

/** The whole style: our tiles, our glyphs, every collection in registry order. */
export function buildStyle(
  cols: readonly Collection[],
  tj: TileJson,
  lang: Lang,
): { style: StyleSpecification; roles: Map<string, StyleLayers> } {
  const zooms = new Map(tj.vector_layers.map((v) => [v.id, v]));
  // The composite source stops at the lowest layer maxzoom and is overzoomed
  // above it, so that no layer vanishes where its own tiles end.
  const maxzoom = Math.min(...tj.vector_layers.map((v) => v.maxzoom ?? tj.maxzoom ?? 14));
  const tilePath = new URL(tj.tiles[0]!, window.location.origin);
  const layers: LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': '#cfe2ec' } },
  ];
  const roles = new Map<string, StyleLayers>();
  let firstFill = true;
  for (const c of cols) {
    const bottom = firstFill && c.style?.kind === 'fill';
    if (c.style?.kind === 'fill') firstFill = false;
    const made = layersFor(c, { minzoom: zooms.get(c.id)?.minzoom ?? 0 }, lang, bottom);
    layers.push(...made.specs);
    roles.set(c.id, made.roles);
  }
  const style: StyleSpecification = {
    version: 8,
    // Built by hand: URL() would percent-encode the braces MapLibre fills in.
    glyphs: `${window.location.origin}/fonts/{fontstack}/{range}.pbf`,
    sources: {
      [SOURCE]: {
        type: 'vector',
        // Our own origin even when the TileJSON was written for another host name (a proxy).
        tiles: [`${window.location.origin}${decodeURI(tilePath.pathname)}${tilePath.search}`],
        minzoom: tj.minzoom ?? 0,
        maxzoom: Number.isFinite(maxzoom) ? maxzoom : 14,
        bounds: tj.bounds,
        attribution: tj.attribution,
      },
    },
    layers,
  };
  return { style, roles };
}
