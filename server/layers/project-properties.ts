/** Properties shared by the projects layer and its kinds (markets, industrial parks). */
import { type LayerProperty, precisionProperties } from './types.ts';

export const CATEGORIES = [
  'market',
  'industrial_park',
  'water_supply',
  'waste_treatment',
  'school',
  'irrigation',
  'road',
  'electricity_grid',
  'tourism',
  'housing',
  'health',
  'bridge',
  'other',
] as const;
export const FUNDING = ['state_budget', 'non_budget', 'credit', 'socialised', 'sponsor', 'mixed'] as const;
export const STATUS = ['planned', 'licensed', 'under_construction', 'completed', 'operating'] as const;
export const QUALIFIERS = ['exact', 'about', 'nearly', 'over'] as const;

export const projectProperties: readonly LayerProperty[] = [
  { name: 'slug', type: 'string', description: 'Stable text identifier' },
  { name: 'name', type: 'string', description: 'Name (Vietnamese)', filterable: true, sortable: true },
  { name: 'name_en', type: 'string', description: 'Name (English)' },
  {
    name: 'category',
    type: 'string',
    description: 'Kind of investment',
    filterable: true,
    sortable: true,
    enum: CATEGORIES,
  },
  {
    name: 'investment_bn_vnd',
    type: 'number',
    description: 'Total investment, billion VND (see investment_qualifier)',
    filterable: true,
    sortable: true,
  },
  {
    name: 'investment_qualifier',
    type: 'string',
    description: 'How the source states the figure: exact, about, nearly, over',
    enum: QUALIFIERS,
  },
  { name: 'funding', type: 'string', description: 'Source of funds', filterable: true, enum: FUNDING },
  {
    name: 'start_year',
    type: 'integer',
    description: 'Year work started or the period began',
    filterable: true,
    sortable: true,
  },
  {
    name: 'end_year',
    type: 'integer',
    description: 'Year completed or the period ended',
    filterable: true,
    sortable: true,
  },
  { name: 'status', type: 'string', description: 'Stage', filterable: true, enum: STATUS },
  { name: 'area_m2', type: 'number', description: 'Site area, m²', sortable: true },
  {
    name: 'commune',
    type: 'string',
    description: '2025 commune (or larger unit) it lies in',
    filterable: true,
  },
  { name: 'commune_code', type: 'string', description: 'Code of that unit', filterable: true },
  { name: 'province', type: 'string', description: 'Province', filterable: true, sortable: true },
  { name: 'province_code', type: 'string', description: 'Province code', filterable: true },
  ...precisionProperties,
];
