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
 *
 * By province or commune, rows are the units in force on a day (today, or
 * `at`/`era`): the query sums per recorded unit (a project's unit and the
 * unit its article named), and unit-groups.ts places each of those on that day
 * (server/gazetteer/rollup.ts). A unit split between several units of that
 * day is one row of its own (`split`, `split_between`), never counted under
 * each; a row fed by units of before the day lists them (`from`); with
 * `at`, each row says what its unit became (`to`, the units of today).
 */
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/types.ts';
import { day } from '../gazetteer/route.ts';
import { type Input, oneOf, readParams } from '../http/params.ts';
import { badRequest } from '../http/problem.ts';
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
import { placeRows, UNIT_COLUMNS, type UnitGroupBy, unitTableRows } from './unit-groups.ts';

export const ERAS = ['2025', 'before-2025'] as const;
/** The last day of the units before the 2025 reform. */
export const BEFORE_2025 = '2025-06-30';

export interface InvestmentParams extends ProjectFilters {
  by: GroupBy;
  within_km?: number;
  /** Group by the units in force on this day (by province or commune); default today. */
  at?: string;
  era?: (typeof ERAS)[number];
}

export interface InvestmentResult {
  by: GroupBy;
  /** The day whose units the rows are, when asked for (`at`, or `era=before-2025`: 2025-06-30). */
  at?: string;
  filters: Record<string, unknown>;
  rows: (Record<string, unknown> & Sums)[];
  totals: Sums;
}

export const investmentParams = z.object({
  by: oneOf(GROUP_BYS, { description: 'How rows are grouped', default: 'province' }),
  ...projectFilterParams,
  within_km: km('Only projects within this distance of the land border, km'),
  at: day(
    'With by=province or by=commune: group by the units in force on this day (2024-01-01: before the 2025 reform); default today',
  ),
  era: oneOf(ERAS, {
    description:
      'With by=province or by=commune: the units of 2025 (default) or of before the 2025 reform (as at=2025-06-30)',
  }),
});

export function parseInvestment(input: Input): InvestmentParams {
  const p = readParams(investmentParams, input);
  checkYears(p);
  for (const name of ['at', 'era'] as const) {
    if (p[name] !== undefined && p.by !== 'province' && p.by !== 'commune')
      throw badRequest(name, 'given only with by=province or by=commune', String(p[name]));
  }
  if (p.at !== undefined && p.era !== undefined)
    throw badRequest('era', 'absent when at is given (at or era, not both)', p.era);
  return p;
}

/** The day whose units rows are, as asked (undefined: today). */
function askedDay(p: InvestmentParams): string | undefined {
  return p.era === 'before-2025' ? BEFORE_2025 : p.at;
}

export async function investment(db: Kysely<DB>, p: InvestmentParams): Promise<InvestmentResult> {
  const province = p.province ? await resolveProvince(db, p.province) : undefined;
  const g = GROUPINGS[p.by];
  const near =
    p.within_km === undefined
      ? null
      : nearestBorderCtes({ sources: [pointSource('projects')], metres: p.within_km * 1000 });
  const filters = filtersEcho(p, province);
  if (p.within_km !== undefined) filters.within_km = p.within_km;
  if (p.by === 'province' || p.by === 'commune') {
    const recorded = await analysisQuery(
      db,
      sql<{ unit_id: number; as_named_id: number | null } & Sums>`
        ${near ? sql`WITH ${near}` : sql``}
        SELECT p.unit_id::int AS unit_id, p.unit_as_named_id::int AS as_named_id, count(*)::int AS count,
               count(p.investment_bn_vnd)::int AS with_investment,
               COALESCE(sum(p.investment_bn_vnd), 0)::float8 AS investment_bn_vnd
        FROM projects p ${projectPlaceJoins}
        WHERE ${filterSql(p, province)} ${near ? sql`AND p.id IN (SELECT id FROM nearest)` : sql``}
        GROUP BY p.unit_id, p.unit_as_named_id`,
    );
    const at = askedDay(p);
    const rows = await placeRows(db, recorded, p.by, at);
    return { by: p.by, ...(at ? { at } : {}), filters, rows, totals: addUp(rows) };
  }
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
    columns: [
      ...(r.by === 'province' || r.by === 'commune'
        ? UNIT_COLUMNS[r.by as UnitGroupBy](r.at !== undefined)
        : GROUPINGS[r.by].columns),
      'count',
      'with_investment',
      'investment_bn_vnd',
    ],
    rows: r.by === 'province' || r.by === 'commune' ? unitTableRows(r.rows) : r.rows,
  }),
};
