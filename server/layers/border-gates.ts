import { sql } from 'kysely';
import { placeColumns, placeProperties, projectPlaceJoins } from './sql.ts';
import { type LayerDef, neighbourProperty, precisionProperties } from './types.ts';

export const borderGates: LayerDef = {
  id: 'border-gates',
  title: 'Border gates',
  title_vi: 'Cửa khẩu',
  description: 'Border gates named in the articles, with their rank and neighbouring country.',
  description_vi: 'Các cửa khẩu được nêu trong bài viết, với cấp cửa khẩu và nước láng giềng.',
  view: 'layer_border_gates',
  geometryType: 'Point',
  properties: [
    {
      name: 'slug',
      type: 'string',
      description: 'Stable text identifier',
      title: { vi: 'Mã định danh', en: 'Identifier' },
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
      name: 'name_en',
      type: 'string',
      description: 'English name',
      title: { vi: 'Tên tiếng Anh', en: 'English name' },
    },
    {
      name: 'kind',
      type: 'string',
      description: 'Rank of the gate',
      filterable: true,
      enum: ['international', 'main', 'secondary'],
      title: { vi: 'Loại', en: 'Kind' },
      labels: {
        international: { vi: 'Cửa khẩu quốc tế', en: 'International gate' },
        main: { vi: 'Cửa khẩu chính', en: 'Main gate' },
        secondary: { vi: 'Cửa khẩu phụ', en: 'Secondary gate' },
      },
    },
    { ...neighbourProperty, description: 'ISO3 of the country across' },
    {
      name: 'commune',
      type: 'string',
      description: '2025 commune it lies in',
      filterable: true,
      title: { vi: 'Xã, phường', en: 'Commune' },
    },
    {
      name: 'commune_code',
      type: 'string',
      description: 'Code of that commune',
      filterable: true,
      title: { vi: 'Mã xã', en: 'Commune code' },
    },
    ...precisionProperties,
  ],
  minzoom: 0,
  maxzoom: 16,
  tile: { simplify: false },
  style: { kind: 'circle', color: '#e41a1c', size: 6, label: 'name' },
  citationEntity: 'border_gate',
  analysis: {
    select: sql`SELECT g.id, g.name, g.geom FROM border_gates g`,
    // The province is not a property of the layer, but near-border names it.
    rows: sql`SELECT p.id, p.name, p.kind, ${placeColumns} FROM border_gates p ${projectPlaceJoins}`,
    properties: ['name', 'kind', ...placeProperties],
  },
  search: {
    name: 'name',
    kind: 'kind',
    select: sql`SELECT g.id, g.name, g.name_plain, g.kind, 'feature' AS level, NULL::text AS code,
      g.geom AS point, NULL::date AS valid_to FROM border_gates g`,
  },
  importTarget: 'border-gates',
};
