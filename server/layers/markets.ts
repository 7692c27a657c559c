import { projectProperties } from './project-properties.ts';
import type { LayerDef } from './types.ts';

export const markets: LayerDef = {
  id: 'markets',
  title: 'Markets',
  title_vi: 'Chợ',
  description: 'Market projects (a kind of investment project) with kiosks, floors and floor area.',
  view: 'layer_markets',
  geometryType: 'Point',
  properties: [
    ...projectProperties,
    { name: 'kiosks', type: 'integer', description: 'Number of kiosks', filterable: true, sortable: true },
    { name: 'floors_min', type: 'integer', description: 'Fewest floors of its buildings' },
    { name: 'floors_max', type: 'integer', description: 'Most floors of its buildings' },
    { name: 'floor_area_m2', type: 'number', description: 'Floor area, m²', sortable: true },
  ],
  timeField: 'start_year',
  minzoom: 0,
  maxzoom: 16,
  tile: { simplify: false, clusterBelowZoom: 8 },
  style: { kind: 'circle', color: '#e7298a', size: 6, label: 'name' },
};
