/**
 * What a layer declares, once. Feature SQL, tile SQL, OGC collection
 * metadata and queryables, TileJSON vector_layers, the OpenAPI document,
 * citations, the analysis, search, import and the client's layer list,
 * legend, filters and labels are all derived from these objects.
 */
import type { RawBuilder } from 'kysely';

/** A text in both languages of the site, Vietnamese first. */
export interface Label {
  vi: string;
  en: string;
}

export type PropertyType = 'string' | 'integer' | 'number' | 'boolean';

export interface LayerProperty {
  /** Column of the layer's view, and the name of the property everywhere. */
  name: string;
  type: PropertyType;
  description: string;
  /** May be used in simple `?name=value` filters and CQL2. */
  filterable?: boolean;
  sortable?: boolean;
  /** Closed list of values, when there is one (becomes a JSON Schema enum). */
  enum?: readonly string[];
  /** What a person reads for each value of `enum` (every value, no other). */
  labels?: Readonly<Record<string, Label>>;
  /** The property's name for people (popup rows, filter headings). */
  title?: Label;
}

export interface LayerStyle {
  /** How the client draws it: circle for points, line, fill (with outline) for areas. */
  kind: 'circle' | 'line' | 'fill';
  color: string;
  /** Line width or circle radius in pixels. */
  size?: number;
  /** Property whose values get their own colours in the legend. */
  colorBy?: { property: string; colors: Record<string, string> };
  /** Label property, drawn from our own glyphs. */
  label?: string;
}

export interface LayerDef {
  id: string;
  title: string;
  title_vi: string;
  description: string;
  /** The description in Vietnamese (the web map shows it in the Vietnamese interface). */
  description_vi?: string;
  /** The view (created by a migration) that exposes id, geom and the properties. */
  view: string;
  geometryType: 'Point' | 'LineString' | 'MultiPolygon' | 'Geometry';
  properties: readonly LayerProperty[];
  /** Year-valued property used for `datetime` filters, if any. */
  timeField?: string;
  minzoom: number;
  maxzoom: number;
  tile: {
    /** Simplify lines and polygons to about a pixel at each zoom. */
    simplify: boolean;
    /** Cluster points below this zoom (count in `point_count`). */
    clusterBelowZoom?: number;
  };
  style: LayerStyle;
  /** Attribution shown wherever this layer is served. */
  attribution?: string;
  /**
   * `citations.entity` of its rows: the table they live in (markets and
   * industrial parks are rows of `projects`, so they say 'project'). Rows of
   * the same entity and id are the same thing shown by two layers.
   */
  citationEntity: string;
  /** For point layers: how the analysis (near-border, accessibility...) reads it. */
  analysis?: AnalysisSource;
  /** How a place search finds its features; absent: search does not cover it. */
  search?: LayerSearch;
  /** The import target (server/import/targets) that writes its rows, if any. */
  importTarget?: ImportTarget;
}

/** The import targets there are, one module each in server/import/targets. */
export type ImportTarget = 'provinces' | 'communes' | 'roads' | 'projects' | 'border-gates';

export interface AnalysisSource {
  /**
   * `id, name, geom` of the layer's features read from the base tables with
   * the same row filter as the view, so that spatial joins reach the GiST
   * index (tests/analysis-sources.test.ts keeps the two in step). Without
   * it the view is read.
   */
  select?: RawBuilder<unknown>;
  /**
   * `id` and the `properties` below, from the base tables (alias-free
   * columns, one row per feature). Without it the view is read.
   */
  rows?: RawBuilder<unknown>;
  /** Properties a near-border feature of this layer carries, in order. */
  properties: readonly string[];
  /** Its features are projects with an investment (counted once across layers). */
  investment?: boolean;
}

export interface LayerSearch {
  /** Column of the view matched and shown as the hit's name. */
  name: string;
  /** Column of the view shown as the hit's kind (category, class...). */
  kind?: string;
  /** Column of the view matched along with the name and shown as the hit's code (route number). */
  code?: string;
  /**
   * The same rows from the base tables, for speed (stored `name_plain`, no
   * view joins), with the columns id, name, name_plain, kind, level, code,
   * point, valid_to. May cover more than the view (units of every period).
   */
  select?: RawBuilder<unknown>;
}

/** Properties every layer shares: how precise its location is. */
export const precisionProperties: readonly LayerProperty[] = [
  {
    name: 'precision',
    type: 'string',
    description: 'How the location was obtained: surveyed, approximate (see uncertainty_m) or schematic',
    filterable: true,
    enum: ['surveyed', 'approximate', 'schematic'],
    title: { vi: 'Độ chính xác vị trí', en: 'Location precision' },
    labels: {
      surveyed: { vi: 'Khảo sát đo đạc', en: 'Surveyed' },
      approximate: { vi: 'Ước lượng', en: 'Approximate' },
      schematic: { vi: 'Sơ đồ (không theo hướng tuyến thật)', en: 'Schematic (not the real course)' },
    },
  },
  {
    name: 'uncertainty_m',
    type: 'number',
    description: 'For approximate locations: how far off the point may be, in metres',
    title: { vi: 'Sai số vị trí (m)', en: 'Uncertainty (m)' },
  },
];

/** The neighbouring countries, as border segments and gates name them. */
export const neighbourProperty = {
  name: 'neighbour',
  type: 'string',
  filterable: true,
  enum: ['CHN', 'LAO', 'KHM'],
  title: { vi: 'Nước láng giềng', en: 'Neighbouring country' },
  labels: {
    CHN: { vi: 'Trung Quốc', en: 'China' },
    LAO: { vi: 'Lào', en: 'Laos' },
    KHM: { vi: 'Campuchia', en: 'Cambodia' },
  },
} as const satisfies Omit<LayerProperty, 'description'>;

/** Whether an administrative unit is drawn by its boundary or, lacking one, by its seat. */
/** When an administrative unit took its current form (units of 2025: 2025-07-01). */
export const validFromProperty: LayerProperty = {
  name: 'valid_from',
  type: 'string',
  description: 'Date the unit took its current form',
  title: { vi: 'Hiệu lực từ', en: 'Since' },
};

export const geometryKindProperty: LayerProperty = {
  name: 'geometry_kind',
  type: 'string',
  description: 'boundary or seat',
  enum: ['boundary', 'seat'],
  labels: {
    boundary: { vi: 'Ranh giới', en: 'Boundary' },
    seat: { vi: 'Trụ sở', en: 'Seat' },
  },
};
