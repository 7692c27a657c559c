/**
 * GET /api/stats/distance-bands?bands=0,5,20,50&by=province|category&neighbour=LAO
 *     (&from, to, category, funding, min_investment, status, province, within_km
 *      as in /api/stats/investment)
 *
 * Projects counted and summed per band of distance from the land border
 * (and per group). Edges are km; bands are [e0, e1), [e1, e2), …, and the
 * last one includes its upper edge, so the bands together hold exactly what
 * near-border?km=<last edge> returns:
 *
 *   0 ──[ band 1 )── 5 ──[ band 2 )── 20 ──[ band 3 ]── 50 ── beyond_last_edge ──▶
 *   (nearer_than_first_edge only when the first edge is above 0)
 *
 * `rows` and `totals_by_band` add up to `totals` (what lies within the last
 * edge). Projects farther than the last edge are not in any row: they are
 * counted in `beyond_last_edge`, and `all_projects` is everything matching the
 * filters (= totals + beyond + nearer). One query: border-distance.ts up to
 * the last edge, width_bucket over the edges, GROUP BY band and group, plus
 * one row for all projects.
 *
 * `within_km` (the web map's border slider) keeps only projects within that
 * distance, in the bands and in `all_projects` alike: a band beyond it is
 * empty, and one it cuts holds only what lies inside.
 */
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/types.ts';
import { type Input, oneOf, readParams } from '../http/params.ts';
import { nearestBorderCtes } from './border-distance.ts';
import { bands, checkYears, km, NEIGHBOURS, type Neighbour } from './params.ts';
import {
  filterSql,
  filtersEcho,
  type ProjectFilters,
  projectFilterParams,
  resolveProvince,
} from './project-filters.ts';
import { GROUPINGS } from './project-groups.ts';
import type { Report } from './report.ts';
import { pointSource, projectPlaceJoins } from './sources.ts';
import { addUp, type Sums } from './sums.ts';
import { analysisQuery } from './transaction.ts';

export const BAND_BYS = ['none', 'province', 'category'] as const;
export type BandBy = (typeof BAND_BYS)[number];
export const DEFAULT_BANDS = '0,5,20,50';

export interface BandsParams extends ProjectFilters {
  bands: number[];
  by: BandBy;
  neighbour?: Neighbour;
  within_km?: number;
}

export interface Band {
  band: string;
  from_km: number;
  to_km: number;
}

export interface BandsResult {
  bands_km: number[];
  by: BandBy;
  neighbour: Neighbour | null;
  filters: Record<string, unknown>;
  rows: (Band & Record<string, unknown> & Sums)[];
  totals_by_band: (Band & Sums)[];
  totals: Sums;
  nearer_than_first_edge: Sums;
  beyond_last_edge: Sums & { from_km: number };
  all_projects: Sums;
}

export const bandsParams = z.object({
  bands: bands(
    'Band edges in km, 2 to 20, strictly increasing: 0,5,20,50 means [0,5), [5,20), [20,50]',
    DEFAULT_BANDS,
  ),
  by: oneOf(BAND_BYS, { description: 'How rows are grouped', default: 'none' }),
  neighbour: oneOf(NEIGHBOURS, { description: 'Only the border with this country (ISO 3166 alpha-3)' }),
  ...projectFilterParams,
  within_km: km('Only projects within this distance of the land border, km'),
});

export function parseBands(input: Input): BandsParams {
  const p = readParams(bandsParams, input);
  checkYears(p);
  return p;
}

function bandOf(edges: readonly number[], i: number): Band {
  const from = edges[i - 1]!;
  const to = edges[i]!;
  return { band: `${from}–${to} km`, from_km: from, to_km: to };
}

export async function distanceBands(db: Kysely<DB>, p: BandsParams): Promise<BandsResult> {
  const province = p.province ? await resolveProvince(db, p.province) : undefined;
  const edges = p.bands;
  const last = edges[edges.length - 1]!;
  const g = p.by === 'none' ? null : GROUPINGS[p.by];
  const within = p.within_km === undefined ? null : p.within_km * 1000;
  const ctes = nearestBorderCtes({
    sources: [pointSource('projects')],
    metres: Math.max(last, p.within_km ?? 0) * 1000,
    neighbour: p.neighbour,
  });
  const edgesM = edges.map((e) => e * 1000);
  // width_bucket: 0 below the first edge, i in [e(i-1), e(i)), n at or past the last edge,
  // which only a distance equal to it reaches here: it belongs to the last band.
  const rows = await analysisQuery(
    db,
    sql<Record<string, unknown> & Sums & { band_no: number }>`
      WITH ${ctes},
      base AS (
        SELECT p.id, p.investment_bn_vnd ${g ? sql`, ${g.select}` : sql``}
        FROM projects p ${projectPlaceJoins} JOIN project_categories c ON c.id = p.category
        WHERE ${filterSql(p, province)}
        ${within === null ? sql`` : sql`AND p.id IN (SELECT id FROM nearest WHERE distance_m <= ${within}::float8)`}
      )
      SELECT LEAST(width_bucket(n.distance_m, ${edgesM}::float8[]), ${edges.length - 1}::int) AS band_no
             ${g ? sql`, ${sql.join(g.columns.map((c) => sql.ref(`b.${c}`)))}` : sql``},
             count(*)::int AS count, count(b.investment_bn_vnd)::int AS with_investment,
             COALESCE(sum(b.investment_bn_vnd), 0)::float8 AS investment_bn_vnd
      FROM base b JOIN nearest n ON n.id = b.id
      WHERE n.distance_m <= ${last * 1000}::float8
      GROUP BY 1 ${g ? sql`, ${sql.join(g.columns.map((c) => sql.ref(`b.${c}`)))}` : sql``}
      UNION ALL
      SELECT -1 ${g ? sql`, ${sql.join(g.columns.map(() => sql`NULL`))}` : sql``},
             count(*)::int, count(b.investment_bn_vnd)::int, COALESCE(sum(b.investment_bn_vnd), 0)::float8
      FROM base b
      ORDER BY 1, ${g ? sql`${sql.ref('investment_bn_vnd')} DESC, ${sql.ref('count')} DESC` : sql`2`}`,
  );
  const zero: Sums = { count: 0, with_investment: 0, investment_bn_vnd: 0 };
  const all = rows.find((r) => r.band_no === -1) ?? zero;
  const inBands = rows.filter((r) => r.band_no >= 1);
  const nearer = addUp(rows.filter((r) => r.band_no === 0));
  const out = inBands.map(({ band_no, ...r }) => ({ ...bandOf(edges, band_no), ...r }));
  const totalsByBand = edges.slice(1).map((_, i) => ({
    ...bandOf(edges, i + 1),
    ...addUp(inBands.filter((r) => r.band_no === i + 1)),
  }));
  const totals = addUp(totalsByBand);
  const allSums: Sums = {
    count: all.count,
    with_investment: all.with_investment,
    investment_bn_vnd: all.investment_bn_vnd,
  };
  const beyond: Sums = {
    count: allSums.count - totals.count - nearer.count,
    with_investment: allSums.with_investment - totals.with_investment - nearer.with_investment,
    investment_bn_vnd:
      Math.round((allSums.investment_bn_vnd - totals.investment_bn_vnd - nearer.investment_bn_vnd) * 1000) /
      1000,
  };
  const filters = filtersEcho(p, province);
  if (p.within_km !== undefined) filters.within_km = p.within_km;
  return {
    bands_km: edges,
    by: p.by,
    neighbour: p.neighbour ?? null,
    filters,
    rows: out,
    totals_by_band: totalsByBand,
    totals,
    nearer_than_first_edge: edges[0]! > 0 ? nearer : zero,
    beyond_last_edge: { from_km: last, ...beyond },
    all_projects: allSums,
  };
}

export const distanceBandsReport: Report<BandsParams, BandsResult> = {
  name: 'distance-bands',
  path: '/api/stats/distance-bands',
  summary:
    'Count and investment of projects per band of distance from the land border, by province or category',
  params: bandsParams,
  parse: parseBands,
  run: distanceBands,
  json: (r) => r,
  table: (r) => ({
    columns: [
      'band',
      'from_km',
      'to_km',
      ...(r.by === 'none' ? [] : GROUPINGS[r.by].columns),
      'count',
      'with_investment',
      'investment_bn_vnd',
    ],
    rows: r.rows,
  }),
};
