/**
 * Place search over administrative units (of every period) and named
 * features, accent-insensitive and typo-tolerant.
 *
 * Both sides are folded by plain_text() (unaccent, đ→d, lower case), then
 * matched by substring or by pg_trgm similarity, so `muong nha`, `Mường Nhà`
 * and `muong nah` all find Xã Mường Nhà. A unit that no longer exists
 * (thị trấn Kim Sơn) also brings in the 2025 unit that took it over
 * (xã Quế Phong), marked with `successor_of`.
 *
 * SQL (one round trip):
 *   WITH q AS (SELECT plain_text($1) AS q), hits AS (… WHERE strpos(name_plain, q) > 0
 *     OR name_plain % q OR q <% name_plain …), succ AS (… JOIN unit_successors …)
 *   SELECT … ORDER BY score DESC LIMIT $2
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';

export interface SearchResult {
  layer: string | null;
  entity: 'unit' | 'feature';
  id: number;
  name: string;
  kind: string;
  level: string;
  code: string | null;
  parent: string | null;
  valid_to: string | null;
  point: [number, number] | null;
  score: number;
  successor_of?: { id: number; name: string; valid_to: string | null };
}

export async function searchPlaces(db: Kysely<DB>, q: string, limit: number): Promise<SearchResult[]> {
  const { rows } = await sql<
    SearchResult & {
      succ_of_id: number | null;
      succ_of_name: string | null;
      succ_of_valid_to: string | null;
      lon: number | null;
      lat: number | null;
    }
  >`
    WITH q AS (SELECT plain_text(${q}) AS q),
    hits AS (
      SELECT e.*,
             GREATEST(similarity(e.name_plain, q.q), word_similarity(q.q, e.name_plain))
               + CASE WHEN e.name_plain = q.q THEN 1.0
                      WHEN strpos(e.name_plain, q.q) = 1 THEN 0.5
                      WHEN strpos(e.name_plain, q.q) > 0 THEN 0.3
                      ELSE 0 END AS score
      FROM search_entries e, q
      WHERE strpos(e.name_plain, q.q) > 0 OR e.name_plain % q.q OR q.q <% e.name_plain
    ),
    succ AS (
      SELECT e.*, h.score - 0.01 AS score, h.id AS succ_of_id, h.name AS succ_of_name, h.valid_to AS succ_of_valid_to
      FROM hits h
      JOIN unit_successors s ON h.entity = 'unit' AND s.unit_id = h.id
      JOIN search_entries e ON e.entity = 'unit' AND e.id = s.successor_id
    ),
    merged AS (
      SELECT h.*, NULL::bigint AS succ_of_id, NULL::text AS succ_of_name, NULL::date AS succ_of_valid_to FROM hits h
      UNION ALL
      SELECT * FROM succ s WHERE NOT EXISTS (SELECT 1 FROM hits h WHERE h.entity = s.entity AND h.id = s.id)
    )
    SELECT m.layer, m.entity, m.id, m.name, m.kind, m.level, m.code, p.name AS parent,
           m.valid_to::text AS valid_to, round(ST_X(m.point)::numeric, 6)::float8 AS lon,
           round(ST_Y(m.point)::numeric, 6)::float8 AS lat, round(m.score::numeric, 3)::float8 AS score,
           m.succ_of_id, m.succ_of_name, m.succ_of_valid_to::text AS succ_of_valid_to
    FROM merged m
    LEFT JOIN admin_units u ON m.entity = 'unit' AND u.id = m.id
    LEFT JOIN admin_units p ON p.id = u.parent_id
    ORDER BY m.score DESC, m.valid_to DESC NULLS FIRST, m.name
    LIMIT ${limit}
  `.execute(db);
  return rows.map((r) => {
    const out: SearchResult = {
      layer: r.layer,
      entity: r.entity,
      id: r.id,
      name: r.name,
      kind: r.kind,
      level: r.level,
      code: r.code,
      parent: r.parent,
      valid_to: r.valid_to,
      point: r.lon === null || r.lat === null ? null : [r.lon, r.lat],
      score: r.score,
    };
    if (r.succ_of_id !== null) {
      out.successor_of = { id: r.succ_of_id, name: r.succ_of_name ?? '', valid_to: r.succ_of_valid_to };
    }
    return out;
  });
}
