import { type LayerDef, precisionProperties } from './types.ts';

export const roads: LayerDef = {
  id: 'roads',
  title: 'Roads and routes',
  title_vi: 'Đường giao thông',
  description:
    'Roads and routes named in the articles. Drawn schematic: a line through the towns each one links, not its real course.',
  view: 'layer_roads',
  geometryType: 'LineString',
  properties: [
    { name: 'slug', type: 'string', description: 'Stable text identifier' },
    {
      name: 'ref',
      type: 'string',
      description: 'Route number such as QL4B or ĐT341',
      filterable: true,
      sortable: true,
    },
    { name: 'name', type: 'string', description: 'Name', filterable: true, sortable: true },
    {
      name: 'class',
      type: 'string',
      description: 'Road class',
      filterable: true,
      enum: ['expressway', 'national', 'provincial', 'district', 'commune', 'rural'],
    },
    { name: 'via', type: 'string', description: 'Places the line is drawn through, in order' },
    ...precisionProperties,
  ],
  minzoom: 4,
  maxzoom: 16,
  tile: { simplify: true },
  style: {
    kind: 'line',
    color: '#636363',
    size: 2,
    colorBy: {
      property: 'class',
      colors: {
        expressway: '#e6550d',
        national: '#fd8d3c',
        provincial: '#fdae6b',
        district: '#969696',
        commune: '#bdbdbd',
        rural: '#bdbdbd',
      },
    },
  },
};
