/**
 * Filters on projects shared by the statistics: years, category, status,
 * province. `from`/`to` bound the start year (the layer's time field), so a
 * project without a start year drops out once either is given.
 *
 *   readParams(z.object(projectFilterParams), { from: '2021', category: 'market' })
 *   // { from: 2021, category: 'market' } → WHERE p.start_year >= 2021 AND p.category = 'market'
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import { oneOf } from '../http/params.ts';
import { badRequest } from '../http/problem.ts';
import { CATEGORIES, STATUS } from '../layers/project-properties.ts';
import { shortText, year } from './params.ts';

export interface ProjectFilters {
  from?: number;
  to?: number;
  category?: (typeof CATEGORIES)[number];
  status?: (typeof STATUS)[number];
  /** As given: a province code or name; resolved by `resolveProvince`. */
  province?: string;
}

/** The filters' fields, spread into a report's declaration (then `checkYears`). */
export const projectFilterParams = {
  from: year('Projects starting in this year or later'),
  to: year('Projects starting in this year or earlier (not before `from`)'),
  category: oneOf(CATEGORIES, { description: 'Kind of investment' }),
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
  if (f.from !== undefined) parts.push(sql`p.start_year >= ${f.from}::int`);
  if (f.to !== undefined) parts.push(sql`p.start_year <= ${f.to}::int`);
  if (f.category) parts.push(sql`p.category = ${f.category}::text`);
  if (f.status) parts.push(sql`p.status = ${f.status}::text`);
  if (province) parts.push(sql`pr.id = ${province.id}::bigint`);
  return sql.join(parts, sql` AND `);
}

/** The filters as given back in an answer, absent ones left out, the province as resolved. */
export function filtersEcho(f: ProjectFilters, province?: Province): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (f.from !== undefined) out.from = f.from;
  if (f.to !== undefined) out.to = f.to;
  if (f.category) out.category = f.category;
  if (f.status) out.status = f.status;
  if (province) out.province = { code: province.code, name: province.name };
  return out;
}
