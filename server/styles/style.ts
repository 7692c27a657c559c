/**
 * The map's style as a MapLibre style document (style spec v8), built from
 * the layer registry: the web map draws with it (client/map.ts fetches it),
 * and so can another site's MapLibre map or QGIS's vector tile connection
 * ("Style URL"). Every URL in it is absolute, on the origin it was asked
 * from: our vector tiles and our glyphs. One source, the composite tiles:
 * the area names and the rivers are two of their layers
 * (server/tiles/basemap.ts), which is what lets QGIS draw them too (its
 * vector tile connection reads no GeoJSON source).
 *
 *   GET /styles/atlas.json?lang=en
 *
 * Each registry layer becomes a few style layers, all prefixed by its id,
 * each saying in `metadata` which registry layer it draws and its roles
 * (`atlas:roles`: interactive = a click or a count looks at it; filterable
 * = the planner's filters go on it; labels):
 *
 *   fill   → {id} (areas)  {id}:outline  {id}:point (seat points)
 *   line   → {id}  {id}:label (along the line)
 *   circle → {id}:cluster  {id}:cluster-count  {id}  {id}:label
 *
 * Areas are named from the tiles' `labels` layer (one point per unit,
 * server/styles/labels.ts), in style layers `labels:{id}` on top of
 * everything, the most important last (placed first): countries, then
 * provinces, then communes. `basemap:rivers`, from the tiles' `rivers`
 * layer, runs over the land.
 */
import type {
  ExpressionSpecification,
  FilterSpecification,
  LayerSpecification,
  SourceSpecification,
  StyleSpecification,
} from '@maplibre/maplibre-gl-style-spec';
import { layers as registry } from '../layers/index.ts';
import type { LayerDef, LayerStyle } from '../layers/types.ts';
import { labelledAreas, labelZooms } from './labels.ts';

export type Lang = 'vi' | 'en';

export const SOURCE = 'atlas';
/** The tiles' layers of the basemap (server/tiles/basemap.ts). */
export const LABELS = 'labels';
export const RIVERS = 'rivers';
export const FONT = ['Noto Sans Regular'];
/** Sea and lakes: the style's background, under the land. */
export const WATER = '#cfe2ec';
/** Where the articles are: Vietnam's northern and western border provinces (the web map opens there). */
export const HOME = { zoom: 5.6, center: [105.2, 20.6] as [number, number] };

export type Role = 'interactive' | 'filterable' | 'labels';
export interface AtlasMetadata {
  'atlas:layer': string;
  'atlas:roles': Role[];
}

/*
 * The expressions below are written in the forms QGIS's style converter
 * (QgsMapBoxGlStyleConverter, 3.22 in Debian 12) also reads, so that its
 * vector tile connection with our "Style URL" draws the map as MapLibre
 * does: `any`/`all` of `==`, `has`, `get`, `match` on a `get`. It drops
 * `coalesce`, `case`, `to-number`, a `match` on anything but a `get`, and a
 * `!` of a compound (each of those became an empty or broken QGIS
 * expression: no land, no category colours, no clusters).
 * tests/style.test.ts keeps the style to these forms; docs/gis-clients.md
 * has the QGIS check.
 */
const geometryIs = (...types: string[]): ExpressionSpecification =>
  ['any', ...types.map((t) => ['==', ['geometry-type'], t])] as ExpressionSpecification;
const isArea = geometryIs('Polygon', 'MultiPolygon');
const isPoint = geometryIs('Point', 'MultiPoint');
/**
 * Our tiles give every point of a clustered layer a `point_count`: 1 for a
 * lone point (which keeps its properties), more for a cluster (which has
 * only the count). server/tiles/generalise.ts, rule 2.
 */
export const isCluster: ExpressionSpecification = [
  'all',
  ['has', 'point_count'],
  ['>', ['get', 'point_count'], 1],
];
/** Not a cluster: a lone point, or a feature of a layer that is not clustered. */
export const isLone: ExpressionSpecification = [
  'any',
  ['!', ['has', 'point_count']],
  ['<=', ['get', 'point_count'], 1],
];

/** A colour a little darker than `hex`, for outlines and strokes. */
export function darker(hex: string, by = 0.35): string {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex);
  if (!m) return hex;
  const n = Number.parseInt(m[1]!, 16);
  const c = [n >> 16, (n >> 8) & 255, n & 255].map((v) => Math.round(v * (1 - by)));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

export function colorExpression(s: LayerStyle): ExpressionSpecification | string {
  if (!s.colorBy) return s.color;
  // Each label in a list of its own: QGIS's converter reads `["CHN"]` but turns a bare "CHN" into `IN ()`.
  const pairs = Object.entries(s.colorBy.colors).flatMap(([value, colour]) => [[value], colour]);
  // A match on the property itself: a value of another type (a number, null) takes the default colour.
  return ['match', ['get', s.colorBy.property], ...pairs, s.color] as unknown as ExpressionSpecification;
}

/** The label text of a tile feature: names stay Vietnamese; a `*_vi` label falls back to its English twin in English. */
export function labelExpression(label: string, lang: Lang): ExpressionSpecification {
  const en = label.endsWith('_vi') ? label.slice(0, -3) : label;
  const first = lang === 'en' ? en : label;
  const fields = [...new Set([first, label, 'name'])];
  // One field (Vietnamese names): a plain `get`, which QGIS reads too; a fallback needs `coalesce`.
  if (fields.length === 1) return ['to-string', ['get', fields[0]!]];
  return ['to-string', ['coalesce', ...fields.map((f) => ['get', f]), '']] as ExpressionSpecification;
}

const halo = { 'text-halo-color': 'rgba(255,255,255,0.9)', 'text-halo-width': 1.4 } as const;

/** Style layers of one registry layer; `bottom` is the first fill (the land under everything). */
export function layersFor(l: LayerDef, lang: Lang, bottom: boolean): LayerSpecification[] {
  const s = l.style;
  const color = colorExpression(s);
  const specs: LayerSpecification[] = [];
  const add = (spec: Record<string, unknown>, roles: Role[]): void => {
    const meta: AtlasMetadata = { 'atlas:layer': l.id, 'atlas:roles': roles };
    specs.push({
      source: SOURCE,
      'source-layer': l.id,
      minzoom: l.minzoom,
      ...spec,
      metadata: meta,
    } as unknown as LayerSpecification);
  };
  const id = l.id;
  const unit = l.minzoom >= 5;

  if (s.kind === 'fill') {
    add(
      {
        id,
        type: 'fill',
        filter: isArea,
        paint: { 'fill-color': color, 'fill-opacity': bottom ? 1 : 0.12 },
      },
      ['interactive', 'filterable'],
    );
    add(
      {
        id: `${id}:outline`,
        type: 'line',
        filter: isArea,
        paint: {
          'line-color': darker(s.color),
          'line-width': bottom ? 0.8 : unit ? 0.5 : 1.2,
          'line-opacity': 0.8,
        },
      },
      [],
    );
    add(
      {
        id: `${id}:point`,
        type: 'circle',
        filter: isPoint,
        paint: {
          'circle-color': color,
          'circle-radius': unit ? 3 : 4.5,
          'circle-stroke-color': darker(s.color),
          'circle-stroke-width': 1,
        },
      },
      ['interactive', 'filterable'],
    );
    return specs;
  }
  if (s.kind === 'line') {
    add(
      {
        id,
        type: 'line',
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': color, 'line-width': s.size ?? 1.5 },
      },
      ['interactive', 'filterable'],
    );
    if (s.label) {
      // A road is named by its number when it has one (QL4B), else by its name, along the line:
      // two label layers split by `has ref` rather than one `coalesce`, which QGIS 3.22 drops.
      const hasRef = l.properties.some((p) => p.name === 'ref');
      const named: [string, ExpressionSpecification, ExpressionSpecification | undefined][] = hasRef
        ? [
            [`${id}:label`, ['to-string', ['get', 'ref']], ['has', 'ref']],
            [`${id}:label-name`, labelExpression(s.label, lang), ['!', ['has', 'ref']]],
          ]
        : [[`${id}:label`, labelExpression(s.label, lang), undefined]];
      for (const [labelId, text, filter] of named)
        add(
          {
            id: labelId,
            type: 'symbol',
            minzoom: Math.max(l.minzoom, 7),
            ...(filter ? { filter } : {}),
            layout: {
              'text-field': text,
              'text-font': FONT,
              'text-size': 11,
              'symbol-placement': 'line',
              'symbol-spacing': 350,
              'text-max-angle': 30,
              'text-letter-spacing': 0.02,
            },
            paint: { 'text-color': darker(s.color, 0.3), ...halo },
          },
          ['filterable', 'labels'],
        );
    }
    return specs;
  }
  const size = s.size ?? 5;
  add(
    {
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
      id,
      type: 'circle',
      filter: isLone,
      paint: {
        'circle-color': color,
        'circle-radius': size,
        'circle-stroke-color': '#fff',
        'circle-stroke-width': 1.2,
      },
    },
    ['interactive', 'filterable'],
  );
  if (s.label) {
    add(
      {
        id: `${id}:label`,
        type: 'symbol',
        minzoom: Math.max(l.minzoom, 9),
        filter: isLone as FilterSpecification,
        layout: {
          'text-field': labelExpression(s.label, lang),
          'text-font': FONT,
          'text-size': 11,
          'text-offset': [0, 0.9],
          'text-anchor': 'top',
          'text-max-width': 8,
          'text-optional': true,
        },
        paint: { 'text-color': '#222', ...halo },
      },
      ['filterable', 'labels'],
    );
  }
  return specs;
}

/**
 * How each rank of area is named: size, colour (the zooms are labels.ts's,
 * which the tiles' labels layer keeps to). The first ranks are the most important.
 */
const AREA_LABELS: { size: number; color: string; upper?: boolean }[] = [
  // Countries.
  { size: 14, color: '#5a5142', upper: true },
  // Provinces.
  { size: 13, color: '#3d3427' },
  // Communes and smaller units.
  { size: 11, color: '#333333' },
];

/**
 * The `labels:{id}` style layers of the area layers, most important last
 * (placed first). What QGIS reads of them is in its forms: a filter of `==`
 * on a `get`, the text a plain `get` (capitals by `text-transform`, not an
 * `upcase` expression). The sort key, anchor and offset are MapLibre's
 * placement only (QGIS places its labels its own way).
 */
export function labelLayers(lang: Lang): LayerSpecification[] {
  const text: ExpressionSpecification = ['get', lang === 'en' ? 'name_en' : 'name'];
  const zooms = labelZooms();
  return labelledAreas()
    .map((l): LayerSpecification => {
      const z = zooms.get(l.id)!;
      const look = AREA_LABELS[Math.min(z.rank, AREA_LABELS.length - 1)]!;
      const meta: AtlasMetadata = { 'atlas:layer': l.id, 'atlas:roles': ['labels'] };
      return {
        id: `labels:${l.id}`,
        type: 'symbol',
        source: SOURCE,
        'source-layer': LABELS,
        filter: ['==', ['get', 'layer'], l.id],
        minzoom: z.minzoom,
        maxzoom: z.maxzoom,
        metadata: meta,
        layout: {
          'text-field': text,
          ...(look.upper ? { 'text-transform': 'uppercase' } : {}),
          'text-font': FONT,
          'text-size': look.size,
          'text-max-width': 7,
          'text-letter-spacing': look.upper ? 0.12 : 0.02,
          // The larger unit wins a collision (sort keys place the lowest first).
          'symbol-sort-key': ['-', 0, ['to-number', ['coalesce', ['get', 'area_km2'], 0]]],
          // A unit known only by its seat is named beside the seat's dot.
          'text-anchor': ['case', ['to-boolean', ['get', 'seat']], 'top', 'center'],
          'text-offset': [
            'case',
            ['to-boolean', ['get', 'seat']],
            ['literal', [0, 0.7]],
            ['literal', [0, 0]],
          ],
        },
        paint: { 'text-color': look.color, ...halo },
      } as LayerSpecification;
    })
    .reverse();
}

const RIVER_LAYER: LayerSpecification = {
  id: 'basemap:rivers',
  type: 'line',
  source: SOURCE,
  'source-layer': RIVERS,
  layout: { 'line-cap': 'round', 'line-join': 'round' },
  paint: {
    'line-color': '#7fb2d1',
    // Major rivers (level 1) wider, and everything wider as one zooms in.
    'line-width': [
      'interpolate',
      ['linear'],
      ['zoom'],
      5,
      ['match', ['get', 'level'], 1, 1.2, 2, 0.8, 0.5],
      10,
      ['match', ['get', 'level'], 1, 3, 2, 2, 1.2],
    ],
  },
};

export interface StyleOptions {
  /** `http://host:port`, the origin every URL of the style is on. */
  origin: string;
  lang: Lang;
  /** Whether data/basemap has rivers (then the tiles carry them: server/tiles/basemap.ts). */
  rivers: boolean;
}

/** The whole style document. */
export function atlasStyle({ origin, lang, rivers }: StyleOptions): StyleSpecification {
  const layers: LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': WATER } },
  ];
  let firstFill = true;
  for (const l of registry) {
    const bottom = firstFill && l.style.kind === 'fill';
    if (l.style.kind === 'fill') firstFill = false;
    layers.push(...layersFor(l, lang, bottom));
    if (bottom && rivers) layers.push(RIVER_LAYER);
  }
  layers.push(...labelLayers(lang));
  const attribution = [...new Set(registry.map((l) => l.attribution).filter(Boolean))].join('; ');
  const sources: Record<string, SourceSpecification> = {
    [SOURCE]: {
      type: 'vector',
      tiles: [`${origin}/tiles/all/{z}/{x}/{y}.mvt`],
      minzoom: Math.min(...registry.map((l) => l.minzoom)),
      // The composite source stops at the lowest layer maxzoom and is
      // overzoomed above it, so that no layer vanishes where its own tiles end.
      maxzoom: Math.min(...registry.map((l) => l.maxzoom)),
      // The rivers' credit first, as MapLibre listed it when they were a source of their own.
      ...(attribution || rivers
        ? {
            attribution: [rivers ? 'Rivers: GSHHG/WDBII (LGPL-3)' : '', attribution]
              .filter(Boolean)
              .join(' | '),
          }
        : {}),
    },
  };
  return {
    version: 8,
    name: 'Border Atlas',
    metadata: { 'atlas:lang': lang },
    center: HOME.center,
    zoom: HOME.zoom,
    sources,
    // Built by hand: URL() would percent-encode the braces MapLibre fills in.
    glyphs: `${origin}/fonts/{fontstack}/{range}.pbf`,
    layers,
  };
}
