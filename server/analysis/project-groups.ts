/**
 * How statistics group projects: the columns each `by` adds to a row, its
 * SQL (aliases from sources.ts `projectPlaceJoins`: `p`, `u0`, `pr`; `c` for
 * project_categories), and the order rows come in.
 */
import { type RawBuilder, sql } from 'kysely';

export interface Grouping {
  columns: readonly string[];
  select: RawBuilder<unknown>;
  groupBy: RawBuilder<unknown>;
}

export const GROUPINGS = {
  province: {
    columns: ['province_code', 'province'],
    select: sql`pr.code AS province_code, pr.name AS province`,
    groupBy: sql`pr.code, pr.name`,
  },
  commune: {
    // A programme spanning a district or a province is attached to that
    // unit: `unit_level` says so, and it is its own row.
    columns: ['commune_code', 'commune', 'unit_level', 'province_code', 'province'],
    select: sql`u0.code AS commune_code, u0.name AS commune, u0.level AS unit_level, pr.code AS province_code, pr.name AS province`,
    groupBy: sql`u0.id, u0.code, u0.name, u0.level, pr.code, pr.name`,
  },
  category: {
    columns: ['category', 'category_name_en', 'category_name_vi'],
    select: sql`p.category, c.name_en AS category_name_en, c.name_vi AS category_name_vi`,
    groupBy: sql`p.category, c.name_en, c.name_vi`,
  },
  year: {
    columns: ['year'],
    select: sql`p.start_year AS year`,
    groupBy: sql`p.start_year`,
  },
  funding: {
    columns: ['funding'],
    select: sql`p.funding`,
    groupBy: sql`p.funding`,
  },
} satisfies Record<string, Grouping>;

export type GroupBy = keyof typeof GROUPINGS;
export const GROUP_BYS = Object.keys(GROUPINGS) as GroupBy[];
