/**
 * Vietnamese first, English second. Place names are never translated: they
 * keep their diacritics in both languages (Mường Nhà, not Muong Nha).
 *
 *   t('layers')                 // 'Lớp bản đồ' | 'Layers'
 *   valueLabel('category', 'market') // 'Chợ' | 'Market'
 */
export type Lang = 'vi' | 'en';

const vi = {
  title: 'Border Atlas',
  tagline: 'Hạ tầng và đầu tư vùng núi, biên giới, hải đảo',
  layers: 'Lớp bản đồ',
  filters: 'Bộ lọc',
  border: 'Biên giới',
  stats: 'Thống kê',
  search: 'Tìm địa danh',
  searchPlaceholder: 'Tìm xã, tỉnh, dự án… (có dấu hoặc không)',
  noResults: 'Không tìm thấy',
  until: 'đến',
  nowIn: 'nay là',
  formerly: 'gồm',
  inView: 'trong khung nhìn',
  category: 'Loại dự án',
  funding: 'Nguồn vốn',
  years: 'Năm',
  yearFrom: 'Từ năm',
  yearTo: 'Đến năm',
  minInvestment: 'Vốn tối thiểu (tỷ đồng)',
  clearFilters: 'Bỏ lọc',
  filteredHint: 'Bộ lọc áp dụng cho dự án, chợ, khu công nghiệp.',
  clusterHint: 'Ở mức thu phóng này các điểm được gộp nhóm; kết quả lọc được vẽ từ danh sách đã lọc.',
  distance: 'Khoảng cách tới biên giới',
  within: 'Trong phạm vi',
  off: 'Tắt',
  km: 'km',
  nearBorderTotal: '{n} đối tượng, tổng vốn {v}',
  loading: 'Đang tải…',
  unavailable: 'Chưa có dữ liệu: {e}',
  investmentByProvince: 'Vốn đầu tư theo tỉnh',
  investmentByCategory: 'Vốn đầu tư theo loại',
  investmentByBand: 'Vốn đầu tư theo khoảng cách tới biên giới',
  bnVnd: 'tỷ đồng',
  projectsCount: '{n} dự án',
  export: 'Xuất dữ liệu',
  exportGeojson: 'GeoJSON',
  exportCsv: 'CSV',
  exportHint: 'Xuất các dự án đang hiển thị (theo bộ lọc và khoảng cách).',
  exported: 'Đã xuất {n} đối tượng',
  investment: 'Vốn đầu tư',
  area: 'Diện tích',
  period: 'Thời gian',
  status: 'Trạng thái',
  commune: 'Xã, phường',
  province: 'Tỉnh',
  precision: 'Độ chính xác vị trí',
  sources: 'Nguồn',
  figures: 'Số liệu khác',
  details: 'Chi tiết',
  language: 'English',
  languageTitle: 'Switch to English',
  panel: 'Bảng điều khiển',
  close: 'Đóng',
  legendAll: 'Tất cả',
  qualifier_about: 'khoảng',
  qualifier_nearly: 'gần',
  qualifier_over: 'hơn',
  qualifier_exact: '',
  noData: 'Không có số liệu',
  total: 'Tổng',
  count: 'Số lượng',
};

type Key = keyof typeof vi;

const en: Record<Key, string> = {
  title: 'Border Atlas',
  tagline: 'Infrastructure and investment in mountain, border and island areas',
  layers: 'Layers',
  filters: 'Filters',
  border: 'Border',
  stats: 'Statistics',
  search: 'Search places',
  searchPlaceholder: 'Commune, province, project… (with or without accents)',
  noResults: 'Nothing found',
  until: 'until',
  nowIn: 'now',
  formerly: 'includes',
  inView: 'in view',
  category: 'Category',
  funding: 'Funding source',
  years: 'Years',
  yearFrom: 'From',
  yearTo: 'To',
  minInvestment: 'Minimum investment (bn VND)',
  clearFilters: 'Clear filters',
  filteredHint: 'Filters apply to projects, markets and industrial parks.',
  clusterHint: 'Points are grouped at this zoom; filtered results are drawn from the filtered list.',
  distance: 'Distance from the border',
  within: 'Within',
  off: 'Off',
  km: 'km',
  nearBorderTotal: '{n} features, {v} invested',
  loading: 'Loading…',
  unavailable: 'Not available: {e}',
  investmentByProvince: 'Investment by province',
  investmentByCategory: 'Investment by category',
  investmentByBand: 'Investment by distance from the border',
  bnVnd: 'bn VND',
  projectsCount: '{n} projects',
  export: 'Export',
  exportGeojson: 'GeoJSON',
  exportCsv: 'CSV',
  exportHint: 'Exports the projects shown (filters and distance applied).',
  exported: 'Exported {n} features',
  investment: 'Investment',
  area: 'Area',
  period: 'Period',
  status: 'Status',
  commune: 'Commune',
  province: 'Province',
  precision: 'Location precision',
  sources: 'Sources',
  figures: 'Other figures',
  details: 'Details',
  language: 'Tiếng Việt',
  languageTitle: 'Chuyển sang tiếng Việt',
  panel: 'Panel',
  close: 'Close',
  legendAll: 'All',
  qualifier_about: 'about',
  qualifier_nearly: 'nearly',
  qualifier_over: 'over',
  qualifier_exact: '',
  noData: 'No figures',
  total: 'Total',
  count: 'Count',
};

/** Labels of the registry's closed value lists (server/layers/project-properties.ts and friends). */
const values: Record<string, Record<string, [vi: string, en: string]>> = {
  category: {
    market: ['Chợ', 'Market'],
    industrial_park: ['Khu công nghiệp', 'Industrial park'],
    water_supply: ['Cấp nước', 'Water supply'],
    waste_treatment: ['Xử lý rác thải', 'Waste treatment'],
    school: ['Trường học', 'School'],
    irrigation: ['Thủy lợi', 'Irrigation'],
    road: ['Giao thông', 'Road'],
    electricity_grid: ['Lưới điện', 'Electricity grid'],
    tourism: ['Du lịch', 'Tourism'],
    housing: ['Nhà ở', 'Housing'],
    health: ['Y tế', 'Health'],
    bridge: ['Cầu', 'Bridge'],
    other: ['Khác', 'Other'],
  },
  funding: {
    state_budget: ['Ngân sách nhà nước', 'State budget'],
    non_budget: ['Ngoài ngân sách', 'Non-budget'],
    credit: ['Tín dụng', 'Credit'],
    socialised: ['Xã hội hóa', 'Socialised'],
    sponsor: ['Tài trợ', 'Sponsor'],
    mixed: ['Hỗn hợp', 'Mixed'],
  },
  status: {
    planned: ['Quy hoạch', 'Planned'],
    licensed: ['Đã cấp phép', 'Licensed'],
    under_construction: ['Đang xây dựng', 'Under construction'],
    completed: ['Hoàn thành', 'Completed'],
    operating: ['Đang hoạt động', 'Operating'],
  },
  precision: {
    surveyed: ['Khảo sát đo đạc', 'Surveyed'],
    approximate: ['Ước lượng', 'Approximate'],
    schematic: ['Sơ đồ (không theo hướng tuyến thật)', 'Schematic (not the real course)'],
  },
  neighbour: {
    CHN: ['Trung Quốc', 'China'],
    LAO: ['Lào', 'Laos'],
    KHM: ['Campuchia', 'Cambodia'],
  },
  class: {
    expressway: ['Cao tốc', 'Expressway'],
    national: ['Quốc lộ', 'National road'],
    provincial: ['Tỉnh lộ', 'Provincial road'],
    district: ['Đường huyện', 'District road'],
    commune: ['Đường xã', 'Commune road'],
    rural: ['Đường nông thôn', 'Rural road'],
  },
  kind: {
    international: ['Cửa khẩu quốc tế', 'International gate'],
    main: ['Cửa khẩu chính', 'Main gate'],
    secondary: ['Cửa khẩu phụ', 'Secondary gate'],
  },
};

/** Names of the registry's detail fields and of project figures, for the popup. */
const fields: Record<string, [vi: string, en: string]> = {
  kiosks: ['Số ki-ốt', 'Kiosks'],
  floors_min: ['Số tầng (ít nhất)', 'Floors (fewest)'],
  floors_max: ['Số tầng (nhiều nhất)', 'Floors (most)'],
  floor_area_m2: ['Diện tích sàn (m²)', 'Floor area (m²)'],
  hectares: ['Diện tích (ha)', 'Area (ha)'],
  phase: ['Giai đoạn', 'Phase'],
  phase_hectares: ['Diện tích giai đoạn (ha)', 'Phase area (ha)'],
  occupancy_pct: ['Tỷ lệ lấp đầy (%)', 'Occupancy (%)'],
  enterprises: ['Số doanh nghiệp', 'Enterprises'],
  enterprise_investment_bn_vnd: ['Vốn của doanh nghiệp (tỷ đồng)', "Enterprises' capital (bn VND)"],
  workers: ['Số lao động', 'Workers'],
  investor: ['Chủ đầu tư', 'Investor'],
  state_support_bn_vnd: ['Nhà nước hỗ trợ (tỷ đồng)', 'State support (bn VND)'],
  target_enterprises: ['Mục tiêu số doanh nghiệp', 'Target enterprises'],
  target_workers: ['Mục tiêu số lao động', 'Target workers'],
  levelled_pct: ['Đã san lấp (%)', 'Levelled (%)'],
  next_phase_hectares: ['Giai đoạn sau (ha)', 'Next phase (ha)'],
  ref: ['Số hiệu', 'Route number'],
  class: ['Cấp đường', 'Road class'],
  via: ['Đi qua', 'Via'],
  kind: ['Loại', 'Kind'],
  neighbour: ['Nước láng giềng', 'Neighbouring country'],
  code: ['Mã', 'Code'],
  part: ['Đoạn số', 'Piece'],
  length_km: ['Chiều dài (km)', 'Length (km)'],
  valid_from: ['Hiệu lực từ', 'Since'],
  people_served_min: ['Số người hưởng lợi (ít nhất)', 'People served (at least)'],
  villages: ['Số thôn, bản', 'Villages'],
  count: ['Số công trình', 'Count'],
  members: ['Số thành viên', 'Members'],
};

let lang: Lang = 'vi';
const listeners: (() => void)[] = [];

export function getLang(): Lang {
  return lang;
}

export function setLang(next: Lang): void {
  if (next === lang) return;
  lang = next;
  document.documentElement.lang = next;
  for (const f of listeners) f();
}

/** Runs `f` now and whenever the language changes. */
export function onLang(f: () => void): void {
  listeners.push(f);
  f();
}

export function t(key: Key, vars: Record<string, string | number> = {}): string {
  const s = (lang === 'vi' ? vi : en)[key];
  return s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

export function isKey(k: string): k is Key {
  return k in vi;
}

/** A human label for an enumerated value; the raw value when we have none. */
export function valueLabel(property: string, value: unknown): string {
  const pair = values[property]?.[String(value)];
  return pair ? pair[lang === 'vi' ? 0 : 1] : String(value);
}

/** A field's name in the page language; the raw name, spaced, when we have none. */
export function fieldLabel(key: string): string {
  const pair = fields[key];
  return pair ? pair[lang === 'vi' ? 0 : 1] : key.replace(/_/g, ' ');
}

export function knownValues(property: string): string[] {
  return Object.keys(values[property] ?? {});
}

/** Fills `[data-i18n]` text and `[data-i18n-placeholder|title|aria-label]` attributes. */
export function translateDom(root: ParentNode = document): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const k = el.dataset.i18n!;
    if (isKey(k)) el.textContent = t(k);
  }
  for (const attr of ['placeholder', 'title', 'aria-label'] as const) {
    for (const el of root.querySelectorAll<HTMLElement>(`[data-i18n-${attr}]`)) {
      const k = el.getAttribute(`data-i18n-${attr}`)!;
      if (isKey(k)) el.setAttribute(attr, t(k));
    }
  }
}
