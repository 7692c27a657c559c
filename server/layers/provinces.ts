import { unitSearch } from './sql.ts';
import { geometryKindProperty, type LayerDef, precisionProperties, validFromProperty } from './types.ts';

export const provinces: LayerDef = {
  id: 'provinces',
  title: 'Provinces',
  title_vi: 'Tỉnh',
  description:
    'Provinces as of the 2025 reform (34 provinces). Boundary when one has been imported, otherwise the seat point (geometry_kind says which).',
  description_vi:
    'Tỉnh, thành phố theo sắp xếp năm 2025 (34 đơn vị). Ranh giới khi đã được nhập, nếu không thì điểm trụ sở (geometry_kind cho biết).',
  view: 'layer_provinces',
  geometryType: 'Geometry',
  properties: [
    {
      name: 'code',
      type: 'string',
      description: 'Official province code',
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
      description: 'Unit kind (tỉnh, thành phố)',
      title: { vi: 'Loại', en: 'Kind' },
    },
    geometryKindProperty,
    validFromProperty,
    ...precisionProperties,
  ],
  minzoom: 0,
  maxzoom: 14,
  tile: { simplify: true },
  style: { kind: 'fill', color: '#b9a77c', label: 'name' },
  citationEntity: 'admin_unit',
  search: {
    name: 'name',
    kind: 'kind',
    code: 'code',
    select: unitSearch('province'),
  },
  importTarget: 'provinces',
};
