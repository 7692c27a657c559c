/**
 * Distance from point features to Vietnam's land border, in metres on the
 * WGS84 spheroid, for every feature within `metres` of it: the SQL shared
 * by near-border, distance bands and `within_km` filters.
 *
 *   border_segments ──(GiST on geom, conservative radius in degrees)──▶ candidate pairs
 *        │                                                                  │
 *        │   nearest segment per feature, ranked in a locally conformal plane ◀┘
 *        ▼
 *   closest border point in that plane ──▶ geodesic distance (GeographicLib) ──▶ keep ≤ metres
 *
 * Why not `ST_Distance(f.geom::geography, s.geom::geography)` for every pair:
 * - it is the slow part: ~20 µs per point and 64-vertex segment, and a
 *   feature 50 km from the border lies within reach of ~8 segments;
 * - for a line, PostGIS picks the closest vertex or edge on the sphere and
 *   only then measures that pair on the spheroid, so it can land on the wrong
 *   one: benchmark project 41187 is 4,760.4 m from segment 13 (its closest
 *   edge, measured alone) but PostGIS answers 4,777.4 m (a vertex), 0.36 %
 *   long.
 * Scaling longitudes by k = cos φ · N/M makes a neighbourhood of latitude φ
 * conformal (a degree of x and of y are the same length), so the closest
 * point found there is the geodesic foot to within (Δk/k)²/2: under 1e-5
 * within 50 km, about 0.2 % at 1,000 km. The distance itself is then the
 * point-to-point geodesic, which PostGIS computes exactly.
 *
 * The index radius is in degrees only to reach the GiST index on the plain
 * geometry column; it is chosen so that no point within `metres` of the
 * border is farther than that many degrees from it, and the decision
 * (`distance_m <= metres`) is taken on the spheroid.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Neighbour } from './params.ts';

/** WGS84 first eccentricity squared. */
const E2 = 0.00669437999014;
/** Shortest metres per degree of latitude (at the equator, a(1 − e²)·π/180) and of longitude at φ (a·cos φ·π/180). */
const M_PER_DEG_LAT = 110574;
const M_PER_DEG_LON = 111319;

/** k(φ) = cos φ · N/M: the longitude scale that makes latitude φ locally conformal. */
export function conformalScale(lat: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`(cos(radians(${lat})) * (1 - ${sql.lit(E2)} * sin(radians(${lat}))^2) / ${sql.lit(1 - E2)})`;
}

/** A set of point features to measure: `select` yields `id`, `name` and `geom` (EPSG:4326) from a base table, so the GiST index on it is used. */
export interface PointSource {
  layer: string;
  select: RawBuilder<unknown>;
}

/**
 * CTEs (to follow `WITH`) ending in `nearest (layer, id, geom,
 * border_segment_id, neighbour, distance_m)`: each feature of `sources` within
 * `metres` of the border (of `neighbour` only, when given), with its nearest
 * segment.
 */
export function nearestBorderCtes(opts: {
  sources: readonly PointSource[];
  metres: number;
  neighbour?: Neighbour;
}): RawBuilder<unknown> {
  const { sources, metres } = opts;
  const neighbour = opts.neighbour ?? null;
  const branches = sources.map(
    (s) => sql`
      SELECT ${s.layer}::text AS layer, f.id, f.geom, s.id AS seg_id,
             ST_Distance(ST_Scale(f.geom, s.k, 1), s.sgeom) AS ranked
      FROM seg s JOIN (${s.select}) f ON ST_DWithin(f.geom, s.geom, (SELECT deg FROM reach))`,
  );
  return sql`
    seg AS MATERIALIZED (
      SELECT b.id, b.neighbour, b.geom, x.k, ST_Scale(b.geom, x.k, 1) AS sgeom
      FROM border_segments b
      CROSS JOIN LATERAL (SELECT ${conformalScale(sql`ST_Y(ST_Centroid(b.geom))`)} AS k) x
      WHERE ${neighbour}::text IS NULL OR b.neighbour = ${neighbour}::text
    ),
    reach AS MATERIALIZED (
      SELECT ${metres}::float8 / LEAST(${sql.lit(M_PER_DEG_LAT)}, ${sql.lit(M_PER_DEG_LON)} * cos(radians(LEAST(89,
               (SELECT max(GREATEST(abs(ST_YMax(geom)), abs(ST_YMin(geom)))) FROM seg)
               + ${metres}::float8 / ${sql.lit(M_PER_DEG_LAT)})))) AS deg
    ),
    pairs AS (${sql.join(branches, sql` UNION ALL `)}),
    best AS (
      SELECT DISTINCT ON (layer, id) layer, id, geom, seg_id FROM pairs ORDER BY layer, id, ranked
    ),
    measured AS (
      SELECT b.layer, b.id, b.geom, s.id AS border_segment_id, s.neighbour,
             ST_Distance(b.geom::geography,
               ST_Scale(ST_ClosestPoint(ST_Scale(s.geom, x.k, 1), ST_Scale(b.geom, x.k, 1)), 1 / x.k, 1)::geography
             ) AS distance_m
      FROM best b
      JOIN seg s ON s.id = b.seg_id
      CROSS JOIN LATERAL (SELECT ${conformalScale(sql`ST_Y(b.geom)`)} AS k) x
    ),
    nearest AS (SELECT * FROM measured WHERE distance_m <= ${metres}::float8)`;
}
