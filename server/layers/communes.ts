import { unitSearch } from './sql.ts';
import { geometryKindProperty, type LayerDef, precisionProperties, validFromProperty } from './types.ts';

export const communes: LayerDef = {
  id: 'communes',
  title: 'Communes',
  title_vi: 'Xã, phường',
  description:
    'Communes and wards as of 1 July 2025 (districts abolished, communes merged). Boundary when imported, otherwise the seat point.',
  description_vi: 'Xã, phường theo sắp xếp năm 2025. Ranh giới khi đã được nhập, nếu không thì điểm trụ sở.',
  view: 'layer_communes',
  geometryType: 'Geometry',
  properties: [
    {
      name: 'code',
      type: 'string',
      description: 'Official commune code',
      filterable: true,
      sortable: true,
      title: { vi: 'Mã', en: 'Code' },
    },
    {
      name: 'name',
      type: 'string',
      description: 'Vietnamese name',
      filterable: true,
      sortable: true,
      title: { vi: 'Tên', en: 'Name' },
    },
    {
      name: 'kind',
      type: 'string',
      description: 'Unit kind (xã, phường, đặc khu)',
      filterable: true,
      title: { vi: 'Loại', en: 'Kind' },
    },
    {
      name: 'province',
      type: 'string',
      description: 'Province name',
      filterable: true,
      sortable: true,
      title: { vi: 'Tỉnh', en: 'Province' },
    },
    {
      name: 'province_code',
      type: 'string',
      description: 'Province code',
      filterable: true,
      title: { vi: 'Mã tỉnh', en: 'Province code' },
    },
    geometryKindProperty,
    validFromProperty,
    ...precisionProperties,
  ],
  minzoom: 5,
  maxzoom: 14,
  tile: { simplify: true },
  style: { kind: 'fill', color: '#8da0cb', label: 'name' },
  citationEntity: 'admin_unit',
  search: {
    name: 'name',
    kind: 'kind',
    code: 'code',
    select: unitSearch('commune'),
  },
  importTarget: 'communes',
};
