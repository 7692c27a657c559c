/**
 * What a layer declares, once. Feature SQL, tile SQL, OGC collection
 * metadata and queryables, TileJSON vector_layers, the OpenAPI document and
 * the client's layer list and legend are all derived from these objects.
 */
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
}

/** Properties every layer shares: how precise its location is. */
export const precisionProperties: readonly LayerProperty[] = [
  {
    name: 'precision',
    type: 'string',
    description: 'How the location was obtained: surveyed, approximate (see uncertainty_m) or schematic',
    filterable: true,
    enum: ['surveyed', 'approximate', 'schematic'],
  },
  {
    name: 'uncertainty_m',
    type: 'number',
    description: 'For approximate locations: how far off the point may be, in metres',
  },
];
