/**
 * Where the analysis reads the point layers of the registry: each layer
 * with an `analysis` source (server/layers) is a point layer it can measure.
 *
 * The layer views (layer_projects, layer_markets...) say what each layer is,
 * but a join through them cannot reach the GiST index: on the 100,000
 * benchmark projects a spatial join to layer_projects ran a nested loop
 * over the whole view (28 s for 10 km) and an id lookup of 12,000 projects
 * hashed the whole view (1 s). So a layer may declare the base-table SELECT
 * with the same row filter as the view (same category, same details join)
 * for the spatial stage, and the rows its properties are joined from by
 * primary key afterwards; a layer that declares neither is read through its
 * view. The `layer views match these sources` test keeps the two in step.
 */
import { type RawBuilder, sql } from 'kysely';
import { getLayer, type LayerDef, pointLayers } from '../layers/index.ts';
import type { PropertyType } from '../layers/types.ts';
import type { PointSource } from './border-distance.ts';

export { projectPlaceJoins } from '../layers/sql.ts';

/** Ids of the point layers a near-border query can measure, in registry order. */
export function pointLayerIds(): string[] {
  return pointLayers().map((l) => l.id);
}

function pointLayer(id: string): LayerDef & { analysis: NonNullable<LayerDef['analysis']> } {
  const layer = getLayer(id);
  if (!layer?.analysis) throw new Error(`layer ${id} is not a point layer of the analysis`);
  return layer as LayerDef & { analysis: NonNullable<LayerDef['analysis']> };
}

/** `id, name, geom` of the layer's features, for spatial joins. */
export function pointSource(id: string): PointSource {
  const layer = pointLayer(id);
  return {
    layer: id,
    select: layer.analysis.select ?? sql`SELECT v.id, v.name, v.geom FROM ${sql.table(layer.view)} v`,
  };
}

/** `id` and the near-border properties of the layer's features (the view's columns when it declares none). */
export function pointRows(id: string): RawBuilder<unknown> {
  const layer = pointLayer(id);
  if (layer.analysis.rows) return layer.analysis.rows;
  const cols = layer.analysis.properties.map((c) => sql.ref(`v.${c}`));
  return sql`SELECT v.id, ${sql.join(cols)} FROM ${sql.table(layer.view)} v`;
}

/** Whether the layer's features are projects carrying an investment. */
export function carriesInvestment(id: string): boolean {
  return pointLayer(id).analysis.investment === true;
}

const SQL_TYPE: Record<PropertyType, string> = {
  string: 'text',
  integer: 'int',
  number: 'float8',
  boolean: 'boolean',
};

/**
 * The properties near-border features carry: every point layer's, in
 * registry order, each with the SQL type its layers declare (text when no
 * layer declares it as a property).
 */
export function pointProperties(): { name: string; sqlType: string }[] {
  const out = new Map<string, string>();
  for (const l of pointLayers()) {
    for (const name of l.analysis!.properties) {
      if (out.has(name)) continue;
      const type = pointLayers()
        .flatMap((x) => x.properties)
        .find((p) => p.name === name)?.type;
      out.set(name, type ? SQL_TYPE[type] : 'text');
    }
  }
  return [...out].map(([name, sqlType]) => ({ name, sqlType }));
}
