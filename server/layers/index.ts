/**
 * The layer registry: the single source of truth for what the service
 * serves. Order is drawing order (bottom to top). Adding a layer is a
 * migration (its view) and a module listed here (docs/adding-a-layer.md).
 *
 *   getLayer('projects')?.view // 'layer_projects'
 */
import { borderGates } from './border-gates.ts';
import { borderSegments } from './border-segments.ts';
import { communes } from './communes.ts';
import { countries } from './countries.ts';
import { industrialParks } from './industrial-parks.ts';
import { markets } from './markets.ts';
import { projects } from './projects.ts';
import { provinces } from './provinces.ts';
import { roads } from './roads.ts';
import type { LayerDef } from './types.ts';

export type { Label, LayerDef, LayerProperty } from './types.ts';

/** Every layer, in drawing order. Read it where it is used (registerLayer adds to it). */
export const layers: LayerDef[] = [
  countries,
  provinces,
  communes,
  borderSegments,
  roads,
  projects,
  markets,
  industrialParks,
  borderGates,
];

const byId = new Map(layers.map((l) => [l.id, l]));

export function getLayer(id: string): LayerDef | undefined {
  return byId.get(id);
}

/**
 * Adds a layer at run time, on top of the others: for tests, which get a
 * fresh registry per test file. Call it before the app is created; what is
 * derived once at start (tile statements, the OpenAPI document) reads the
 * registry then.
 */
export function registerLayer(layer: LayerDef): void {
  if (byId.has(layer.id)) throw new Error(`layer ${layer.id} is registered already`);
  layers.push(layer);
  byId.set(layer.id, layer);
  layerIds.push(layer.id);
}

export const layerIds: string[] = layers.map((l) => l.id);

/** The point layers the analysis can measure. */
export function pointLayers(): LayerDef[] {
  return layers.filter((l) => l.analysis);
}
