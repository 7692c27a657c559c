/**
 * GET /api/stats/investment?by=province|commune|category|year|funding
 *     &from=2021&to=2025&category=market&status=completed&province=11&within_km=20
 *
 * Count and investment of projects per group, every kind of project once
 * (markets and industrial parks are projects). One query:
 *
 *   SELECT <group columns>, count(*), count(p.investment_bn_vnd), sum(p.investment_bn_vnd)
 *   FROM projects p JOIN admin_units … JOIN project_categories c …
 *   WHERE <filters> [AND p.id IN (SELECT id FROM nearest)]   -- within_km: border-distance.ts
 *   GROUP BY <group columns>
 *
 * `count` counts every project, `with_investment` those with a figure, and
 * `investment_bn_vnd` sums those figures (billion VND, exact in numeric).
 */
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/types.ts';
import { type Input, oneOf, readParams } from '../http/params.ts';
import { nearestBorderCtes } from './border-distance.ts';
import { checkYears, km } from './params.ts';
import {
  filterSql,
  filtersEcho,
  type ProjectFilters,
  projectFilterParams,
  resolveProvince,
} from './project-filters.ts';
import { GROUP_BYS, GROUPINGS, type GroupBy } from './project-groups.ts';
import type { Report } from './report.ts';
import { pointSource, projectPlaceJoins } from './sources.ts';
import { addUp, type Sums } from './sums.ts';
import { analysisQuery } from './transaction.ts';

export interface InvestmentParams extends ProjectFilters {
  by: GroupBy;
  within_km?: number;
}

export interface InvestmentResult {
  by: GroupBy;
  filters: Record<string, unknown>;
  rows: (Record<string, unknown> & Sums)[];
  totals: Sums;
}

export const investmentParams = z.object({
  by: oneOf(GROUP_BYS, { description: 'How rows are grouped', default: 'province' }),
  ...projectFilterParams,
  within_km: km('Only projects within this distance of the land border, km'),
});

export function parseInvestment(input: Input): InvestmentParams {
  const p = readParams(investmentParams, input);
  checkYears(p);
  return p;
}

export async function investment(db: Kysely<DB>, p: InvestmentParams): Promise<InvestmentResult> {
  const province = p.province ? await resolveProvince(db, p.province) : undefined;
  const g = GROUPINGS[p.by];
  const near =
    p.within_km === undefined
      ? null
      : nearestBorderCtes({ sources: [pointSource('projects')], metres: p.within_km * 1000 });
  const order = p.by === 'year' ? sql`p.start_year NULLS LAST` : sql`investment_bn_vnd DESC, count DESC, 1`;
  const rows = await analysisQuery(
    db,
    sql<Record<string, unknown> & Sums>`
      ${near ? sql`WITH ${near}` : sql``}
      SELECT ${g.select}, count(*)::int AS count, count(p.investment_bn_vnd)::int AS with_investment,
             COALESCE(sum(p.investment_bn_vnd), 0)::float8 AS investment_bn_vnd
      FROM projects p ${projectPlaceJoins}
      JOIN project_categories c ON c.id = p.category
      WHERE ${filterSql(p, province)} ${near ? sql`AND p.id IN (SELECT id FROM nearest)` : sql``}
      GROUP BY ${g.groupBy}
      ORDER BY ${order}`,
  );
  const filters = filtersEcho(p, province);
  if (p.within_km !== undefined) filters.within_km = p.within_km;
  return { by: p.by, filters, rows, totals: addUp(rows) };
}

export const investmentReport: Report<InvestmentParams, InvestmentResult> = {
  name: 'investment',
  path: '/api/stats/investment',
  summary: 'Count and investment of projects by province, commune, category, start year or funding source',
  params: investmentParams,
  parse: parseInvestment,
  run: investment,
  json: (r) => r,
  table: (r) => ({
    columns: [...GROUPINGS[r.by].columns, 'count', 'with_investment', 'investment_bn_vnd'],
    rows: r.rows,
  }),
};
