/**
 * Geometry checks on the staged records, in SQL, each naming the record:
 *
 *   missing / unreadable ─▶ transformed to EPSG:4326 (--srid, ST_Transform)
 *     ─▶ empty? wrong type? outside Vietnam's region?   → problem
 *     ─▶ invalid? ST_MakeValid and a warning (--strict: a problem)
 *     ─▶ normalised to the column's type (MultiPolygon, LineString, Point)
 *
 * "Outside the region" means not touching REGION at all (swapped axes, a
 * forgotten --srid, a typo in a coordinate). A shape that only reaches past
 * it is a warning: Khánh Hòa's Trường Sa islands lie south of REGION's 8°N.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import { REGION } from './schema.ts';
import { clean } from './stage.ts';

export type GeometryRule = 'area' | 'line' | 'point';

const ALLOWED: Record<GeometryRule, string[]> = {
  area: ['POLYGON', 'MULTIPOLYGON'],
  line: ['LINESTRING', 'MULTILINESTRING'],
  point: ['POINT', 'MULTIPOINT'],
};
const EXPECTED: Record<GeometryRule, string> = {
  area: 'Polygon or MultiPolygon',
  line: 'LineString',
  point: 'Point',
};

const box = sql`ST_MakeEnvelope(${REGION.minLon}, ${REGION.minLat}, ${REGION.maxLon}, ${REGION.maxLat}, 4326)`;
const regionText = `lon ${REGION.minLon}–${REGION.maxLon}, lat ${REGION.minLat}–${REGION.maxLat}`;

function problem(field: string, reason: ReturnType<typeof sql>, where: ReturnType<typeof sql>) {
  return sql`INSERT INTO import_problems (n, label, field, reason)
    SELECT s.n, s.label, ${field}, ${reason} FROM import_stage s WHERE ${where}`;
}

export async function checkGeometry(
  trx: Kysely<DB>,
  rule: GeometryRule,
  srid: number,
  strict: boolean,
  optional = false,
): Promise<void> {
  const run = (q: ReturnType<typeof sql>) => q.execute(trx);
  if (!optional)
    await run(problem('geometry', sql`'missing'`, sql`s.g_src IS NULL AND s.g_err IS NULL AND ${clean}`));
  await run(problem('geometry', sql`'cannot read: ' || s.g_err`, sql`s.g_err IS NOT NULL`));

  if (srid === 4326) {
    await run(sql`UPDATE import_stage SET geom = ST_SetSRID(g_src, 4326) WHERE g_src IS NOT NULL`);
  } else {
    await run(sql`
      UPDATE import_stage s SET (geom, g_err) = (SELECT t.r, t.err FROM pg_temp.import_transform(s.g_src, ${srid}) t)
      WHERE s.g_src IS NOT NULL`);
    await run(
      problem(
        'geometry',
        sql`${`cannot transform from EPSG:${srid}: `} || s.g_err`,
        sql`s.g_src IS NOT NULL AND s.g_err IS NOT NULL`,
      ),
    );
  }
  const ok = sql`s.geom IS NOT NULL AND ${clean}`;
  await run(problem('geometry', sql`'empty geometry'`, sql`${ok} AND ST_IsEmpty(s.geom)`));
  await run(
    problem(
      'geometry',
      sql`'wrong type: ' || initcap(GeometryType(s.geom)) || ${`, expected ${EXPECTED[rule]}`}`,
      sql`${ok} AND GeometryType(s.geom) <> ALL(${ALLOWED[rule]}::text[])`,
    ),
  );
  const firstPoint = sql`ST_GeometryN(ST_Points(s.geom), 1)`;
  await run(
    problem(
      'geometry',
      sql`${`outside Vietnam's region (${regionText}): first point `} || ST_AsText(${firstPoint}, 6)
        || CASE WHEN ST_X(${firstPoint}) BETWEEN ${REGION.minLat} AND ${REGION.maxLat}
                  AND ST_Y(${firstPoint}) BETWEEN ${REGION.minLon} AND ${REGION.maxLon}
             THEN '; longitude and latitude look swapped'
             WHEN abs(ST_X(${firstPoint})) > 180 OR abs(ST_Y(${firstPoint})) > 90
             THEN ${srid === 4326 ? '; these look like projected coordinates: give --srid' : ''}
             ELSE '' END`,
      sql`${ok} AND NOT ST_Intersects(s.geom, ${box})`,
    ),
  );
  await run(sql`
    INSERT INTO import_warnings (n, label, field, reason)
    SELECT s.n, s.label, 'geometry', ${`reaches beyond Vietnam's region box (${regionText})`}
    FROM import_stage s WHERE ${ok} AND NOT ST_CoveredBy(s.geom, ${box})`);

  const invalid = sql`${ok} AND NOT ST_IsValid(s.geom)`;
  if (strict) {
    await run(
      problem(
        'geometry',
        sql`'invalid geometry: ' || ST_IsValidReason(s.geom) || ' (import without --strict to repair it)'`,
        invalid,
      ),
    );
  } else {
    await run(sql`
      INSERT INTO import_warnings (n, label, field, reason)
      SELECT s.n, s.label, 'geometry', 'repaired with ST_MakeValid: ' || ST_IsValidReason(s.geom)
      FROM import_stage s WHERE ${invalid}`);
    await run(sql`UPDATE import_stage s SET geom = ST_MakeValid(s.geom) WHERE ${invalid}`);
  }
  await normalise(trx, rule);
}

/** To the column's type; what cannot be made into one is a problem. */
async function normalise(trx: Kysely<DB>, rule: GeometryRule): Promise<void> {
  const ok = sql`s.geom IS NOT NULL AND ${clean}`;
  const run = (q: ReturnType<typeof sql>) => q.execute(trx);
  if (rule === 'area') {
    // Exterior rings counter-clockwise (RFC 7946): a Shapefile's clockwise rings and a
    // GeoJSON's then store the same geometry, so re-importing in another format changes nothing.
    await run(
      sql`UPDATE import_stage s SET geom = ST_ForcePolygonCCW(ST_Multi(ST_CollectionExtract(s.geom, 3))) WHERE ${ok}`,
    );
    await run(problem('geometry', sql`'no area left after repair'`, sql`${ok} AND ST_IsEmpty(s.geom)`));
  } else if (rule === 'line') {
    await run(
      sql`UPDATE import_stage s SET geom = ST_LineMerge(ST_CollectionExtract(s.geom, 2)) WHERE ${ok} AND GeometryType(s.geom) <> 'LINESTRING'`,
    );
    await run(
      problem(
        'geometry',
        sql`'a MultiLineString of ' || ST_NumGeometries(s.geom) || ' separate parts: roads are stored one line each, split it'`,
        sql`${ok} AND GeometryType(s.geom) <> 'LINESTRING'`,
      ),
    );
    await run(problem('geometry', sql`'a line of zero length'`, sql`${ok} AND ST_Length(s.geom) = 0`));
  } else {
    await run(
      problem(
        'geometry',
        sql`'a MultiPoint of ' || ST_NumGeometries(s.geom) || ' points: one point per record'`,
        sql`${ok} AND GeometryType(s.geom) = 'MULTIPOINT' AND ST_NumGeometries(s.geom) <> 1`,
      ),
    );
    await run(
      sql`UPDATE import_stage s SET geom = ST_GeometryN(s.geom, 1) WHERE ${ok} AND GeometryType(s.geom) = 'MULTIPOINT'`,
    );
  }
}
