import { OSM_ATTRIBUTION } from './countries.ts';
import { type LayerDef, neighbourProperty, precisionProperties } from './types.ts';

export const borderSegments: LayerDef = {
  id: 'border-segments',
  title: 'Land border segments',
  title_vi: 'Đoạn biên giới đất liền',
  description:
    "Vietnam's land border with China, Laos and Cambodia, derived from 100 m OpenStreetMap data and cut into short pieces. Lengths come out shorter than surveyed ones (about 2,150 km against an official ~2,340 km for Laos).",
  view: 'layer_border_segments',
  description_vi:
    'Đường biên giới đất liền của Việt Nam với Trung Quốc, Lào và Campuchia, chia thành từng đoạn.',
  geometryType: 'LineString',
  properties: [
    { ...neighbourProperty, description: 'ISO3 code of the neighbouring country', sortable: true },
    {
      name: 'part',
      type: 'integer',
      description: 'Piece number along the border',
      sortable: true,
      title: { vi: 'Đoạn số', en: 'Piece' },
    },
    {
      name: 'length_km',
      type: 'number',
      description: 'Length on the spheroid, km (100 m data: shorter than surveyed)',
      sortable: true,
      title: { vi: 'Chiều dài (km)', en: 'Length (km)' },
    },
    ...precisionProperties,
  ],
  minzoom: 0,
  maxzoom: 14,
  tile: { simplify: true },
  style: {
    kind: 'line',
    color: '#67000d',
    size: 2,
    colorBy: { property: 'neighbour', colors: { CHN: '#67000d', LAO: '#3f007d', KHM: '#00441b' } },
  },
  attribution: OSM_ATTRIBUTION,
  citationEntity: 'border_segment',
};
