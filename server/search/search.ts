/**
 * Place search over administrative units (of every period) and the features
 * of every searchable layer of the registry, accent-insensitive and
 * typo-tolerant.
 *
 * Both sides are folded by plain_text() (unaccent, đ→d, lower case), then
 * matched by substring or by pg_trgm similarity, so `muong nha`, `Mường Nhà`
 * and `muong nah` all find Xã Mường Nhà. A unit that no longer exists
 * (thị trấn Kim Sơn) also brings in the 2025 unit that took it over
 * (xã Quế Phong), marked with `successor_of`.
 *
 * What is searched comes from the registry at query time: the gazetteer of
 * administrative units (every level and period, no layer), then each layer
 * with `search` (its base-table SELECT, or its view). A row two sources find
 * (same citation entity and id: a unit of the communes layer, a market that
 * is also a project) is named by the one registered last (drawn on top).
 *
 * SQL (one round trip):
 *   WITH q AS (SELECT plain_text($1) AS q),
 *   found AS (SELECT 'admin_unit', 0, NULL, u.* FROM admin_units u WHERE <match>
 *             UNION ALL SELECT 'project', 6, 'projects', … WHERE <match> UNION ALL …),
 *   hits AS (SELECT DISTINCT ON (entity, id) … ORDER BY entity, id, rank DESC),
 *   succ AS (… JOIN unit_successors … JOIN <unit sources> …)
 *   SELECT … ORDER BY score DESC LIMIT $2
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import { type LayerDef, layers } from '../layers/index.ts';

/** The units table: its rows are `unit` hits and may have successors. */
const UNIT_ENTITY = 'admin_unit';

interface SearchSource {
  entity: string;
  rank: number;
  layer: string | null;
  /** id, name, name_plain, kind, level, code, point, valid_to */
  select: RawBuilder<unknown>;
}

/** A layer's search rows read from its view, for layers that declare no base-table SELECT. */
function viewSearch(layer: LayerDef): RawBuilder<unknown> {
  const s = layer.search!;
  const v = (c: string | undefined) => (c ? sql`${sql.ref(`v.${c}`)}::text` : sql`NULL::text`);
  const matched = s.code ? sql`concat_ws(' ', ${v(s.code)}, ${v(s.name)})` : v(s.name);
  return sql`SELECT v.id, ${v(s.name)} AS name, plain_text(${matched}) AS name_plain, ${v(s.kind)} AS kind,
    'feature' AS level, ${v(s.code)} AS code, ST_PointOnSurface(v.geom) AS point, NULL::date AS valid_to
    FROM ${sql.table(layer.view)} v`;
}

function sources(): SearchSource[] {
  const out: SearchSource[] = [
    {
      entity: UNIT_ENTITY,
      rank: 0,
      layer: null,
      select: sql`SELECT u.id, u.name, u.name_plain, u.kind, u.level, u.code, u.seat AS point, u.valid_to
        FROM admin_units u`,
    },
  ];
  layers.forEach((l, i) => {
    if (l.search)
      out.push({
        entity: l.citationEntity,
        rank: i + 1,
        layer: l.id,
        select: l.search.select ?? viewSearch(l),
      });
  });
  return out;
}

/** The rows of `sources` (typed alike) that pass `where` (on alias `e`). */
function union(list: SearchSource[], where: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql.join(
    list.map(
      (s) => sql`
      SELECT ${s.entity}::text AS entity, ${s.rank}::int AS rank, ${s.layer}::text AS layer, e.id::bigint AS id,
             e.name::text AS name, e.name_plain::text AS name_plain, e.kind::text AS kind, e.level::text AS level,
             e.code::text AS code, e.point::geometry AS point, e.valid_to::date AS valid_to
      FROM (${s.select}) e WHERE ${where}`,
    ),
    sql` UNION ALL `,
  );
}

export interface SearchResult {
  layer: string | null;
  /** `unit` for administrative units (of any level and period), `feature` for the rest. */
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
  const all = sources();
  const units = all.filter((s) => s.entity === UNIT_ENTITY);
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
    found AS (${union(
      all,
      sql`strpos(e.name_plain, (SELECT q FROM q)) > 0 OR e.name_plain % (SELECT q FROM q)
          OR (SELECT q FROM q) <% e.name_plain`,
    )}),
    hits AS (
      SELECT DISTINCT ON (e.entity, e.id) e.*,
             GREATEST(similarity(e.name_plain, q.q), word_similarity(q.q, e.name_plain))
               + CASE WHEN e.name_plain = q.q THEN 1.0
                      WHEN strpos(e.name_plain, q.q) = 1 THEN 0.5
                      WHEN strpos(e.name_plain, q.q) > 0 THEN 0.3
                      ELSE 0 END AS score
      FROM found e, q
      ORDER BY e.entity, e.id, e.rank DESC
    ),
    succ AS (
      SELECT DISTINCT ON (h.id, e.id) e.*, h.score - 0.01 AS score, h.id AS succ_of_id, h.name AS succ_of_name,
             h.valid_to AS succ_of_valid_to
      FROM hits h
      JOIN unit_successors s ON h.entity = ${UNIT_ENTITY} AND s.unit_id = h.id
      JOIN (${union(units, sql`true`)}) e ON e.id = s.successor_id
      ORDER BY h.id, e.id, e.rank DESC
    ),
    merged AS (
      SELECT h.*, NULL::bigint AS succ_of_id, NULL::text AS succ_of_name, NULL::date AS succ_of_valid_to FROM hits h
      UNION ALL
      SELECT * FROM succ s WHERE NOT EXISTS (SELECT 1 FROM hits h WHERE h.entity = s.entity AND h.id = s.id)
    )
    SELECT m.layer, CASE m.entity WHEN ${UNIT_ENTITY} THEN 'unit' ELSE 'feature' END AS entity, m.id, m.name, m.kind, m.level, m.code, p.name AS parent,
           m.valid_to::text AS valid_to, round(ST_X(m.point)::numeric, 6)::float8 AS lon,
           round(ST_Y(m.point)::numeric, 6)::float8 AS lat, round(m.score::numeric, 3)::float8 AS score,
           m.succ_of_id, m.succ_of_name, m.succ_of_valid_to::text AS succ_of_valid_to
    FROM merged m
    LEFT JOIN admin_units u ON m.entity = ${UNIT_ENTITY} AND u.id = m.id
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
