/**
 * Example answers for the OpenAPI document, from real calls on the seeded
 * data (arrays cut to their first item). Regenerate by calling the
 * endpoints named above each one.
 */

/** GET /api/analysis/near-border?km=5&layers=projects,markets&neighbour=LAO */
export const nearBorder = {
  type: 'FeatureCollection',
  parameters: {
    km: 5,
    layers: ['projects'],
    neighbour: 'LAO',
  },
  totals: {
    count: 4,
    projects: 4,
    with_investment: 0,
    investment_bn_vnd: 0,
    by_layer: {
      projects: 4,
    },
    by_neighbour: {
      LAO: 4,
    },
  },
  features: [
    {
      type: 'Feature',
      id: 'projects.24',
      geometry: {
        type: 'Point',
        coordinates: [102.9086],
      },
      properties: {
        layer: 'projects',
        id: 24,
        name: 'Hoàn thiện hạ tầng cửa khẩu quốc tế Tây Trang',
        category: 'other',
        kind: null,
        investment_bn_vnd: null,
        investment_qualifier: null,
        status: null,
        start_year: null,
        end_year: null,
        commune: 'Sam Mứn',
        commune_code: '03356',
        province: 'Điện Biên',
        province_code: '11',
        precision: 'approximate',
        uncertainty_m: 3000,
        distance_km: 0.065,
        neighbour: 'LAO',
        border_segment_id: 180,
      },
    },
  ],
};

/** GET /api/stats/distance-bands?bands=0,5,20,50&by=province */
export const distanceBands = {
  bands_km: [0],
  by: 'province',
  neighbour: null,
  filters: {},
  rows: [
    {
      band: '0–5 km',
      from_km: 0,
      to_km: 5,
      province_code: '11',
      province: 'Điện Biên',
      count: 4,
      with_investment: 0,
      investment_bn_vnd: 0,
    },
  ],
  totals_by_band: [
    {
      band: '0–5 km',
      from_km: 0,
      to_km: 5,
      count: 6,
      with_investment: 0,
      investment_bn_vnd: 0,
    },
  ],
  totals: {
    count: 33,
    with_investment: 8,
    investment_bn_vnd: 1609.91,
  },
  nearer_than_first_edge: {
    count: 0,
    with_investment: 0,
    investment_bn_vnd: 0,
  },
  beyond_last_edge: {
    from_km: 50,
    count: 0,
    with_investment: 0,
    investment_bn_vnd: 0,
  },
  all_projects: {
    count: 33,
    with_investment: 8,
    investment_bn_vnd: 1609.91,
  },
};

/** GET /api/stats/investment?by=category&from=2021&to=2025 */
export const investment = {
  by: 'category',
  filters: {
    from: 2021,
    to: 2025,
  },
  rows: [
    {
      category: 'industrial_park',
      category_name_en: 'Industrial park',
      category_name_vi: 'Khu công nghiệp',
      count: 2,
      with_investment: 2,
      investment_bn_vnd: 1100,
    },
  ],
  totals: {
    count: 5,
    with_investment: 2,
    investment_bn_vnd: 1100,
  },
};

/** GET /api/stats/border-length?by=commune (seeded data: no boundaries yet) */
export const borderLength = {
  by: 'commune',
  rows: [],
  border: [
    {
      neighbour: 'CHN',
      total_km: 1332.654,
      assigned_km: 0,
      unassigned_km: 1332.654,
    },
  ],
  units_with_boundary: 0,
  explanation:
    'No current commune has a boundary polygon yet, so no border length can be attributed. The seeded data places units by their seat only; boundaries come from an import of administrative polygons.',
};

/** GET /api/stats/accessibility?province=11 */
export const accessibility = {
  filters: {
    province: {
      code: '11',
      name: 'Điện Biên',
    },
  },
  rows: [
    {
      code: '03158',
      name: 'Sín Thầu',
      province_code: '11',
      province: 'Điện Biên',
      from: 'seat',
      market_id: 1,
      market: 'Chợ Kim Sơn',
      market_km: 408.286,
      industrial_park_id: 28,
      industrial_park: 'Khu công nghiệp Nam Sơn',
      industrial_park_km: 527.694,
      border_gate_id: 3,
      border_gate: 'Cửa khẩu A Pa Chải',
      border_gate_km: 14.78,
      road_id: 6,
      road: 'Tuyến Quảng Lâm – Na Cô Sa',
      road_km: 52.039,
    },
  ],
};

/** GET /api/units/02701/indicators */
export const indicators = {
  unit: {
    code: '02701',
    slug: 'xa-y-ty',
    name: 'Y Tý',
    kind: 'xã',
    level: 'commune',
    valid_from: '2025-07-01',
    valid_to: null,
    province: {
      code: '15',
      name: 'Lào Cai',
    },
  },
  predecessors: [
    {
      code: '02701',
      slug: 'xa-y-ty-bat-xat',
      name: 'Y Tý',
      kind: 'xã',
      level: 'commune',
      valid_to: '2025-06-30',
    },
  ],
  successors: [],
  indicators: [
    {
      indicator: 'poverty_rate_pct',
      name_en: 'Poverty rate',
      name_vi: 'Tỷ lệ hộ nghèo',
      unit_of_measure: 'percent',
      values: [
        {
          year: 2021,
          period_start: null,
          period_end: null,
          value: 50.79,
          qualifier: 'exact',
          programme: 'NTP sustainable poverty reduction',
          note: null,
          reported_for: {
            code: '02701',
            slug: 'xa-y-ty-bat-xat',
            name: 'Y Tý',
            kind: 'xã',
            level: 'commune',
            valid_to: '2025-06-30',
          },
          sources: [
            {
              id: 'art-lao-cai-ntp-quality',
              title:
                'Lào Cai national target programmes: Mường Khương rural roads, Gia Phú smart village, Y Tý poverty reduction',
              publisher: 'Báo Lào Cai',
              url: 'https://baolaocai.vn/nang-cao-chat-luong-va-tinh-ben-vung-cua-cac-chuong-trinh-muc-tieu-quoc-gia-post403088.html',
            },
          ],
        },
      ],
    },
  ],
};
