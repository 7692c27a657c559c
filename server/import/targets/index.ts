/** The writable layers, one module each. */
import type { ImportLayer } from '../options.ts';
import { gatesTarget } from './border-gates.ts';
import { projectsTarget } from './projects.ts';
import { roadsTarget } from './roads.ts';
import type { Target } from './types.ts';
import { keyedUnitsTarget, unitsTarget } from './units.ts';

export type { Target, TargetContext, WriteCounts } from './types.ts';

/** A fresh target per import: some keep lookups loaded in `prepare`. */
export function targetFor(layer: ImportLayer): Target {
  switch (layer) {
    case 'provinces':
      return unitsTarget('province');
    case 'communes':
      return unitsTarget('commune');
    case 'roads':
      return roadsTarget;
    case 'projects':
      return projectsTarget();
    case 'border-gates':
      return gatesTarget();
  }
}

/** Layers written record by record in data/'s shape (seeding, the write API). */
export const KEYED_LAYERS = ['units', 'roads', 'projects', 'border-gates'] as const;
export type KeyedLayer = (typeof KEYED_LAYERS)[number];

export function keyedTargetFor(layer: KeyedLayer): Target {
  return layer === 'units' ? keyedUnitsTarget() : targetFor(layer);
}
