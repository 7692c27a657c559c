/**
 * GET /api/analysis/near-border?km=10&layers=projects,markets&neighbour=LAO
 *
 * Features of point layers within `km` of Vietnam's land border (of one
 * neighbour when given), nearest first, each with its distance, the
 * neighbouring country and the nearest border segment. One query:
 *
 *   WITH seg, reach, pairs, best, measured, nearest   -- border-distance.ts
 *   SELECT layer, id, name, …, distance_km, neighbour, border_segment_id
 *   FROM nearest JOIN projects … UNION ALL … JOIN border_gates …
 *   ORDER BY distance_m, layer, id
 *
 * A project that is also a market appears once per requested layer (its
 * `layer` says which); totals count each project and its money once.
 */
import type { Feature, FeatureCollection, Point } from 'geojson';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { z } from 'zod';
import { type Input, listOf, oneOf, readParams } from '../http/params.ts';
import { nearestBorderCtes } from './border-distance.ts';
import { km, NEIGHBOURS, type Neighbour } from './params.ts';
import type { Report } from './report.ts';
import { POINT_LAYERS, type PointLayer, PROJECT_LAYERS, pointSource, projectPlaceJoins } from './sources.ts';
import { analysisQuery } from './transaction.ts';

export interface NearBorderParams {
  km: number;
  layers: PointLayer[];
  neighbour?: Neighbour;
}

export interface NearBorderRow {
  layer: PointLayer;
  id: number;
  name: string;
  category: string | null;
  kind: string | null;
  investment_bn_vnd: number | null;
  investment_qualifier: string | null;
  status: string | null;
  start_year: number | null;
  end_year: number | null;
  commune: string | null;
  commune_code: string | null;
  province: string | null;
  province_code: string | null;
  precision: string;
  uncertainty_m: number | null;
  distance_km: number;
  neighbour: Neighbour;
  border_segment_id: number;
  lon: number;
  lat: number;
  /** The GeoJSON Feature as text, written by PostgreSQL. */
  feature: string;
}

export interface NearBorderTotals {
  /** Features returned (a market asked for as `projects` and `markets` counts twice). */
  count: number;
  /** Distinct projects among them. */
  projects: number;
  /** Distinct projects with an investment figure. */
  with_investment: number;
  /** Sum of the investment of distinct projects, billion VND. */
  investment_bn_vnd: number;
  by_layer: Record<string, number>;
  by_neighbour: Record<string, number>;
}

export interface NearBorderResult {
  parameters: { km: number; layers: PointLayer[]; neighbour: Neighbour | null };
  rows: NearBorderRow[];
  totals: NearBorderTotals;
}

export const DEFAULT_KM = 10;

export const nearBorderParams = z.object({
  km: km('Distance from the land border, km (0 to 1000)', DEFAULT_KM),
  layers: listOf(POINT_LAYERS, {
    description: `Comma-separated point layers: ${POINT_LAYERS.join(', ')}`,
    default: ['projects'],
    example: 'projects,border-gates',
  }),
  neighbour: oneOf(NEIGHBOURS, { description: 'Only the border with this country (ISO 3166 alpha-3)' }),
});

export function parseNearBorder(input: Input): NearBorderParams {
  return readParams(nearBorderParams, input);
}

const PROPERTY_COLUMNS = [
  'layer',
  'id',
  'name',
  'category',
  'kind',
  'investment_bn_vnd',
  'investment_qualifier',
  'status',
  'start_year',
  'end_year',
  'commune',
  'commune_code',
  'province',
  'province_code',
  'precision',
  'uncertainty_m',
  'distance_km',
  'neighbour',
  'border_segment_id',
] as const;

/** The one statement behind near-border (also run as is by the benchmark). */
export function nearBorderQuery(p: NearBorderParams): RawBuilder<NearBorderRow> {
  const ctes = nearestBorderCtes({
    sources: p.layers.map(pointSource),
    metres: p.km * 1000,
    neighbour: p.neighbour,
  });
  const branches = [];
  if (p.layers.some((l) => PROJECT_LAYERS.includes(l))) {
    branches.push(sql`
      SELECT n.layer, n.id, n.geom, n.distance_m, n.neighbour, n.border_segment_id,
             p.name, p.category, NULL::text AS kind, p.investment_bn_vnd::float8 AS investment_bn_vnd,
             p.investment_qualifier, p.status, p.start_year, p.end_year,
             u0.name AS commune, u0.code AS commune_code, pr.name AS province, pr.code AS province_code,
             p.precision::text AS precision, p.uncertainty_m::float8 AS uncertainty_m
      FROM nearest n JOIN projects p ON p.id = n.id ${projectPlaceJoins}
      WHERE n.layer <> 'border-gates'`);
  }
  if (p.layers.includes('border-gates')) {
    branches.push(sql`
      SELECT n.layer, n.id, n.geom, n.distance_m, n.neighbour, n.border_segment_id,
             p.name, NULL::text AS category, p.kind, NULL::float8 AS investment_bn_vnd,
             NULL::text AS investment_qualifier, NULL::text AS status, NULL::int AS start_year, NULL::int AS end_year,
             u0.name AS commune, u0.code AS commune_code, pr.name AS province, pr.code AS province_code,
             p.precision::text AS precision, p.uncertainty_m::float8 AS uncertainty_m
      FROM nearest n JOIN border_gates p ON p.id = n.id ${projectPlaceJoins}
      WHERE n.layer = 'border-gates'`);
  }
  return sql<NearBorderRow>`
      WITH ${ctes}
      SELECT f.layer, f.id, f.name, f.category, f.kind, f.investment_bn_vnd, f.investment_qualifier, f.status,
             f.start_year, f.end_year, f.commune, f.commune_code, f.province, f.province_code, f.precision,
             f.uncertainty_m, round((f.distance_m / 1000)::numeric, 3)::float8 AS distance_km,
             f.neighbour::text AS neighbour, f.border_segment_id, ST_X(f.geom) AS lon, ST_Y(f.geom) AS lat,
             json_build_object('type', 'Feature', 'id', f.layer || '.' || f.id,
               'geometry', json_build_object('type', 'Point', 'coordinates', json_build_array(ST_X(f.geom), ST_Y(f.geom))),
               'properties', json_build_object(${sql.join(
                 PROPERTY_COLUMNS.map((c) =>
                   c === 'distance_km'
                     ? sql`'distance_km', round((f.distance_m / 1000)::numeric, 3)::float8`
                     : sql`${sql.lit(c)}, ${sql.ref(`f.${c}`)}`,
                 ),
               )}))::text AS feature
      FROM (${sql.join(branches, sql` UNION ALL `)}) f
      ORDER BY f.distance_m, f.layer, f.id`;
}

export async function nearBorder(db: Kysely<any>, p: NearBorderParams): Promise<NearBorderResult> {
  const rows = await analysisQuery(db, nearBorderQuery(p));
  return {
    parameters: { km: p.km, layers: p.layers, neighbour: p.neighbour ?? null },
    rows,
    totals: totalsOf(rows),
  };
}

/** Totals over the rows, counting each project (and its money) once even when two layers list it. */
export function totalsOf(rows: readonly NearBorderRow[]): NearBorderTotals {
  const seen = new Map<number, number | null>();
  const by_layer: Record<string, number> = {};
  const by_neighbour: Record<string, number> = {};
  for (const r of rows) {
    by_layer[r.layer] = (by_layer[r.layer] ?? 0) + 1;
    by_neighbour[r.neighbour] = (by_neighbour[r.neighbour] ?? 0) + 1;
    if (r.layer !== 'border-gates') seen.set(r.id, r.investment_bn_vnd);
  }
  let sum = 0;
  let withInvestment = 0;
  for (const v of seen.values()) {
    if (v === null) continue;
    sum += v;
    withInvestment++;
  }
  return {
    count: rows.length,
    projects: seen.size,
    with_investment: withInvestment,
    investment_bn_vnd: Math.round(sum * 1000) / 1000,
    by_layer,
    by_neighbour,
  };
}

export function toFeature(r: NearBorderRow): Feature<Point> {
  const properties: Record<string, unknown> = {};
  for (const c of PROPERTY_COLUMNS) properties[c] = r[c];
  return {
    type: 'Feature',
    id: `${r.layer}.${r.id}`,
    geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
    properties,
  };
}

export type NearBorderCollection = FeatureCollection<Point> & {
  parameters: NearBorderResult['parameters'];
  totals: NearBorderTotals;
};

export function toFeatureCollection(r: NearBorderResult): NearBorderCollection {
  return {
    type: 'FeatureCollection',
    parameters: r.parameters,
    totals: r.totals,
    features: r.rows.map(toFeature),
  };
}

/**
 * The FeatureCollection as JSON text: each feature's text comes from
 * PostgreSQL (json_build_object, in the same statement), so Node only joins
 * them. Building and stringifying 11,500 feature objects in Node cost
 * 100-200 ms, a third of the 10 km query. Same content as
 * JSON.stringify(toFeatureCollection(r)), up to white space (tests/stats-cli.test.ts
 * compares the HTTP answer, written here, with the CLI's, written from objects).
 */
export function featureCollectionText(r: NearBorderResult): string {
  return `{"type":"FeatureCollection","parameters":${JSON.stringify(r.parameters)},"totals":${JSON.stringify(r.totals)},"features":[${r.rows.map((x) => x.feature).join(',')}]}`;
}

export const nearBorderReport: Report<NearBorderParams, NearBorderResult> = {
  name: 'near-border',
  path: '/api/analysis/near-border',
  summary:
    'Features within km of the land border, nearest first, with distance, neighbour and border segment',
  params: nearBorderParams,
  parse: parseNearBorder,
  run: nearBorder,
  json: toFeatureCollection,
  jsonText: featureCollectionText,
  table: (r) => ({ columns: [...PROPERTY_COLUMNS, 'lon', 'lat'], rows: r.rows as never }),
  geojson: true,
};
