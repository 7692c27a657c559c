import { projectProperties } from './project-properties.ts';
import type { LayerDef } from './types.ts';

export const industrialParks: LayerDef = {
  id: 'industrial-parks',
  title: 'Industrial parks',
  title_vi: 'Khu công nghiệp',
  description:
    'Industrial parks (a kind of investment project) with area, phase, occupancy, enterprises and workers.',
  view: 'layer_industrial_parks',
  geometryType: 'Point',
  properties: [
    ...projectProperties,
    { name: 'hectares', type: 'number', description: 'Total area, ha', filterable: true, sortable: true },
    { name: 'phase', type: 'string', description: 'Phase the figures refer to' },
    { name: 'phase_hectares', type: 'number', description: 'Area of that phase, ha' },
    {
      name: 'occupancy_pct',
      type: 'number',
      description: 'Occupancy rate, %',
      filterable: true,
      sortable: true,
    },
    { name: 'enterprises', type: 'integer', description: 'Enterprises operating', sortable: true },
    { name: 'workers', type: 'integer', description: 'Workers employed', sortable: true },
    { name: 'investor', type: 'string', description: 'Infrastructure investor', filterable: true },
    {
      name: 'enterprise_investment_bn_vnd',
      type: 'number',
      description: "Secondary enterprises' capital, billion VND",
    },
    { name: 'state_support_bn_vnd', type: 'number', description: 'State capital support, billion VND' },
    { name: 'target_enterprises', type: 'integer', description: 'Enterprises expected when operating' },
    { name: 'target_workers', type: 'integer', description: 'Jobs expected when operating' },
    { name: 'levelled_pct', type: 'number', description: 'Share of the site levelled so far, %' },
    { name: 'next_phase_hectares', type: 'number', description: 'Area of the next phase, ha' },
  ],
  timeField: 'start_year',
  minzoom: 0,
  maxzoom: 16,
  tile: { simplify: false },
  style: { kind: 'circle', color: '#7570b3', size: 7, label: 'name' },
};
