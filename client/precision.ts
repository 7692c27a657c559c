/**
 * Uncertainty circles: an approximate point (precision = 'approximate',
 * known to ± uncertainty_m) gets a translucent disc of that radius on the
 * map, under its marker, so that a planner sees how far off it may be.
 * One circle layer per point layer whose tiles carry `uncertainty_m`, added
 * from here (not map-style.ts) with map.addLayer; it follows its layer's
 * visibility and the page's filters (filters.ts).
 *
 * The radius is metres turned into pixels at each zoom, exactly as the
 * border band does (border-band.ts): r(z) = u / mpp0(φ) · 2^z, with φ = 20°N
 * (the atlas spans 8.5°N to 23.4°N: within 4 %).
 */
import type { ExpressionSpecification, FilterSpecification } from 'maplibre-gl';
import { filterState, toExpression } from './filters.ts';
import type { Atlas } from './map.ts';
import { SOURCE } from './map-style.ts';

export const UNCERTAINTY = 'uncertainty';
const MPP0 = (40_075_016.686 * Math.cos((20 * Math.PI) / 180)) / 512;

export function uncertaintyRadius(): ExpressionSpecification {
  const at0: ExpressionSpecification = ['/', ['to-number', ['get', 'uncertainty_m'], 0], MPP0];
  return ['interpolate', ['exponential', 2], ['zoom'], 0, at0, 24, ['*', at0, 2 ** 24]];
}

const APPROXIMATE: FilterSpecification = [
  'all',
  ['==', ['get', 'precision'], 'approximate'],
  ['has', 'uncertainty_m'],
  // Our tiles cluster on the server: a single feature carries point_count 1, a cluster more.
  ['<=', ['to-number', ['get', 'point_count'], 1], 1],
];

export function uncertaintyLayer(atlas: Atlas): void {
  const { map } = atlas;
  const layers = atlas.collections.filter(
    (c) => c.style?.kind === 'circle' && atlas.fields.get(c.id)?.has('uncertainty_m'),
  );
  const ids = new Map<string, string>();
  for (const c of layers) {
    const id = `${UNCERTAINTY}:${c.id}`;
    ids.set(c.id, id);
    // Under the layer's own markers (its first drawn layer), above the land and lines.
    const first = atlas.roles.get(c.id)?.all.find((l) => map.getLayer(l));
    map.addLayer(
      {
        id,
        type: 'circle',
        source: SOURCE,
        'source-layer': c.id,
        filter: APPROXIMATE,
        paint: {
          'circle-radius': uncertaintyRadius(),
          'circle-color': c.style?.color ?? '#555',
          'circle-opacity': 0.12,
          'circle-stroke-color': c.style?.color ?? '#555',
          'circle-stroke-opacity': 0.5,
          'circle-stroke-width': 1,
        },
        layout: { visibility: atlas.isVisible(c.id) ? 'visible' : 'none' },
      },
      first,
    );
  }
  const filter = (): void => {
    for (const [layer, id] of ids) {
      const expr = toExpression(filterState.filters, atlas.fields.get(layer) ?? new Set());
      map.setFilter(id, (expr ? ['all', APPROXIMATE, expr] : APPROXIMATE) as FilterSpecification);
    }
  };
  filter();
  filterState.onChange(filter);
  // A layer switched on or off in the layer list: its circles follow.
  map.on('idle', () => {
    for (const [layer, id] of ids) {
      const want = atlas.isVisible(layer) ? 'visible' : 'none';
      if (map.getLayoutProperty(id, 'visibility') !== want) map.setLayoutProperty(id, 'visibility', want);
    }
  });
}
