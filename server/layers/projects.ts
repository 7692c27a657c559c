import { projectAnalysis, projectProperties, projectSearch } from './project-properties.ts';
import type { LayerDef } from './types.ts';

export const projects: LayerDef = {
  id: 'projects',
  title: 'Investment projects',
  title_vi: 'Dự án đầu tư',
  description:
    'Every investment named in the articles (markets, industrial parks, water, waste, schools, irrigation, roads, grid, tourism, housing...), with its figures and sources.',
  description_vi:
    'Mọi dự án đầu tư được nêu trong bài viết (chợ, khu công nghiệp, cấp nước, rác thải, trường học, thủy lợi, giao thông, lưới điện, du lịch, nhà ở…), với số liệu và nguồn.',
  view: 'layer_projects',
  geometryType: 'Point',
  properties: projectProperties,
  timeField: 'start_year',
  minzoom: 0,
  maxzoom: 16,
  tile: { simplify: false, clusterBelowZoom: 8 },
  style: {
    kind: 'circle',
    color: '#1b9e77',
    size: 5,
    label: 'name',
    colorBy: {
      property: 'category',
      colors: {
        market: '#e7298a',
        industrial_park: '#7570b3',
        water_supply: '#1f78b4',
        waste_treatment: '#6a3d9a',
        school: '#ff7f00',
        irrigation: '#a6cee3',
        road: '#666666',
        electricity_grid: '#ffd92f',
        tourism: '#33a02c',
        housing: '#b15928',
        health: '#e31a1c',
        bridge: '#999999',
        other: '#1b9e77',
      },
    },
  },
  citationEntity: 'project',
  analysis: projectAnalysis(),
  search: projectSearch(),
  importTarget: 'projects',
};
