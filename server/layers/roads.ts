import { sql } from 'kysely';
import { type LayerDef, precisionProperties } from './types.ts';

export const roads: LayerDef = {
  id: 'roads',
  title: 'Roads and routes',
  title_vi: 'Đường giao thông',
  description:
    'Roads and routes named in the articles. Drawn schematic: a line through the towns each one links, not its real course.',
  description_vi:
    'Quốc lộ, tỉnh lộ và tuyến đường được nêu trong bài viết. Vẽ theo sơ đồ: một đường nối các thị trấn mà tuyến đi qua, không phải hướng tuyến thực.',
  view: 'layer_roads',
  geometryType: 'LineString',
  properties: [
    {
      name: 'slug',
      type: 'string',
      description: 'Stable text identifier',
      title: { vi: 'Mã định danh', en: 'Identifier' },
    },
    {
      name: 'ref',
      type: 'string',
      description: 'Route number such as QL4B or ĐT341',
      filterable: true,
      sortable: true,
      title: { vi: 'Số hiệu', en: 'Route number' },
    },
    {
      name: 'name',
      type: 'string',
      description: 'Name',
      filterable: true,
      sortable: true,
      title: { vi: 'Tên', en: 'Name' },
    },
    {
      name: 'class',
      type: 'string',
      description: 'Road class',
      filterable: true,
      enum: ['expressway', 'national', 'provincial', 'district', 'commune', 'rural'],
      title: { vi: 'Cấp đường', en: 'Road class' },
      labels: {
        expressway: { vi: 'Cao tốc', en: 'Expressway' },
        national: { vi: 'Quốc lộ', en: 'National road' },
        provincial: { vi: 'Tỉnh lộ', en: 'Provincial road' },
        district: { vi: 'Đường huyện', en: 'District road' },
        commune: { vi: 'Đường xã', en: 'Commune road' },
        rural: { vi: 'Đường nông thôn', en: 'Rural road' },
      },
    },
    {
      name: 'via',
      type: 'string',
      description: 'Places the line is drawn through, in order',
      title: { vi: 'Đi qua', en: 'Via' },
    },
    ...precisionProperties,
  ],
  minzoom: 4,
  maxzoom: 16,
  tile: { simplify: true },
  style: {
    kind: 'line',
    color: '#636363',
    size: 2,
    label: 'name',
    colorBy: {
      property: 'class',
      colors: {
        expressway: '#cc5500',
        national: '#a63603',
        provincial: '#8c6d31',
        district: '#4d4d4d',
        commune: '#7b7b7b',
        rural: '#7b7b7b',
      },
    },
  },
  citationEntity: 'road',
  search: {
    name: 'name',
    kind: 'class',
    code: 'ref',
    select: sql`SELECT r.id, r.name, plain_text(concat_ws(' ', r.ref, r.name)) AS name_plain, r.class AS kind,
      'feature' AS level, r.ref AS code, ST_LineInterpolatePoint(r.geom, 0.5) AS point, NULL::date AS valid_to
      FROM roads r`,
  },
  importTarget: 'roads',
};
