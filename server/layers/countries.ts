import { type LayerDef, precisionProperties } from './types.ts';

export const OSM_ATTRIBUTION = '© OpenStreetMap contributors (ODbL)';

export const countries: LayerDef = {
  id: 'countries',
  title: 'Countries',
  title_vi: 'Quốc gia',
  description:
    'Vietnam and its land neighbours (China clipped to the region) at 100 m resolution, from @geo-maps/countries-land-100m (OpenStreetMap-derived).',
  description_vi:
    'Việt Nam và các nước láng giềng trên đất liền (Trung Quốc cắt theo vùng), độ phân giải 100 m, từ @geo-maps/countries-land-100m (dẫn xuất từ OpenStreetMap).',
  view: 'layer_countries',
  geometryType: 'MultiPolygon',
  properties: [
    {
      name: 'iso3',
      type: 'string',
      description: 'ISO 3166-1 alpha-3 code',
      filterable: true,
      sortable: true,
      title: { vi: 'Mã ISO', en: 'ISO code' },
    },
    {
      name: 'name',
      type: 'string',
      description: 'English name',
      sortable: true,
      title: { vi: 'Tên tiếng Anh', en: 'English name' },
    },
    {
      name: 'name_vi',
      type: 'string',
      description: 'Vietnamese name',
      title: { vi: 'Tên tiếng Việt', en: 'Vietnamese name' },
    },
    ...precisionProperties,
  ],
  minzoom: 0,
  maxzoom: 14,
  tile: { simplify: true },
  style: { kind: 'fill', color: '#e8e4d8', label: 'name_vi' },
  attribution: OSM_ATTRIBUTION,
  citationEntity: 'country',
};
