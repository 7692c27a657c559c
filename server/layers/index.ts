/**
 * The layer registry: the single source of truth for what the service
 * serves. Order is drawing order (bottom to top).
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

export type { LayerDef, LayerProperty } from './types.ts';

export const layers: readonly LayerDef[] = [
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

export const layerIds = layers.map((l) => l.id);
