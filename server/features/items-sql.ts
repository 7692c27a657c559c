/**
 * SQL of the items routes, built from the registry and the parsed request.
 * PostGIS writes each geometry's GeoJSON; the page is cut inside a subquery
 * so only the rows returned pay for it:
 *
 *   SELECT "t"."id", ST_AsGeoJSON("t"."geom", 7, 0), "t"."name", …, "t"."name", "t"."id"
 *   FROM (SELECT * FROM "layer_projects" WHERE (…) AND ("name" > $1 OR "name" IS NULL
 *          OR ("name" = $2 AND "id" > $3)) ORDER BY "name", "id" LIMIT $n) t
 *   ORDER BY "name", "id"
 *
 * The trailing columns are the row's sort keys (sortby, then id): the next
 * link's cursor (cursor.ts) carries the last row's, and the page it opens
 * starts after them (keyset) instead of walking an OFFSET. See page() for
 * the variants.
 *
 * The properties come back as typed columns and feature-text.ts writes
 * them: json_build_object cost PostgreSQL 13-16 µs a row (1.3-1.6 s for the
 * 100,000 benchmark projects, more than GDAL's whole export), the same text
 * written in Node costs a few µs and runs beside PostgreSQL, not after it.
 */
import { type RawBuilder, sql } from 'kysely';
import type { LayerDef } from '../layers/index.ts';
import { bboxWhere } from './bbox.ts';
import { coordinateDigits, type Srid } from './crs.ts';
import type { PageCursor } from './cursor.ts';
import { digitsFor, generalised } from './generalise.ts';
import type { ItemsParams } from './items-params.ts';

const TYPE_CAST: Record<string, RawBuilder<unknown>> = {
  string: sql`text`,
  integer: sql`float8`,
  number: sql`float8`,
  boolean: sql`boolean`,
};

/** Everything that selects features (bbox, datetime, simple filters, CQL2), ANDed. */
export function whereClause(p: ItemsParams, layer: LayerDef): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  if (p.bbox) parts.push(bboxWhere(p.bbox));
  if (p.years && layer.timeField) {
    const t = sql.ref(layer.timeField);
    if (p.years.from !== undefined) parts.push(sql`${t} >= ${p.years.from}::int`);
    if (p.years.to !== undefined) parts.push(sql`${t} <= ${p.years.to}::int`);
  }
  for (const f of p.simple) {
    parts.push(sql`${sql.ref(f.property.name)} = ${f.value}::${TYPE_CAST[f.property.type]!}`);
  }
  if (p.filter) parts.push(p.filter);
  return parts.length ? sql.join(parts, sql` AND `) : sql`TRUE`;
}

export interface SortKey {
  name: string;
  desc: boolean;
}

/** Requested order, then id so that the order is total and pages never overlap. */
export function sortKeys(p: Pick<ItemsParams, 'sortby'>): SortKey[] {
  const keys = [...p.sortby];
  if (!keys.some((k) => k.name === 'id')) keys.push({ name: 'id', desc: false });
  return keys;
}

/** The order of the result set, NULLs last either way; `reverse` walks it from the end. */
export function orderBy(p: Pick<ItemsParams, 'sortby'>, reverse = false): RawBuilder<unknown> {
  return sql.join(
    sortKeys(p).map((k) => {
      const col = sql.ref(k.name);
      if (reverse) return k.desc ? sql`${col} ASC NULLS FIRST` : sql`${col} DESC NULLS FIRST`;
      return k.desc ? sql`${col} DESC NULLS LAST` : sql`${col} ASC NULLS LAST`;
    }),
  );
}

/**
 * Rows beyond the cursor's row in its direction, for the order of
 * orderBy(): row-by-row the first sort key that differs decides.
 *
 *   sortby=-investment_bn_vnd, after (358.61, 42):
 *   ("investment_bn_vnd" < $1 OR "investment_bn_vnd" IS NULL)
 *     OR ("investment_bn_vnd" = $2 AND "id" > $3)
 *
 * The values are parameters without a cast: PostgreSQL gives each the
 * column's own type, so the comparison is the one ORDER BY uses (numeric
 * stays numeric, text keeps the column's collation).
 */
function keyset(keys: SortKey[], at: PageCursor): RawBuilder<unknown> {
  const alternatives: RawBuilder<unknown>[] = [];
  const equal: RawBuilder<unknown>[] = [];
  keys.forEach((k, i) => {
    const col = sql.ref(k.name);
    const v = at.keys[i] ?? null;
    const past = beyond(col, k, v, at.forward);
    if (past) alternatives.push(sql`(${sql.join([...equal, past], sql` AND `)})`);
    equal.push(v === null ? sql`${col} IS NULL` : sql`${col} = ${v}`);
  });
  return alternatives.length ? sql.join(alternatives, sql` OR `) : sql`FALSE`;
}

/** Values of one key strictly beyond `v` (later going forward, earlier going back); NULLs are last. */
function beyond(
  col: RawBuilder<unknown>,
  k: SortKey,
  v: string | null,
  forward: boolean,
): RawBuilder<unknown> | undefined {
  const nullable = k.name !== 'id';
  if (forward) {
    if (v === null) return undefined;
    const later = k.desc ? sql`${col} < ${v}` : sql`${col} > ${v}`;
    return nullable ? sql`(${later} OR ${col} IS NULL)` : later;
  }
  if (v === null) return sql`${col} IS NOT NULL`;
  return k.desc ? sql`${col} > ${v}` : sql`${col} < ${v}`;
}

/**
 * The page's rows:
 * - first page: one plain ORDER BY … LIMIT;
 * - after a cursor (next links): the same with the keyset condition, as
 *   cheap on page 1,000 as on page 1 when an index serves the order;
 * - before a cursor (prev links): the order reversed, then put back;
 * - `offset` (clients that send it themselves): in two steps, the ids of
 *   the page first (a narrow query the planner answers from indexes,
 *   dropping joins it does not need), then the full rows of those ids
 *   only; OFFSET still walks the skipped rows, but only their ids.
 */
function page(
  layer: LayerDef,
  where: RawBuilder<unknown>,
  p: ItemsParams,
  at: PageCursor | undefined,
): RawBuilder<unknown> {
  const view = sql.table(layer.view);
  const id = sql.ref('id');
  const limit = sql`LIMIT ${p.limit}::int`;
  if (at) {
    const cond = sql`(${where}) AND (${keyset(sortKeys(p), at)})`;
    return sql`(SELECT * FROM ${view} WHERE ${cond} ORDER BY ${orderBy(p, !at.forward)} ${limit}) t`;
  }
  if (p.offset === 0) return sql`(SELECT * FROM ${view} WHERE ${where} ORDER BY ${orderBy(p)} ${limit}) t`;
  const ids = sql`SELECT ${id} FROM ${view} WHERE ${where} ORDER BY ${orderBy(p)} ${limit} OFFSET ${p.offset}::bigint`;
  return sql`(SELECT * FROM ${view} WHERE ${id} IN (${ids})) t`;
}

/** The row's sort keys (sortKeys order), after the columns the writers use. */
function keyColumns(p: ItemsParams): RawBuilder<unknown>[] {
  return sortKeys(p).map((k) => sql.ref(`t.${k.name}`));
}

/** The geometry's GeoJSON text, in `srid`, simplified to `tol` (generalise.ts) when the request asked. */
function geometry(layer: LayerDef, srid: Srid, tol?: number): RawBuilder<unknown> {
  let g = srid === 4326 ? sql.ref('t.geom') : sql`ST_Transform(${sql.ref('t.geom')}, 3857)`;
  const simplify = tol !== undefined && layer.geometryType !== 'Point';
  if (simplify) g = generalised(g, tol);
  return sql`ST_AsGeoJSON(${g}, ${simplify ? digitsFor(srid, tol) : coordinateDigits(srid)}::int, 0)`;
}

/** Feature rows (arrays): id, the geometry's GeoJSON text, then each property's value. */
export function featuresSql(
  layer: LayerDef,
  where: RawBuilder<unknown>,
  p: ItemsParams,
  at?: PageCursor,
): RawBuilder<unknown> {
  const cols = [
    sql.ref('t.id'),
    geometry(layer, p.crs, p.tolerance),
    ...p.properties.map((q) => sql.ref(`t.${q.name}`)),
    ...keyColumns(p),
  ];
  return sql`SELECT ${sql.join(cols)} FROM ${page(layer, where, p, at)} ORDER BY ${orderBy(p)}`;
}

/** One feature by id, as the same kind of row. */
export function featureSql(layer: LayerDef, id: number, srid: Srid, tol?: number): RawBuilder<unknown> {
  const cols = [
    sql.ref('t.id'),
    geometry(layer, srid, tol),
    ...layer.properties.map((q) => sql.ref(`t.${q.name}`)),
  ];
  return sql`SELECT ${sql.join(cols)} FROM ${sql.table(layer.view)} t WHERE t.id = ${id}::bigint`;
}

/**
 * Attribute table rows (arrays): id, the properties, lon/lat (x/y in 3857)
 * for point layers, the row's sort keys, then the sort keys of the page's
 * last row: the Link header goes out before the body, so the next link's
 * cursor must be known from the first row (the window sorts the page's
 * rows once, for itself and the ORDER BY).
 */
export function csvSql(
  layer: LayerDef,
  where: RawBuilder<unknown>,
  p: ItemsParams,
  at?: PageCursor,
): RawBuilder<unknown> {
  const cols = [sql.ref('t.id'), ...p.properties.map((q) => sql.ref(`t.${q.name}`))];
  if (layer.geometryType === 'Point') {
    const g = p.crs === 4326 ? sql.ref('t.geom') : sql`ST_Transform(${sql.ref('t.geom')}, 3857)`;
    const digits = coordinateDigits(p.crs);
    cols.push(
      sql`round(ST_X(${g})::numeric, ${digits}::int)::float8`,
      sql`round(ST_Y(${g})::numeric, ${digits}::int)::float8`,
    );
  }
  const keys = keyColumns(p);
  const last = keys.map((k) => sql`last_value(${k}) OVER w`);
  const w = sql`WINDOW w AS (ORDER BY ${orderBy(p)} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`;
  return sql`SELECT ${sql.join([...cols, ...keys, ...last])} FROM ${page(layer, where, p, at)} ${w} ORDER BY ${orderBy(p)}`;
}

/**
 * Where a row of featuresSql or csvSql holds its sort keys: `own` for the
 * row's, `last` for the page's last row's (csvSql only). Both are the
 * values a cursor carries.
 */
export function rowKeys(layer: LayerDef, p: ItemsParams) {
  const n = sortKeys(p).length;
  const at = p.format === 'csv' ? csvColumns(layer, p).length : 2 + p.properties.length;
  const slice = (row: unknown[], from: number) => row.slice(from, from + n) as (string | null)[];
  return {
    own: (row: unknown[]) => slice(row, at),
    last: p.format === 'csv' ? (row: unknown[]) => slice(row, at + n) : undefined,
  };
}

export function csvColumns(layer: LayerDef, p: ItemsParams): string[] {
  const cols = ['id', ...p.properties.map((q) => q.name)];
  if (layer.geometryType === 'Point') cols.push(...(p.crs === 4326 ? ['lon', 'lat'] : ['x', 'y']));
  return cols;
}

export function countSql(layer: LayerDef, where: RawBuilder<unknown>): RawBuilder<{ n: number }> {
  return sql<{ n: number }>`SELECT count(*)::bigint AS n FROM ${sql.table(layer.view)} WHERE ${where}`;
}
