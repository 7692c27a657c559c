/**
 * Vietnam's land border per neighbour, derived from the country polygons.
 *
 * The geo-maps polygons of neighbours share their vertices, so the border
 * with a neighbour is the intersection of the two outlines. It is then cut
 * into pieces of at most 64 vertices (ST_Subdivide) so that a distance query
 * touches only the few pieces near a point through the GiST index.
 *
 *   Vietnam outline ──┐
 *                     ├─ ST_Intersection ─ ST_LineMerge ─ ST_Subdivide(64) ─ border_segments
 *   neighbour outline ┘
 *
 * Upserting by (neighbour, part) keeps ids stable across runs.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../server/db/types.ts';

export async function deriveBorderSegments(trx: Kysely<DB>): Promise<void> {
  await sql`
    CREATE TEMP TABLE new_segments ON COMMIT DROP AS
    WITH vn AS (SELECT geom FROM countries WHERE iso3 = 'VNM'),
    shared AS (
      SELECT n.iso3 AS neighbour,
             ST_LineMerge(ST_CollectionExtract(ST_Intersection(ST_Boundary(vn.geom), ST_Boundary(n.geom)), 2)) AS geom
      FROM vn, countries n
      WHERE n.iso3 <> 'VNM' AND ST_Intersects(vn.geom, n.geom)
    ),
    pieces AS (
      SELECT s.neighbour, d.geom
      FROM shared s, LATERAL ST_Subdivide(s.geom, 64) AS sub(g), LATERAL ST_Dump(sub.g) AS d
      WHERE ST_GeometryType(d.geom) = 'ST_LineString'
    )
    SELECT neighbour,
           (row_number() OVER (PARTITION BY neighbour ORDER BY ST_Y(ST_StartPoint(geom)) DESC, ST_X(ST_StartPoint(geom)), ST_AsBinary(geom)))::int AS part,
           geom
    FROM pieces
  `.execute(trx);
  await sql`
    INSERT INTO border_segments (neighbour, part, geom, length_m)
    SELECT neighbour, part, geom, ST_Length(geom::geography) FROM new_segments
    ON CONFLICT (neighbour, part) DO UPDATE SET geom = excluded.geom, length_m = excluded.length_m
    WHERE NOT ST_Equals(border_segments.geom, excluded.geom) OR border_segments.length_m <> excluded.length_m
  `.execute(trx);
  await sql`
    DELETE FROM border_segments b
    WHERE NOT EXISTS (SELECT 1 FROM new_segments n WHERE n.neighbour = b.neighbour AND n.part = b.part)
  `.execute(trx);
  await sql`DROP TABLE new_segments`.execute(trx);
}
