/**
 * The project filters of the web map (categories, funding, years, minimum
 * investment, distance from the border) as the statistics and near-border
 * endpoints apply them: each answer counts exactly the projects a plain
 * reading of the projects table keeps with the same rule, and bad values are
 * 400s naming the parameter.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { useApp } from './helpers.ts';

const app = useApp();

interface Project {
  id: number;
  category: string;
  funding: string | null;
  start_year: number | null;
  end_year: number | null;
  investment_bn_vnd: number | null;
}
let projects: Project[] = [];

beforeAll(async () => {
  const { rows } = await sql<Project>`
    SELECT id::int, category, funding, start_year, end_year, investment_bn_vnd::float8 AS investment_bn_vnd
    FROM projects`.execute(app.database.db);
  projects = rows;
});

async function get(path: string): Promise<any> {
  const res = await fetch(`${app.base}${path}`);
  expect(res.status, path).toBe(200);
  return res.json();
}

/** The rule the web map applies (client/filters.ts), written again over the table's rows. */
function keep(
  p: Project,
  f: { category?: string[]; funding?: string[]; from?: number; to?: number; min?: number },
): boolean {
  if (f.category && !f.category.includes(p.category)) return false;
  if (f.funding && !f.funding.includes(p.funding ?? '')) return false;
  const start = p.start_year ?? p.end_year;
  const end = p.end_year ?? p.start_year;
  if (f.from !== undefined && (end === null || end < f.from)) return false;
  if (f.to !== undefined && (start === null || start > f.to)) return false;
  if (f.min !== undefined && (p.investment_bn_vnd === null || p.investment_bn_vnd < f.min)) return false;
  return true;
}

const cases: [string, Parameters<typeof keep>[1]][] = [
  ['category=market,industrial_park', { category: ['market', 'industrial_park'] }],
  ['funding=state_budget', { funding: ['state_budget'] }],
  ['funding=state_budget,mixed', { funding: ['state_budget', 'mixed'] }],
  ['from=2025', { from: 2025 }],
  ['to=2020', { to: 2020 }],
  ['from=2021&to=2023', { from: 2021, to: 2023 }],
  ['min_investment=100', { min: 100 }],
  ['min_investment=0', { min: 0 }],
  [
    'category=industrial_park&min_investment=300&from=2020',
    { category: ['industrial_park'], min: 300, from: 2020 },
  ],
];

describe('project filters on /api/stats/investment', () => {
  it('the seeded data has projects with an unknown investment and with only one year', () => {
    expect(projects.some((p) => p.investment_bn_vnd === null)).toBe(true);
    expect(projects.some((p) => p.start_year === null && p.end_year !== null)).toBe(true);
  });

  for (const [q, f] of cases) {
    it(`${q}: the count, the known figures and their sum are those of the projects the rule keeps`, async () => {
      const kept = projects.filter((p) => keep(p, f));
      const body = await get(`/api/stats/investment?by=category&${q}`);
      expect(body.totals.count).toBe(kept.length);
      const known = kept.filter((p) => p.investment_bn_vnd !== null);
      expect(body.totals.with_investment).toBe(known.length);
      expect(body.totals.investment_bn_vnd).toBeCloseTo(
        known.reduce((s, p) => s + p.investment_bn_vnd!, 0),
        3,
      );
      // Filters are echoed as they can be sent again.
      const again = await get(
        `/api/stats/investment?by=category&${new URLSearchParams(
          Object.entries(body.filters).map(([k, v]) => [k, String(v)]),
        )}`,
      );
      expect(again.totals).toEqual(body.totals);
    });
  }

  it('an unknown investment is counted apart, never as a figure of 0', async () => {
    const body = await get('/api/stats/investment?by=province');
    const unknown = projects.filter((p) => p.investment_bn_vnd === null).length;
    expect(body.totals.count - body.totals.with_investment).toBe(unknown);
  });
});

describe('the same filters on near-border and distance-bands', () => {
  it('near-border keeps the projects the rule keeps and every border gate', async () => {
    const all = await get('/api/analysis/near-border?km=50&layers=projects,border-gates');
    const q = 'category=industrial_park,market&from=2017';
    const some = await get(`/api/analysis/near-border?km=50&layers=projects,border-gates&${q}`);
    const rule = { category: ['industrial_park', 'market'], from: 2017 };
    const byId = new Map(projects.map((p) => [p.id, p]));
    const expected = all.features.filter(
      (f: any) => f.properties.layer !== 'projects' || keep(byId.get(f.properties.id)!, rule),
    );
    expect(some.features.map((f: any) => f.id)).toEqual(expected.map((f: any) => f.id));
    expect(some.totals.by_layer['border-gates']).toBe(all.totals.by_layer['border-gates']);
    expect(some.totals.projects).toBeLessThan(all.totals.projects);
    expect(some.parameters.filters).toEqual({ from: 2017, category: 'industrial_park,market' });
  });

  it('distance-bands with within_km holds what investment and near-border find within it', async () => {
    const q = 'funding=mixed,state_budget&within_km=20';
    const bands = await get(`/api/stats/distance-bands?bands=0,5,20,50,100&${q}`);
    const inv = await get(`/api/stats/investment?by=province&${q}`);
    const near = await get('/api/analysis/near-border?km=20&funding=mixed,state_budget');
    expect(bands.all_projects.count).toBe(inv.totals.count);
    expect(bands.totals.count).toBe(inv.totals.count);
    expect(near.totals.projects).toBe(inv.totals.count);
    expect(bands.all_projects.investment_bn_vnd).toBe(inv.totals.investment_bn_vnd);
    // Bands beyond 20 km are empty.
    for (const b of bands.totals_by_band) if (b.from_km >= 20) expect(b.count).toBe(0);
    expect(bands.filters.within_km).toBe(20);
  });

  it('within_km larger than the last edge: the bands still end at the last edge', async () => {
    const bands = await get('/api/stats/distance-bands?bands=0,5,20&within_km=60');
    const plain = await get('/api/stats/distance-bands?bands=0,5,20');
    expect(bands.totals).toEqual(plain.totals);
    const inv = await get('/api/stats/investment?by=province&within_km=60');
    expect(bands.all_projects.count).toBe(inv.totals.count);
  });
});

describe('bad filter values are 400s naming the parameter', () => {
  const bad: [string, string][] = [
    ['/api/stats/investment?min_investment=-1', 'min_investment'],
    ['/api/stats/investment?min_investment=abc', 'min_investment'],
    ['/api/stats/investment?min_investment=1e3', 'min_investment'],
    ['/api/stats/investment?min_investment=999999999999', 'min_investment'],
    ['/api/stats/investment?funding=gold', 'funding'],
    ['/api/stats/investment?category=market,casino', 'category'],
    ['/api/stats/distance-bands?within_km=-2', 'within_km'],
    ['/api/stats/distance-bands?min_investment=x', 'min_investment'],
    ['/api/analysis/near-border?category=casino', 'category'],
    ['/api/analysis/near-border?from=2025&to=2020', 'to'],
    ['/api/analysis/near-border?province=Atlantis', 'province'],
  ];
  for (const [path, parameter] of bad) {
    it(`${path} → 400 naming ${parameter}`, async () => {
      const res = await fetch(`${app.base}${path}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = await res.json();
      expect(body.parameter).toBe(parameter);
    });
  }
});
