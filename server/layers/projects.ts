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
    color: '#7777aa',
    size: 5,
    label: 'name',
    colorBy: {
      property: 'category',
      colors: {
        market: '#c51b7d',
        industrial_park: '#6a51a3',
        water_supply: '#2166ac',
        waste_treatment: '#aa6611',
        school: '#053061',
        irrigation: '#0088bb',
        road: '#1a1a1a',
        electricity_grid: '#737300',
        tourism: '#3f7f1b',
        housing: '#7a0177',
        health: '#01665e',
        bridge: '#543005',
        other: '#7777aa',
      },
    },
  },
  citationEntity: 'project',
  analysis: projectAnalysis(),
  search: projectSearch(),
  importTarget: 'projects',
};
