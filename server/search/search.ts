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
 * Units (the national gazetteer, ~14,000 rows) are searched apart from the
 * other layers, on the trigram index of admin_units.name_plain, and told
 * apart by their parents: the query's last words may name the enclosing
 * units ("quang an dam ha": Quảng An of Đầm Hà ranks above Quảng An of
 * Quảng Điền). Each split of the words into a name and a context is tried
 * (server/gazetteer/match.ts); a unit scores by its name, plus how well the
 * context matches its parents' names. Every unit result carries its
 * parents (district, province) and, for a unit that ended, its successors
 * (full or partial); the successors also come as results of their own,
 * marked `successor_of`, as before.
 *
 * Two queries: units (unitHits), and the features of the other layers
 * (the registry's union, small tables), merged by score.
 *
 * Prepared. Planning the unit statement (some twenty joins and subqueries)
 * took about 7 ms, running it 2 to 10. Each statement's text is therefore
 * the same for every query (words, kind, splits and limit are parameters),
 * and with the database's search pool (`searchPool`, server/db/connect.ts)
 * both run as named prepared statements under one generic plan per
 * connection: planned once, never again. Without that pool (tests, scripts
 * holding only a Kysely handle) they run through Kysely as before, with the
 * same results.
 */
import { createHash } from 'node:crypto';
import { Kysely, type RawBuilder, sql } from 'kysely';
import type pg from 'pg';
import type { DB } from '../db/types.ts';
import { unitHitsSql } from '../gazetteer/match.ts';
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

export interface UnitRef {
  id: number;
  code: string | null;
  name: string;
  kind: string;
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
  /** Units: the first day it existed (null: before the records), the enclosing district and province. */
  valid_from?: string | null;
  parents?: { district: UnitRef | null; province: UnitRef | null };
  /** Units that ended: the units they went to, whole (`full`) or in part (`partial`; null: not recorded). */
  successors?: (UnitRef & { type: 'full' | 'partial' | null })[];
  /** Units: "none" when the unit has neither a seat nor a boundary (most of the national gazetteer). */
  location_precision?: string;
}

interface UnitRow {
  id: number;
  name: string;
  kind: string;
  level: string;
  code: string | null;
  parent: string | null;
  valid_from: string | null;
  valid_to: string | null;
  lon: number | null;
  lat: number | null;
  score: number;
  location_precision: string;
  district: UnitRef | null;
  province: UnitRef | null;
  successors: (UnitRef & { type: 'full' | 'partial' | null })[];
  layer: string | null;
  succ_of_id: number | null;
  succ_of_name: string | null;
  succ_of_valid_to: string | null;
}

/** The unit-backed layers (communes, provinces...): a unit result is named by the last that holds it. */
function unitLayerCase(): RawBuilder<unknown> {
  const unitLayers = layers.filter((l) => l.search && l.citationEntity === UNIT_ENTITY);
  if (unitLayers.length === 0) return sql`NULL::text`;
  return sql`CASE ${sql.join(
    [...unitLayers]
      .reverse()
      .map(
        (l) =>
          sql`WHEN EXISTS (SELECT 1 FROM (${l.search!.select ?? viewSearch(l)}) e WHERE e.id = m.id) THEN ${l.id}`,
      ),
    sql` `,
  )} ELSE NULL END`;
}

/** A unit's parents, successors and location, for rows `m` with a unit id. */
export const unitDetails = sql`
  LEFT JOIN admin_units u ON u.id = m.id
  LEFT JOIN admin_units p1 ON p1.id = u.parent_id
  LEFT JOIN admin_units p2 ON p2.id = p1.parent_id
  LEFT JOIN admin_units p3 ON p3.id = p2.parent_id
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_object('id', b.id, 'code', b.code, 'name', b.name, 'kind', b.kind, 'type', s.type)
      ORDER BY b.code) AS list
    FROM unit_successors s JOIN admin_units b ON b.id = s.successor_id WHERE s.unit_id = u.id
  ) succ ON true`;

export const unitDetailColumns = sql`
  u.name, u.kind, u.level, u.code, p1.name AS parent, u.valid_from::text AS valid_from, u.valid_to::text AS valid_to,
  round(ST_X(u.seat)::numeric, 6)::float8 AS lon, round(ST_Y(u.seat)::numeric, 6)::float8 AS lat,
  CASE WHEN u.boundary IS NOT NULL THEN u.boundary_precision::text
       WHEN u.seat IS NOT NULL THEN u.seat_precision::text ELSE 'none' END AS location_precision,
  CASE 'district' WHEN p1.level THEN json_build_object('id', p1.id, 'code', p1.code, 'name', p1.name, 'kind', p1.kind)
       WHEN p2.level THEN json_build_object('id', p2.id, 'code', p2.code, 'name', p2.name, 'kind', p2.kind) END AS district,
  CASE 'province' WHEN u.level THEN NULL
       WHEN p1.level THEN json_build_object('id', p1.id, 'code', p1.code, 'name', p1.name, 'kind', p1.kind)
       WHEN p2.level THEN json_build_object('id', p2.id, 'code', p2.code, 'name', p2.name, 'kind', p2.kind)
       WHEN p3.level THEN json_build_object('id', p3.id, 'code', p3.code, 'name', p3.name, 'kind', p3.kind) END AS province,
  COALESCE(succ.list, '[]'::json) AS successors`;

/** The unit query of a search (exported for the benchmark's bare baseline). */
export function unitsQuery(q: string, limit: number) {
  return sql<UnitRow>`
    WITH hits AS (
      SELECT h.id, h.score FROM (${unitHitsSql(q, limit)}) h
      ORDER BY h.score DESC, h.located DESC, h.valid_to DESC NULLS FIRST, h.id LIMIT ${limit}
    ),
    succ AS (
      SELECT DISTINCT ON (s.successor_id) s.successor_id AS id, h.score - 0.01 AS score, h.id AS succ_of_id
      FROM hits h JOIN unit_successors s ON s.unit_id = h.id
      WHERE NOT EXISTS (SELECT 1 FROM hits o WHERE o.id = s.successor_id)
      ORDER BY s.successor_id, h.score DESC, h.id
    ),
    m AS (
      SELECT id, score, NULL::bigint AS succ_of_id FROM hits
      UNION ALL SELECT id, score, succ_of_id FROM succ
    )
    SELECT m.id, round(m.score::numeric, 3)::float8 AS score, ${unitDetailColumns}, ${unitLayerCase()} AS layer,
           m.succ_of_id, o.name AS succ_of_name, o.valid_to::text AS succ_of_valid_to
    FROM m ${unitDetails}
    LEFT JOIN admin_units o ON o.id = m.succ_of_id
    ORDER BY m.score DESC, m.id`;
}

const statementNames = new Map<string, string>();

/** The prepared statement's name for `text`: the same text, the same name, on every connection. */
export function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `search_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    // The texts are a handful (one per statement shape); the bound only guards against a surprise.
    if (statementNames.size >= 64) statementNames.clear();
    statementNames.set(text, name);
  }
  return name;
}

/** Where a search runs: Kysely's handle, and the generic-plan pool for prepared statements if any. */
export interface SearchDb {
  db: Kysely<DB>;
  searchPool?: pg.Pool;
}

async function rows<R>(query: RawBuilder<R>, on: SearchDb): Promise<R[]> {
  if (!on.searchPool) return (await query.execute(on.db)).rows;
  const c = query.compile(on.db);
  const result = await on.searchPool.query({
    name: statementName(c.sql),
    text: c.sql,
    values: c.parameters as unknown[],
  });
  return result.rows as R[];
}

async function searchUnits(on: SearchDb, q: string, limit: number): Promise<SearchResult[]> {
  const unitRows = await rows(unitsQuery(q, limit), on);
  return unitRows.map((r) => {
    const out: SearchResult = {
      layer: r.layer,
      entity: 'unit',
      id: Number(r.id),
      name: r.name,
      kind: r.kind,
      level: r.level,
      code: r.code,
      parent: r.parent,
      valid_to: r.valid_to,
      point: r.lon === null || r.lat === null ? null : [r.lon, r.lat],
      score: r.score,
      valid_from: r.valid_from,
      parents: { district: r.district, province: r.province },
      successors: r.successors,
      location_precision: r.location_precision,
    };
    if (r.succ_of_id !== null)
      out.successor_of = {
        id: Number(r.succ_of_id),
        name: r.succ_of_name ?? '',
        valid_to: r.succ_of_valid_to,
      };
    return out;
  });
}

/** The feature query of a search (null: no feature layer is searchable). */
export function featuresQuery(q: string, limit: number) {
  const list = sources().filter((s) => s.entity !== UNIT_ENTITY);
  if (list.length === 0) return null;
  return sql<SearchResult & { lon: number | null; lat: number | null }>`
    WITH q AS (SELECT plain_text(${q}) AS q),
    found AS (${union(
      list,
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
    )
    SELECT m.layer, 'feature' AS entity, m.id, m.name, m.kind, m.level, m.code, NULL::text AS parent,
           m.valid_to::text AS valid_to, round(ST_X(m.point)::numeric, 6)::float8 AS lon,
           round(ST_Y(m.point)::numeric, 6)::float8 AS lat, round(m.score::numeric, 3)::float8 AS score
    FROM hits m
    ORDER BY m.score DESC, m.name
    LIMIT ${limit}
  `;
}

async function searchFeatures(on: SearchDb, q: string, limit: number): Promise<SearchResult[]> {
  const query = featuresQuery(q, limit);
  if (!query) return [];
  return (await rows(query, on)).map((r) => ({
    layer: r.layer,
    entity: 'feature',
    id: Number(r.id),
    name: r.name,
    kind: r.kind,
    level: r.level,
    code: r.code,
    parent: r.parent,
    valid_to: r.valid_to,
    point: r.lon === null || r.lat === null ? null : [r.lon, r.lat],
    score: r.score,
  }));
}

/** `on`: a Kysely handle, or the read side of the database (its search pool prepares the statements). */
export async function searchPlaces(
  on: Kysely<DB> | SearchDb,
  q: string,
  limit: number,
): Promise<SearchResult[]> {
  const where: SearchDb = on instanceof Kysely ? { db: on } : on;
  const [unitHits, features] = await Promise.all([
    searchUnits(where, q, limit),
    searchFeatures(where, q, limit),
  ]);
  // Equal scores: what the atlas has located first (the units of data/units.json), then current before ended.
  const located = (r: SearchResult) => (r.point ? 0 : 1);
  const primary = [...unitHits.filter((r) => !r.successor_of), ...features].sort(
    (a, b) =>
      b.score - a.score ||
      located(a) - located(b) ||
      (a.valid_to === b.valid_to
        ? 0
        : a.valid_to === null
          ? -1
          : b.valid_to === null
            ? 1
            : a.valid_to < b.valid_to
              ? 1
              : -1) ||
      a.name.localeCompare(b.name) ||
      a.entity.localeCompare(b.entity) ||
      a.id - b.id,
  );
  // An ended unit is followed by the 2025 units it went to, so that a page never shows one without the other.
  const after = new Map<number, SearchResult[]>();
  for (const r of unitHits)
    if (r.successor_of) after.set(r.successor_of.id, [...(after.get(r.successor_of.id) ?? []), r]);
  const out: SearchResult[] = [];
  for (const r of primary) {
    out.push(r);
    if (r.entity === 'unit') out.push(...(after.get(r.id) ?? []));
  }
  // The atlas's own features keep a third of the page: "kim son" names a dozen communes across the
  // country, and the market a planner looks for must not fall off the end behind them.
  const reserve = Math.min(out.filter((r) => r.entity === 'feature').length, Math.ceil(limit / 3));
  const page: SearchResult[] = [];
  let units = 0;
  for (const r of out) {
    if (page.length >= limit) break;
    if (r.entity === 'unit') {
      if (units >= limit - reserve) continue;
      units++;
    }
    page.push(r);
  }
  return page;
}
