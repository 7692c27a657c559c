/**
 * Filters on projects shared by the statistics and the near-border analysis:
 * years, categories, funding sources, minimum investment, status, province;
 * the web map's filter panel sends the same ones (client/filters.ts
 * `toQuery`), so the map, its statistics and its border list count alike.
 * `from`/`to` bound the start year (the layer's time field), so a project
 * without a start year drops out once either is given; `min_investment`
 * keeps only projects whose article gives a figure of at least that much
 * (an unknown investment is not zero: it never passes a minimum).
 *
 *   readParams(z.object(projectFilterParams), { from: '2021', category: 'market,school' })
 *   // { from: 2021, category: ['market', 'school'], funding: [] }
 *   //   → WHERE COALESCE(p.end_year, p.start_year) >= 2021 AND p.category = ANY('{market,school}')
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import { listOf, oneOf } from '../http/params.ts';
import { badRequest } from '../http/problem.ts';
import { CATEGORIES, FUNDING, STATUS } from '../layers/project-properties.ts';
import { amount, shortText, year } from './params.ts';

export interface ProjectFilters {
  from?: number;
  to?: number;
  /** Any of these categories; empty or absent = every category. */
  category?: (typeof CATEGORIES)[number][];
  /** Any of these funding sources; empty or absent = every source. */
  funding?: (typeof FUNDING)[number][];
  /** At least this investment, billion VND (projects without a figure drop out). */
  min_investment?: number;
  status?: (typeof STATUS)[number];
  /** As given: a province code or name; resolved by `resolveProvince`. */
  province?: string;
}

/** The filters' fields, spread into a report's declaration (then `checkYears`). */
export const projectFilterParams = {
  from: year('Projects whose period [start_year, end_year] reaches this year or later'),
  to: year('Projects whose period starts in this year or earlier (not before `from`)'),
  category: listOf(CATEGORIES, {
    description: 'Kinds of investment, comma-separated (any of them)',
    default: [],
    example: 'market,school',
  }),
  funding: listOf(FUNDING, {
    description: 'Funding sources, comma-separated (any of them)',
    default: [],
    example: 'state_budget',
  }),
  min_investment: amount(
    'Only projects whose investment is known and at least this much, billion VND (0: known investment)',
  ),
  status: oneOf(STATUS, { description: 'Stage of the project' }),
  province: shortText('A current province, by code or name (accents optional)', 100, 'Điện Biên'),
};

export interface Province {
  id: number;
  code: string | null;
  name: string;
}

/**
 * The current province named by code (`11`) or name (`Điện Biên`, `dien bien`);
 * a 400 naming `province` when there is none.
 */
export async function resolveProvince(db: Kysely<DB>, given: string): Promise<Province> {
  const { rows } = await sql<Province>`
    SELECT id, code, name FROM admin_units
    WHERE level = 'province' AND valid_to IS NULL AND (code = ${given} OR name_plain = plain_text(${given}))
    ORDER BY code = ${given} DESC LIMIT 1`.execute(db);
  if (!rows[0])
    throw badRequest('province', 'the code or name of a current province (e.g. 11 or Điện Biên)', given);
  return rows[0];
}

/** The WHERE conditions (alias `p` for projects, `pr` for its province), joined by AND; `TRUE` when none. */
export function filterSql(f: ProjectFilters, province?: Province): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`TRUE`];
  // The period meets [from, to]: it ends no earlier than `from` and starts no later than `to`.
  if (f.from !== undefined) parts.push(sql`COALESCE(p.end_year, p.start_year) >= ${f.from}::int`);
  if (f.to !== undefined) parts.push(sql`COALESCE(p.start_year, p.end_year) <= ${f.to}::int`);
  if (f.category?.length) parts.push(sql`p.category = ANY(${f.category}::text[])`);
  if (f.funding?.length) parts.push(sql`p.funding = ANY(${f.funding}::text[])`);
  if (f.min_investment !== undefined) parts.push(sql`p.investment_bn_vnd >= ${f.min_investment}::numeric`);
  if (f.status) parts.push(sql`p.status = ${f.status}::text`);
  if (province) parts.push(sql`pr.id = ${province.id}::bigint`);
  return sql.join(parts, sql` AND `);
}

/** The filters as given back in an answer, absent ones left out, the province as resolved. */
export function filtersEcho(f: ProjectFilters, province?: Province): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (f.from !== undefined) out.from = f.from;
  if (f.to !== undefined) out.to = f.to;
  // Lists as the parameter spells them ("market,school"): an answer's filters can be sent again.
  if (f.category?.length) out.category = f.category.join(',');
  if (f.funding?.length) out.funding = f.funding.join(',');
  if (f.min_investment !== undefined) out.min_investment = f.min_investment;
  if (f.status) out.status = f.status;
  if (province) out.province = { code: province.code, name: province.name };
  return out;
}
