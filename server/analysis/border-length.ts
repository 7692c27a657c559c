/**
 * GET /api/stats/border-length?by=province|commune[&<project filters>&within_km=20]
 *
 * The projects counted in each unit (and their density and investment) pass
 * the same project filters as the other statistics (project-filters.ts, but
 * `province`), and `within_km` as /api/stats/investment: the web map's
 * choropleth sends the page's filters. The border lengths and areas do not
 * depend on them.
 *
 * Land-border length per current unit that has a boundary polygon, per
 * neighbour, with the unit's area, its projects, and their density per km².
 *
 * Unit polygons and the border come from different sources and never line
 * up exactly (the border is cut from the countries layer; boundaries come
 * from an import): intersecting them would drop every stretch where the
 * border runs a few metres outside the commune polygon. So the border is cut
 * into pieces of at most PIECE_M metres, and each piece goes to the unit
 * nearest its midpoint, if that unit is within about TOLERANCE_M (the test
 * is in degrees scaled by cos φ, so up to 6 % generous north-south: it only
 * decides membership; lengths are geodesic, on geography). Pieces farther
 * from every polygon are reported as `unassigned_km`.
 *
 *   units ─ ST_Subdivide(64) ─(GiST on border_segments, ST_DWithin)─▶ segments near each part
 *   border_segments ─ ST_Segmentize(geography, 250 m) ─ ST_DumpSegments ─ midpoints ─┘
 *        ─▶ nearest unit per piece ─▶ within tolerance? ─▶ sum per unit and neighbour
 *
 * Driving from (subdivided) units to nearby segments, not from 27,000 pieces
 * to a KNN over whole polygons: the first version, a KNN per piece, took
 * 5.7 s for the 34 benchmark provinces and over 30 s on three polygons a
 * third of Vietnam each.
 */
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/types.ts';
import { type Input, oneOf, readParams } from '../http/params.ts';
import { nearestBorderCtes } from './border-distance.ts';
import { checkYears, km } from './params.ts';
import { filterSql, filtersEcho, type ProjectFilters, projectFilterParams } from './project-filters.ts';
import type { Report } from './report.ts';
import { pointSource } from './sources.ts';
import { analysisQuery } from './transaction.ts';

export const borderLengthDefaults = {
  PIECE_M: 250, // longest piece of border assigned to one unit, metres
  TOLERANCE_M: 2000, // farthest a piece may lie from its unit's polygon, metres
};

export const LENGTH_BYS = ['province', 'commune'] as const;
export type LengthBy = (typeof LENGTH_BYS)[number];

export interface BorderLengthRow {
  code: string | null;
  name: string;
  province_code: string | null;
  province: string | null;
  border_km: number;
  border_km_chn: number;
  border_km_lao: number;
  border_km_khm: number;
  area_km2: number;
  projects: number;
  investment_bn_vnd: number;
  projects_per_km2: number;
}

export interface BorderLengthResult {
  by: LengthBy;
  rows: BorderLengthRow[];
  /** Border length per neighbour: all of it, the part assigned to a listed unit, and the rest. */
  border: { neighbour: string; total_km: number; assigned_km: number; unassigned_km: number }[];
  units_with_boundary: number;
  /** The project filters given, as in /api/stats/investment (absent when none). */
  filters?: Record<string, unknown>;
  explanation?: string;
}

const COLUMNS = [
  'code',
  'name',
  'province_code',
  'province',
  'border_km',
  'border_km_chn',
  'border_km_lao',
  'border_km_khm',
  'area_km2',
  'projects',
  'investment_bn_vnd',
  'projects_per_km2',
] as const;

const { province: _province, ...projectFilters } = projectFilterParams;

export const borderLengthParams = z.object({
  by: oneOf(LENGTH_BYS, { description: 'How rows are grouped', default: 'province' }),
  ...projectFilters,
  within_km: km('Count only projects within this distance of the land border, km'),
});

export interface BorderLengthParams extends Omit<ProjectFilters, 'province'> {
  by: LengthBy;
  within_km?: number;
}

export function parseBorderLength(input: Input): BorderLengthParams {
  const p = readParams(borderLengthParams, input);
  checkYears(p);
  return p;
}

export async function borderLength(db: Kysely<DB>, p: BorderLengthParams): Promise<BorderLengthResult> {
  const { PIECE_M, TOLERANCE_M } = borderLengthDefaults;
  const near =
    p.within_km === undefined
      ? null
      : nearestBorderCtes({ sources: [pointSource('projects')], metres: p.within_km * 1000 });
  const unitFilter = sql`u.level = ${p.by}::text AND u.valid_to IS NULL AND u.boundary IS NOT NULL`;
  const rows = await analysisQuery(
    db,
    sql<{ kind: 'unit' | 'border' } & Record<string, any>>`
      WITH ${near ? sql`${near},` : sql``} units AS MATERIALIZED (SELECT u.id, u.boundary FROM admin_units u WHERE ${unitFilter}),
      -- Units cut into parts of at most 64 vertices, so that measuring a
      -- piece against a province does not walk its thousands of vertices.
      unit_parts AS MATERIALIZED (SELECT u.id AS unit_id, ST_Subdivide(u.boundary, 64) AS geom FROM units u),
      pieces AS MATERIALIZED (
        SELECT row_number() OVER () AS piece_id, s.id AS seg_id, s.neighbour::text AS neighbour,
               ST_Length(d.geom::geography) AS length_m, ST_LineInterpolatePoint(d.geom, 0.5) AS mid
        FROM border_segments s
        CROSS JOIN LATERAL ST_DumpSegments(ST_Segmentize(s.geom::geography, ${PIECE_M}::float8)::geometry) d
      ),
      -- Segments near each unit part, through the GiST index on
      -- border_segments; the radius in degrees is wide enough for TOLERANCE_M
      -- at any latitude of the border (Vietnam's is below 24° N).
      near_parts AS (
        SELECT p.unit_id, p.geom, s.id AS seg_id
        FROM unit_parts p JOIN border_segments s
          ON ST_DWithin(s.geom, p.geom, ${TOLERANCE_M}::float8 / (111319 * cos(radians(24))))
      ),
      -- Each piece's distance to each unit part near its segment, in degrees, for ranking.
      scored AS (
        SELECT pc.piece_id, n.unit_id, ST_Distance(n.geom, pc.mid) AS deg
        FROM near_parts n JOIN pieces pc ON pc.seg_id = n.seg_id
      ),
      best_unit AS (SELECT DISTINCT ON (piece_id) piece_id, unit_id, deg FROM scored ORDER BY piece_id, deg, unit_id),
      assigned AS (
        SELECT pc.neighbour, pc.length_m,
               CASE WHEN b.deg * 111319 * cos(radians(ST_Y(pc.mid))) <= ${TOLERANCE_M}::float8 THEN b.unit_id END AS unit_id
        FROM pieces pc LEFT JOIN best_unit b ON b.piece_id = pc.piece_id
      ),
      per_unit AS (
        SELECT unit_id, sum(length_m) AS border_m,
               sum(length_m) FILTER (WHERE neighbour = 'CHN') AS chn_m,
               sum(length_m) FILTER (WHERE neighbour = 'LAO') AS lao_m,
               sum(length_m) FILTER (WHERE neighbour = 'KHM') AS khm_m
        FROM assigned WHERE unit_id IS NOT NULL GROUP BY unit_id
      ),
      inside AS (
        SELECT pu.unit_id, count(p.id) AS projects, COALESCE(sum(p.investment_bn_vnd), 0) AS investment
        FROM per_unit pu JOIN admin_units u ON u.id = pu.unit_id
        LEFT JOIN projects p ON ST_Intersects(u.boundary, p.geom) AND ${filterSql(p)}
          ${near ? sql`AND p.id IN (SELECT id FROM nearest)` : sql``}
        GROUP BY pu.unit_id
      ),
      unit_rows AS (
        SELECT 'unit'::text AS kind, u.code, u.name,
               CASE 'province' WHEN u.level THEN u.code WHEN u1.level THEN u1.code WHEN u2.level THEN u2.code END AS province_code,
               CASE 'province' WHEN u.level THEN u.name WHEN u1.level THEN u1.name WHEN u2.level THEN u2.name END AS province,
               round((pu.border_m / 1000)::numeric, 3)::float8 AS border_km,
               round((COALESCE(pu.chn_m, 0) / 1000)::numeric, 3)::float8 AS border_km_chn,
               round((COALESCE(pu.lao_m, 0) / 1000)::numeric, 3)::float8 AS border_km_lao,
               round((COALESCE(pu.khm_m, 0) / 1000)::numeric, 3)::float8 AS border_km_khm,
               round((ST_Area(u.boundary::geography) / 1e6)::numeric, 3)::float8 AS area_km2,
               i.projects::int AS projects, i.investment::float8 AS investment_bn_vnd,
               NULL::text AS neighbour, NULL::float8 AS total_km, NULL::float8 AS assigned_km,
               NULL::int AS units_with_boundary
        FROM per_unit pu JOIN admin_units u ON u.id = pu.unit_id JOIN inside i ON i.unit_id = pu.unit_id
        LEFT JOIN admin_units u1 ON u1.id = u.parent_id
        LEFT JOIN admin_units u2 ON u2.id = u1.parent_id
      ),
      border_rows AS (
        SELECT 'border'::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::float8, NULL::float8,
               NULL::float8, NULL::float8, NULL::float8, NULL::int, NULL::float8, neighbour,
               round((sum(length_m) / 1000)::numeric, 3)::float8,
               round((COALESCE(sum(length_m) FILTER (WHERE unit_id IS NOT NULL), 0) / 1000)::numeric, 3)::float8,
               (SELECT count(*) FROM admin_units u WHERE ${unitFilter})::int
        FROM assigned GROUP BY neighbour
      )
      SELECT * FROM unit_rows UNION ALL SELECT * FROM border_rows
      ORDER BY kind DESC, border_km DESC NULLS LAST, neighbour`,
  );
  const units = rows
    .filter((r) => r.kind === 'unit')
    .map((r) => {
      const out = {} as Record<string, unknown>;
      for (const c of COLUMNS) out[c] = r[c];
      out.projects_per_km2 = r.area_km2 > 0 ? Math.round((r.projects / r.area_km2) * 1e4) / 1e4 : 0;
      return out as unknown as BorderLengthRow;
    });
  const borderRows = rows.filter((r) => r.kind === 'border');
  const border = borderRows.map((r) => ({
    neighbour: r.neighbour as string,
    total_km: r.total_km as number,
    assigned_km: (r.assigned_km ?? 0) as number,
    unassigned_km: Math.round((r.total_km - (r.assigned_km ?? 0)) * 1000) / 1000,
  }));
  const withBoundary = (borderRows[0]?.units_with_boundary as number | undefined) ?? 0;
  const result: BorderLengthResult = { by: p.by, rows: units, border, units_with_boundary: withBoundary };
  const filters = filtersEcho(p);
  if (p.within_km !== undefined) filters.within_km = p.within_km;
  if (Object.keys(filters).length) result.filters = filters;
  if (withBoundary === 0) {
    result.explanation = `No current ${p.by} has a boundary polygon yet, so no border length can be attributed. The seeded data places units by their seat only; boundaries come from an import of administrative polygons.`;
  } else if (units.length === 0) {
    result.explanation = `None of the ${withBoundary} current ${p.by} boundaries lies within ${TOLERANCE_M} m of the land border.`;
  }
  return result;
}

export const borderLengthReport: Report<BorderLengthParams, BorderLengthResult> = {
  name: 'border-length',
  path: '/api/stats/border-length',
  summary:
    'Land-border length per province or commune and neighbour, with area, projects and density per km²',
  params: borderLengthParams,
  parse: parseBorderLength,
  run: borderLength,
  json: (r) => r,
  table: (r) => ({ columns: COLUMNS, rows: r.rows as never }),
};
