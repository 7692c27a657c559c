/**
 * GET /api/stats/accessibility?province=11   (&f=geojson: the communes' points with the same figures)
 *
 * For every current commune: the nearest market, industrial park, border
 * gate and road, each with its geodesic distance in km. A commune is measured
 * from its seat (the commune centre) when known, else from a point inside its
 * boundary (`from` says which; `lon`, `lat` give the point).
 *
 * Each nearest feature is found by KNN (`ORDER BY geom <-> point LIMIT k` on
 * the GiST index), then the k candidates are measured on the spheroid and the
 * closest kept. Degrees are only the index's order: around 20° N a degree of
 * longitude is 6 % shorter than one of latitude, so the first by `<->` may
 * not be the nearest on the ground; the true nearest is among the first
 * CANDIDATES unless that many features sit within a 6 % wider ring.
 *
 *   communes ─ LATERAL (markets ORDER BY geom <-> pt LIMIT 8) ─ min geodesic ─┐
 *            ─ LATERAL (industrial parks …) ─ LATERAL (border gates …) ─ LATERAL (roads …)
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/types.ts';
import { type Input, readParams } from '../http/params.ts';
import { shortText } from './params.ts';
import { type Province, resolveProvince } from './project-filters.ts';
import type { Report } from './report.ts';
import { pointSource } from './sources.ts';
import { analysisQuery } from './transaction.ts';

export const CANDIDATES = 8;

const TARGETS = ['market', 'industrial_park', 'border_gate', 'road'] as const;

export interface AccessibilityRow {
  code: string | null;
  name: string;
  province_code: string | null;
  province: string | null;
  from: 'seat' | 'boundary';
  lon: number;
  lat: number;
  market_id: number | null;
  market: string | null;
  market_km: number | null;
  industrial_park_id: number | null;
  industrial_park: string | null;
  industrial_park_km: number | null;
  border_gate_id: number | null;
  border_gate: string | null;
  border_gate_km: number | null;
  road_id: number | null;
  road: string | null;
  road_km: number | null;
}

export interface AccessibilityResult {
  filters: Record<string, unknown>;
  rows: AccessibilityRow[];
}

const COLUMNS = [
  'code',
  'name',
  'province_code',
  'province',
  'from',
  'lon',
  'lat',
  ...TARGETS.flatMap((t) => [`${t}_id`, t, `${t}_km`]),
] as const;

/** The nearest row of `source` (alias `t`, with id, name, geom) to `c.pt`, as a LATERAL subquery. */
function nearest(source: RawBuilder<unknown>, alias: string): RawBuilder<unknown> {
  return sql`
    LEFT JOIN LATERAL (
      SELECT k.id, k.name, k.d FROM (
        SELECT t.id, t.name, ST_Distance(t.geom::geography, c.pt::geography) AS d
        FROM (${source}) t ORDER BY t.geom <-> c.pt LIMIT ${sql.lit(CANDIDATES)}
      ) k ORDER BY k.d, k.id LIMIT 1
    ) ${sql.id(alias)} ON TRUE`;
}

export async function accessibility(
  db: Kysely<DB>,
  p: { province?: string },
  progress?: (m: string) => void,
): Promise<AccessibilityResult> {
  const province: Province | undefined = p.province ? await resolveProvince(db, p.province) : undefined;
  progress?.('measuring from every commune to its nearest market, industrial park, border gate and road…');
  const km = (alias: string) => sql`round((${sql.ref(`${alias}.d`)} / 1000)::numeric, 3)::float8`;
  const rows = await analysisQuery(
    db,
    sql<AccessibilityRow>`
      WITH c AS MATERIALIZED (
        SELECT u.id, u.code, u.name, pr.code AS province_code, pr.name AS province,
               COALESCE(u.seat, ST_PointOnSurface(u.boundary)) AS pt,
               CASE WHEN u.seat IS NULL THEN 'boundary' ELSE 'seat' END AS "from"
        FROM admin_units u LEFT JOIN admin_units pr ON pr.id = u.parent_id AND pr.level = 'province'
        WHERE u.level = 'commune' AND u.valid_to IS NULL AND COALESCE(u.seat, u.boundary) IS NOT NULL
          ${province ? sql`AND u.parent_id = ${province.id}::bigint` : sql``}
      )
      SELECT c.code, c.name, c.province_code, c.province, c."from", ST_X(c.pt) AS lon, ST_Y(c.pt) AS lat,
             m.id AS market_id, m.name AS market, ${km('m')} AS market_km,
             ip.id AS industrial_park_id, ip.name AS industrial_park, ${km('ip')} AS industrial_park_km,
             g.id AS border_gate_id, g.name AS border_gate, ${km('g')} AS border_gate_km,
             r.id AS road_id, concat_ws(' ', r.ref, r.name) AS road, ${km('r0')} AS road_km
      FROM c
      ${nearest(pointSource('markets').select, 'm')}
      ${nearest(pointSource('industrial-parks').select, 'ip')}
      ${nearest(pointSource('border-gates').select, 'g')}
      ${nearest(sql`SELECT id, name, geom FROM roads`, 'r0')}
      LEFT JOIN roads r ON r.id = r0.id
      ORDER BY c.province_code, c.code, c.name`,
  );
  for (const r of rows) if (r.road === '') r.road = null;
  return { filters: province ? { province: { code: province.code, name: province.name } } : {}, rows };
}

export const accessibilityParams = z.object({
  province: shortText('A current province, by code or name (accents optional)', 100, 'Điện Biên'),
});

export const accessibilityReport: Report<{ province?: string }, AccessibilityResult> = {
  name: 'accessibility',
  path: '/api/stats/accessibility',
  summary: 'For every current commune, the nearest market, industrial park, border gate and road, in km',
  params: accessibilityParams,
  parse: (input: Input) => readParams(accessibilityParams, input),
  run: accessibility,
  json: (r) => r,
  table: (r) => ({ columns: COLUMNS, rows: r.rows as never }),
  features: (r) => ({
    type: 'FeatureCollection',
    features: r.rows.map(({ lon, lat, ...properties }) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [lon, lat] },
      properties,
    })),
  }),
};
