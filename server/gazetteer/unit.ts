/**
 * One administrative unit by official code, as it was on a day:
 * GET /api/units/{code}?at=YYYY-MM-DD.
 *
 * Codes are reused across eras (commune 00004 was Phường Trúc Bạch before
 * 2025-07-01 and is Phường Ba Đình since; province 15 was Yên Bái and is
 * Lào Cai), so the key is the code and a day: without `at`, the unit in
 * force today (or, for a code no current unit holds, the last one that
 * held it). The answer says what the unit was (name, kind, level, parents,
 * valid period, location precision, sources), what it became (successors,
 * full or partial) and what it was formed from (predecessors).
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';

export interface UnitLink {
  code: string | null;
  name: string;
  kind: string;
  level: string;
  valid_from: string | null;
  valid_to: string | null;
  type: 'full' | 'partial' | null;
}

export interface UnitAnswer {
  code: string;
  slug: string;
  name: string;
  kind: string;
  level: string;
  era: '2025' | 'before-2025';
  valid_from: string | null;
  valid_to: string | null;
  parents: {
    district: { code: string | null; name: string; kind: string } | null;
    province: { code: string | null; name: string; kind: string } | null;
  };
  location: { precision: string; point: [number, number] | null; uncertainty_m: number | null };
  successors: UnitLink[];
  predecessors: UnitLink[];
  sources: string[];
  /** Other units that held the same code in another period. */
  same_code: { valid_from: string | null; valid_to: string | null; name: string; kind: string }[];
}

const link = (alias: string, type: string) => sql`json_build_object('code', ${sql.ref(`${alias}.code`)},
  'name', ${sql.ref(`${alias}.name`)}, 'kind', ${sql.ref(`${alias}.kind`)}, 'level', ${sql.ref(`${alias}.level`)},
  'valid_from', ${sql.ref(`${alias}.valid_from`)}, 'valid_to', ${sql.ref(`${alias}.valid_to`)}, 'type', ${sql.ref(type)})`;

const ref = (alias: string) =>
  sql`json_build_object('code', ${sql.ref(`${alias}.code`)}, 'name', ${sql.ref(`${alias}.name`)}, 'kind', ${sql.ref(`${alias}.kind`)})`;

/** The unit with `code` in force on `at` (default: today's, else the last), or undefined. */
export async function unitByCode(db: Kysely<DB>, code: string, at?: string): Promise<UnitAnswer | undefined> {
  const when = at
    ? sql`(u.valid_from IS NULL OR u.valid_from <= ${at}::date) AND (u.valid_to IS NULL OR u.valid_to >= ${at}::date)`
    : sql`true`;
  const { rows } = await sql<
    UnitAnswer & { lon: number | null; lat: number | null; precision: string; uncertainty_m: number | null }
  >`
    WITH u AS (
      SELECT u.* FROM admin_units u WHERE u.code = ${code} AND ${when}
      ORDER BY u.valid_to DESC NULLS FIRST, u.level LIMIT 1
    )
    SELECT u.code, u.slug, u.name, u.kind, u.level,
      CASE WHEN u.valid_to IS NOT NULL OR ${at ?? null}::date < '2025-07-01' THEN 'before-2025' ELSE '2025' END AS era,
      u.valid_from::text AS valid_from, u.valid_to::text AS valid_to,
      json_build_object(
        'district', CASE 'district' WHEN p1.level THEN ${ref('p1')} WHEN p2.level THEN ${ref('p2')} END,
        'province', CASE 'province' WHEN u.level THEN NULL WHEN p1.level THEN ${ref('p1')} WHEN p2.level THEN ${ref('p2')}
                    WHEN p3.level THEN ${ref('p3')} END) AS parents,
      CASE WHEN u.boundary IS NOT NULL THEN u.boundary_precision::text
           WHEN u.seat IS NOT NULL THEN u.seat_precision::text ELSE 'none' END AS precision,
      CASE WHEN u.boundary IS NULL AND u.seat IS NOT NULL THEN u.seat_uncertainty_m
           ELSE u.boundary_uncertainty_m END::float8 AS uncertainty_m,
      round(ST_X(u.seat)::numeric, 6)::float8 AS lon, round(ST_Y(u.seat)::numeric, 6)::float8 AS lat,
      COALESCE((SELECT json_agg(${link('b', 's.type')} ORDER BY b.code) FROM unit_successors s
                JOIN admin_units b ON b.id = s.successor_id WHERE s.unit_id = u.id), '[]') AS successors,
      COALESCE((SELECT json_agg(${link('b', 's.type')} ORDER BY b.code) FROM unit_successors s
                JOIN admin_units b ON b.id = s.unit_id WHERE s.successor_id = u.id), '[]') AS predecessors,
      COALESCE((SELECT json_agg(c.source_id ORDER BY c.source_id) FROM citations c
                WHERE c.entity = 'admin_unit' AND c.entity_id = u.id), '[]') AS sources,
      COALESCE((SELECT json_agg(json_build_object('valid_from', o.valid_from, 'valid_to', o.valid_to, 'name', o.name,
                  'kind', o.kind) ORDER BY o.valid_to DESC NULLS FIRST)
                FROM admin_units o WHERE o.code = u.code AND o.id <> u.id AND o.level = u.level), '[]') AS same_code
    FROM u
    LEFT JOIN admin_units p1 ON p1.id = u.parent_id
    LEFT JOIN admin_units p2 ON p2.id = p1.parent_id
    LEFT JOIN admin_units p3 ON p3.id = p2.parent_id`.execute(db);
  const r = rows[0];
  if (!r) return undefined;
  const { lon, lat, precision, uncertainty_m, ...rest } = r;
  return {
    ...rest,
    location: { precision, point: lon === null || lat === null ? null : [lon, lat], uncertainty_m },
  };
}
