import { projectAnalysis, projectProperties, projectSearch } from './project-properties.ts';
import type { LayerDef } from './types.ts';

const INDUSTRIAL_PARKS = { category: 'industrial_park', details: 'industrial_park_details' };

export const industrialParks: LayerDef = {
  id: 'industrial-parks',
  title: 'Industrial parks',
  title_vi: 'Khu công nghiệp',
  description:
    'Industrial parks (a kind of investment project) with area, phase, occupancy, enterprises and workers.',
  description_vi:
    'Khu công nghiệp (một loại dự án đầu tư) với diện tích, tỷ lệ lấp đầy, doanh nghiệp và lao động.',
  view: 'layer_industrial_parks',
  geometryType: 'Point',
  properties: [
    ...projectProperties,
    {
      name: 'hectares',
      type: 'number',
      description: 'Total area, ha',
      filterable: true,
      sortable: true,
      title: { vi: 'Diện tích (ha)', en: 'Area (ha)' },
    },
    {
      name: 'phase',
      type: 'string',
      description: 'Phase the figures refer to',
      title: { vi: 'Giai đoạn', en: 'Phase' },
    },
    {
      name: 'phase_hectares',
      type: 'number',
      description: 'Area of that phase, ha',
      title: { vi: 'Diện tích giai đoạn (ha)', en: 'Phase area (ha)' },
    },
    {
      name: 'occupancy_pct',
      type: 'number',
      description: 'Occupancy rate, %',
      filterable: true,
      sortable: true,
      title: { vi: 'Tỷ lệ lấp đầy (%)', en: 'Occupancy (%)' },
    },
    {
      name: 'enterprises',
      type: 'integer',
      description: 'Enterprises operating',
      sortable: true,
      title: { vi: 'Số doanh nghiệp', en: 'Enterprises' },
    },
    {
      name: 'workers',
      type: 'integer',
      description: 'Workers employed',
      sortable: true,
      title: { vi: 'Số lao động', en: 'Workers' },
    },
    {
      name: 'investor',
      type: 'string',
      description: 'Infrastructure investor',
      filterable: true,
      title: { vi: 'Chủ đầu tư', en: 'Investor' },
    },
    {
      name: 'enterprise_investment_bn_vnd',
      type: 'number',
      description: "Secondary enterprises' capital, billion VND",
      title: { vi: 'Vốn của doanh nghiệp (tỷ đồng)', en: "Enterprises' capital (bn VND)" },
    },
    {
      name: 'state_support_bn_vnd',
      type: 'number',
      description: 'State capital support, billion VND',
      title: { vi: 'Nhà nước hỗ trợ (tỷ đồng)', en: 'State support (bn VND)' },
    },
    {
      name: 'target_enterprises',
      type: 'integer',
      description: 'Enterprises expected when operating',
      title: { vi: 'Mục tiêu số doanh nghiệp', en: 'Target enterprises' },
    },
    {
      name: 'target_workers',
      type: 'integer',
      description: 'Jobs expected when operating',
      title: { vi: 'Mục tiêu số lao động', en: 'Target workers' },
    },
    {
      name: 'levelled_pct',
      type: 'number',
      description: 'Share of the site levelled so far, %',
      title: { vi: 'Đã san lấp (%)', en: 'Levelled (%)' },
    },
    {
      name: 'next_phase_hectares',
      type: 'number',
      description: 'Area of the next phase, ha',
      title: { vi: 'Giai đoạn sau (ha)', en: 'Next phase (ha)' },
    },
  ],
  timeField: 'start_year',
  minzoom: 0,
  maxzoom: 16,
  tile: { simplify: false },
  style: { kind: 'circle', color: '#6a51a3', size: 7, label: 'name' },
  citationEntity: 'project',
  analysis: projectAnalysis(INDUSTRIAL_PARKS),
  search: projectSearch(INDUSTRIAL_PARKS),
  importTarget: 'projects',
};
