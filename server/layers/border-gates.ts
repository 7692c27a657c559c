import { type LayerDef, precisionProperties } from './types.ts';

export const borderGates: LayerDef = {
  id: 'border-gates',
  title: 'Border gates',
  title_vi: 'Cửa khẩu',
  description: 'Border gates named in the articles, with their rank and neighbouring country.',
  view: 'layer_border_gates',
  geometryType: 'Point',
  properties: [
    { name: 'slug', type: 'string', description: 'Stable text identifier' },
    { name: 'name', type: 'string', description: 'Vietnamese name', filterable: true, sortable: true },
    { name: 'name_en', type: 'string', description: 'English name' },
    {
      name: 'kind',
      type: 'string',
      description: 'Rank of the gate',
      filterable: true,
      enum: ['international', 'main', 'secondary'],
    },
    {
      name: 'neighbour',
      type: 'string',
      description: 'ISO3 of the country across',
      filterable: true,
      enum: ['CHN', 'LAO', 'KHM'],
    },
    { name: 'commune', type: 'string', description: '2025 commune it lies in', filterable: true },
    { name: 'commune_code', type: 'string', description: 'Code of that commune', filterable: true },
    ...precisionProperties,
  ],
  minzoom: 0,
  maxzoom: 16,
  tile: { simplify: false },
  style: { kind: 'circle', color: '#e41a1c', size: 6, label: 'name' },
};
