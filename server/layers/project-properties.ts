/**
 * What the projects layer and its kinds (markets, industrial parks) share:
 * properties, value labels, and how the analysis and search read them.
 */
import { type RawBuilder, sql } from 'kysely';
import { placeColumns, placeProperties, projectPlaceJoins } from './sql.ts';
import type { AnalysisSource, Label, LayerProperty, LayerSearch } from './types.ts';
import { precisionProperties } from './types.ts';

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

const CATEGORY_LABELS: Record<(typeof CATEGORIES)[number], Label> = {
  market: { vi: 'Chợ', en: 'Market' },
  industrial_park: { vi: 'Khu công nghiệp', en: 'Industrial park' },
  water_supply: { vi: 'Cấp nước', en: 'Water supply' },
  waste_treatment: { vi: 'Xử lý rác thải', en: 'Waste treatment' },
  school: { vi: 'Trường học', en: 'School' },
  irrigation: { vi: 'Thủy lợi', en: 'Irrigation' },
  road: { vi: 'Giao thông', en: 'Road' },
  electricity_grid: { vi: 'Lưới điện', en: 'Electricity grid' },
  tourism: { vi: 'Du lịch', en: 'Tourism' },
  housing: { vi: 'Nhà ở', en: 'Housing' },
  health: { vi: 'Y tế', en: 'Health' },
  bridge: { vi: 'Cầu', en: 'Bridge' },
  other: { vi: 'Khác', en: 'Other' },
};
const FUNDING_LABELS: Record<(typeof FUNDING)[number], Label> = {
  state_budget: { vi: 'Ngân sách nhà nước', en: 'State budget' },
  non_budget: { vi: 'Ngoài ngân sách', en: 'Non-budget' },
  credit: { vi: 'Tín dụng', en: 'Credit' },
  socialised: { vi: 'Xã hội hóa', en: 'Socialised' },
  sponsor: { vi: 'Tài trợ', en: 'Sponsor' },
  mixed: { vi: 'Hỗn hợp', en: 'Mixed' },
};
const STATUS_LABELS: Record<(typeof STATUS)[number], Label> = {
  planned: { vi: 'Quy hoạch', en: 'Planned' },
  licensed: { vi: 'Đã cấp phép', en: 'Licensed' },
  under_construction: { vi: 'Đang xây dựng', en: 'Under construction' },
  completed: { vi: 'Hoàn thành', en: 'Completed' },
  operating: { vi: 'Đang hoạt động', en: 'Operating' },
};
/** How a figure is qualified: written before it ("khoảng 12 tỷ đồng"); exact says nothing. */
const QUALIFIER_LABELS: Record<(typeof QUALIFIERS)[number], Label> = {
  exact: { vi: '', en: '' },
  about: { vi: 'khoảng', en: 'about' },
  nearly: { vi: 'gần', en: 'nearly' },
  over: { vi: 'hơn', en: 'over' },
};

export const projectProperties: readonly LayerProperty[] = [
  {
    name: 'slug',
    type: 'string',
    description: 'Stable text identifier',
    title: { vi: 'Mã định danh', en: 'Identifier' },
  },
  {
    name: 'name',
    type: 'string',
    description: 'Name (Vietnamese)',
    filterable: true,
    sortable: true,
    title: { vi: 'Tên', en: 'Name' },
  },
  {
    name: 'name_en',
    type: 'string',
    description: 'Name (English)',
    title: { vi: 'Tên tiếng Anh', en: 'English name' },
  },
  {
    name: 'category',
    type: 'string',
    description: 'Kind of investment',
    filterable: true,
    sortable: true,
    enum: CATEGORIES,
    title: { vi: 'Loại dự án', en: 'Category' },
    labels: CATEGORY_LABELS,
  },
  {
    name: 'investment_bn_vnd',
    type: 'number',
    description: 'Total investment, billion VND (see investment_qualifier)',
    filterable: true,
    sortable: true,
    title: { vi: 'Vốn đầu tư', en: 'Investment' },
  },
  {
    name: 'investment_qualifier',
    type: 'string',
    description: 'How the source states the figure: exact, about, nearly, over',
    enum: QUALIFIERS,
    labels: QUALIFIER_LABELS,
    title: { vi: 'Cách nêu số vốn', en: 'How the figure is stated' },
  },
  {
    name: 'funding',
    type: 'string',
    description: 'Source of funds',
    filterable: true,
    enum: FUNDING,
    title: { vi: 'Nguồn vốn', en: 'Funding source' },
    labels: FUNDING_LABELS,
  },
  {
    name: 'start_year',
    type: 'integer',
    description: 'Year work started or the period began',
    filterable: true,
    sortable: true,
    title: { vi: 'Năm bắt đầu', en: 'Start year' },
  },
  {
    name: 'end_year',
    type: 'integer',
    description: 'Year completed or the period ended',
    filterable: true,
    sortable: true,
    title: { vi: 'Năm kết thúc', en: 'End year' },
  },
  {
    name: 'status',
    type: 'string',
    description: 'Stage',
    filterable: true,
    enum: STATUS,
    title: { vi: 'Trạng thái', en: 'Status' },
    labels: STATUS_LABELS,
  },
  {
    name: 'area_m2',
    type: 'number',
    description: 'Site area, m²',
    sortable: true,
    title: { vi: 'Diện tích', en: 'Area' },
  },
  {
    name: 'commune',
    type: 'string',
    description: '2025 commune (or larger unit) it lies in',
    filterable: true,
    title: { vi: 'Xã, phường', en: 'Commune' },
  },
  {
    name: 'commune_code',
    type: 'string',
    description: 'Code of that unit',
    filterable: true,
    title: { vi: 'Mã xã', en: 'Commune code' },
  },
  {
    name: 'province',
    type: 'string',
    description: 'Province',
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
  ...precisionProperties,
];

/**
 * The rows of `projects` a layer shows: all of them, or one category with
 * its details row (the same filter as the layer's view).
 */
function projectRows(kind?: { category: string; details: string }): RawBuilder<unknown> {
  return kind
    ? sql`projects p WHERE p.category = ${kind.category}
        AND EXISTS (SELECT 1 FROM ${sql.table(kind.details)} d WHERE d.project_id = p.id)`
    : sql`projects p`;
}

/** How the analysis reads the projects of a layer. */
export function projectAnalysis(kind?: { category: string; details: string }): AnalysisSource {
  return {
    select: sql`SELECT p.id, p.name, p.geom FROM ${projectRows(kind)}`,
    rows: sql`SELECT p.id, p.name, p.category, p.investment_bn_vnd::float8 AS investment_bn_vnd,
      p.investment_qualifier, p.status, p.start_year, p.end_year, ${placeColumns}
      FROM projects p ${projectPlaceJoins}`,
    properties: [
      'name',
      'category',
      'investment_bn_vnd',
      'investment_qualifier',
      'status',
      'start_year',
      'end_year',
      ...placeProperties,
    ],
    investment: true,
  };
}

/** How a place search finds the projects of a layer. */
export function projectSearch(kind?: { category: string; details: string }): LayerSearch {
  return {
    name: 'name',
    kind: 'category',
    select: sql`SELECT p.id, p.name, p.name_plain, p.category AS kind, 'feature' AS level, NULL::text AS code,
      p.geom AS point, NULL::date AS valid_to FROM ${projectRows(kind)}`,
  };
}
