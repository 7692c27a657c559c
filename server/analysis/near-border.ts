/**
 * GET /api/analysis/near-border?km=10&layers=projects,markets&neighbour=LAO
 *
 * Features of point layers within `km` of Vietnam's land border (of one
 * neighbour when given), nearest first, each with its distance, the
 * neighbouring country and the nearest border segment. One query:
 *
 *   WITH seg, reach, pairs, best, measured, nearest   -- border-distance.ts
 *   SELECT layer, id, name, …, distance_km, neighbour, border_segment_id
 *   FROM nearest JOIN (rows of projects) … UNION ALL … JOIN (rows of border gates) …
 *   ORDER BY distance_m, layer, id
 *
 * The point layers and the properties their features carry come from the
 * registry (each layer's `analysis`); a property a layer lacks is null.
 * A project that is also a market appears once per requested layer (its
 * `layer` says which); totals count each project and its money once.
 *
 * The project filters of the statistics (from, to, category, funding,
 * min_investment, status, province: project-filters.ts) narrow the layers
 * whose features are projects; other layers (border gates) are kept whole,
 * as the web map filters a layer only on the properties it has.
 */
import type { Feature, FeatureCollection, Point } from 'geojson';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/types.ts';
import { type Input, listOf, oneOf, readParams } from '../http/params.ts';
import { getLayer } from '../layers/index.ts';
import { nearestBorderCtes } from './border-distance.ts';
import { checkYears, km, NEIGHBOURS, type Neighbour } from './params.ts';
import {
  filterSql,
  filtersEcho,
  type ProjectFilters,
  type Province,
  projectFilterParams,
  resolveProvince,
} from './project-filters.ts';
import type { Report } from './report.ts';
import {
  carriesInvestment,
  pointLayerIds,
  pointProperties,
  pointRows,
  pointSource,
  projectPlaceJoins,
} from './sources.ts';
import { analysisQuery } from './transaction.ts';

export interface NearBorderParams extends ProjectFilters {
  km: number;
  layers: string[];
  neighbour?: Neighbour;
}

/** One feature: the members below and the properties of its layer (pointProperties()). */
export interface NearBorderRow {
  layer: string;
  id: number;
  name: string;
  investment_bn_vnd?: number | null;
  [property: string]: unknown;
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
  parameters: {
    km: number;
    layers: string[];
    neighbour: Neighbour | null;
    filters?: Record<string, unknown>;
  };
  rows: NearBorderRow[];
  totals: NearBorderTotals;
}

export const DEFAULT_KM = 10;

export const nearBorderParams = z.object({
  km: km('Distance from the land border, km (0 to 1000)', DEFAULT_KM),
  layers: listOf(pointLayerIds, {
    description: `Comma-separated point layers of the registry (those with an analysis source: ${pointLayerIds().join(', ')}, and any registered later)`,
    default: ['projects'],
    example: 'projects,border-gates',
  }),
  neighbour: oneOf(NEIGHBOURS, { description: 'Only the border with this country (ISO 3166 alpha-3)' }),
  ...projectFilterParams,
});

export function parseNearBorder(input: Input): NearBorderParams {
  const p = readParams(nearBorderParams, input);
  checkYears(p);
  return p;
}

/** Whether any project filter is given. */
function filtering(p: ProjectFilters): boolean {
  return (
    p.from !== undefined ||
    p.to !== undefined ||
    !!p.category?.length ||
    !!p.funding?.length ||
    p.min_investment !== undefined ||
    p.status !== undefined ||
    p.province !== undefined
  );
}

/** The members of a near-border feature's properties, in order. */
function propertyColumns(): string[] {
  return [
    'layer',
    'id',
    ...pointProperties().map((p) => p.name),
    'distance_km',
    'neighbour',
    'border_segment_id',
  ];
}

/** The one statement behind near-border (also run as is by the benchmark). */
export function nearBorderQuery(p: NearBorderParams, province?: Province): RawBuilder<NearBorderRow> {
  const ctes = nearestBorderCtes({
    sources: p.layers.map(pointSource),
    metres: p.km * 1000,
    neighbour: p.neighbour,
  });
  const props = pointProperties();
  // One branch per layer: its rows joined by primary key, typed alike so
  // that the branches unite; what the layer lacks is null.
  const branches = p.layers.map((id) => {
    const has = new Set(getLayer(id)!.analysis!.properties);
    const cols = props.map(({ name, sqlType }) =>
      has.has(name)
        ? sql`${sql.ref(`r.${name}`)}::${sql.raw(sqlType)} AS ${sql.ref(name)}`
        : sql`NULL::${sql.raw(sqlType)} AS ${sql.ref(name)}`,
    );
    // Projects (and their kinds) pass the project filters; other layers have none of their properties.
    const kept =
      filtering(p) && carriesInvestment(id)
        ? sql`AND n.id IN (SELECT p.id FROM projects p ${p.province ? projectPlaceJoins : sql``}
            WHERE ${filterSql(p, province)})`
        : sql``;
    return sql`
      SELECT n.layer, n.id, n.geom, n.distance_m, n.neighbour, n.border_segment_id, ${sql.join(cols)}
      FROM nearest n JOIN (${pointRows(id)}) r ON r.id = n.id
      WHERE n.layer = ${id} ${kept}`;
  });
  return sql<NearBorderRow>`
      WITH ${ctes}
      SELECT f.layer, f.id, ${sql.join(props.map((c) => sql.ref(`f.${c.name}`)))},
             round((f.distance_m / 1000)::numeric, 3)::float8 AS distance_km,
             f.neighbour::text AS neighbour, f.border_segment_id, ST_X(f.geom) AS lon, ST_Y(f.geom) AS lat,
             json_build_object('type', 'Feature', 'id', f.layer || '.' || f.id,
               'geometry', json_build_object('type', 'Point', 'coordinates', json_build_array(ST_X(f.geom), ST_Y(f.geom))),
               'properties', json_build_object(${sql.join(
                 propertyColumns().map((c) =>
                   c === 'distance_km'
                     ? sql`'distance_km', round((f.distance_m / 1000)::numeric, 3)::float8`
                     : sql`${sql.lit(c)}, ${sql.ref(`f.${c}`)}`,
                 ),
               )}))::text AS feature
      FROM (${sql.join(branches, sql` UNION ALL `)}) f
      ORDER BY f.distance_m, f.layer, f.id`;
}

export async function nearBorder(db: Kysely<DB>, p: NearBorderParams): Promise<NearBorderResult> {
  const province = p.province ? await resolveProvince(db, p.province) : undefined;
  const rows = await analysisQuery(db, nearBorderQuery(p, province));
  const filters = filtersEcho(p, province);
  return {
    parameters: {
      km: p.km,
      layers: p.layers,
      neighbour: p.neighbour ?? null,
      ...(Object.keys(filters).length ? { filters } : {}),
    },
    rows,
    totals: totalsOf(rows),
  };
}

/** Totals over the rows, counting each project (and its money) once even when two layers list it. */
export function totalsOf(rows: readonly NearBorderRow[]): NearBorderTotals {
  const seen = new Map<string, number | null>();
  const by_layer: Record<string, number> = {};
  const by_neighbour: Record<string, number> = {};
  for (const r of rows) {
    by_layer[r.layer] = (by_layer[r.layer] ?? 0) + 1;
    by_neighbour[r.neighbour] = (by_neighbour[r.neighbour] ?? 0) + 1;
    if (carriesInvestment(r.layer))
      seen.set(`${getLayer(r.layer)!.citationEntity}.${r.id}`, r.investment_bn_vnd ?? null);
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
  for (const c of propertyColumns()) properties[c] = r[c];
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
  table: (r) => ({ columns: [...propertyColumns(), 'lon', 'lat'], rows: r.rows as never }),
  geojson: true,
};
