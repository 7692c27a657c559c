/** The importable layers, one module each. */
import type { ImportLayer } from '../options.ts';
import { gatesTarget } from './border-gates.ts';
import { projectsTarget } from './projects.ts';
import { roadsTarget } from './roads.ts';
import type { Target } from './types.ts';
import { unitsTarget } from './units.ts';

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
