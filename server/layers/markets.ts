import { projectAnalysis, projectProperties, projectSearch } from './project-properties.ts';
import type { LayerDef } from './types.ts';

const MARKETS = { category: 'market', details: 'market_details' };

export const markets: LayerDef = {
  id: 'markets',
  title: 'Markets',
  title_vi: 'Chợ',
  description: 'Market projects (a kind of investment project) with kiosks, floors and floor area.',
  description_vi: 'Dự án chợ (một loại dự án đầu tư) với số ki-ốt, số tầng và diện tích sàn.',
  view: 'layer_markets',
  geometryType: 'Point',
  properties: [
    ...projectProperties,
    {
      name: 'kiosks',
      type: 'integer',
      description: 'Number of kiosks',
      filterable: true,
      sortable: true,
      title: { vi: 'Số ki-ốt', en: 'Kiosks' },
    },
    {
      name: 'floors_min',
      type: 'integer',
      description: 'Fewest floors of its buildings',
      title: { vi: 'Số tầng (ít nhất)', en: 'Floors (fewest)' },
    },
    {
      name: 'floors_max',
      type: 'integer',
      description: 'Most floors of its buildings',
      title: { vi: 'Số tầng (nhiều nhất)', en: 'Floors (most)' },
    },
    {
      name: 'floor_area_m2',
      type: 'number',
      description: 'Floor area, m²',
      sortable: true,
      title: { vi: 'Diện tích sàn (m²)', en: 'Floor area (m²)' },
    },
  ],
  timeField: 'start_year',
  minzoom: 0,
  maxzoom: 16,
  tile: { simplify: false, clusterBelowZoom: 8 },
  style: { kind: 'circle', color: '#c51b7d', size: 6, label: 'name' },
  citationEntity: 'project',
  analysis: projectAnalysis(MARKETS),
  search: projectSearch(MARKETS),
  importTarget: 'projects',
};
