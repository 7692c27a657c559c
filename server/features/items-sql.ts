/**
 * SQL of the items routes, built from the registry and the parsed request.
 * PostgreSQL writes each feature's GeoJSON text; the page is cut inside a
 * subquery so only the rows returned pay for JSON building:
 *
 *   SELECT '{"type":"Feature","id":' || t.id || ',"geometry":'
 *          || COALESCE(ST_AsGeoJSON(t.geom, 7, 0), 'null') || ',"properties":'
 *          || json_build_object($1, t."name", $2, t."category", …)::text || '}' AS f
 *   FROM (SELECT * FROM "layer_projects" WHERE … ORDER BY "name", "id" LIMIT $n OFFSET $m) t
 *   ORDER BY "name", "id"
 */
import { type RawBuilder, sql } from 'kysely';
import type { LayerDef, LayerProperty } from '../layers/index.ts';
import { bboxWhere } from './bbox.ts';
import { coordinateDigits, type Srid } from './crs.ts';
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

/** Requested order, then id so pages never overlap; NULLs last either way. */
export function orderBy(p: Pick<ItemsParams, 'sortby'>): RawBuilder<unknown> {
  const keys = [...p.sortby];
  if (!keys.some((k) => k.name === 'id')) keys.push({ name: 'id', desc: false });
  return sql.join(
    keys.map((k) =>
      k.desc ? sql`${sql.ref(k.name)} DESC NULLS LAST` : sql`${sql.ref(k.name)} ASC NULLS LAST`,
    ),
  );
}

function page(layer: LayerDef, where: RawBuilder<unknown>, p: ItemsParams): RawBuilder<unknown> {
  return sql`(SELECT * FROM ${sql.table(layer.view)} WHERE ${where} ORDER BY ${orderBy(p)} LIMIT ${p.limit}::int OFFSET ${p.offset}::bigint) t`;
}

function geometry(srid: Srid): RawBuilder<unknown> {
  const g = srid === 4326 ? sql.ref('t.geom') : sql`ST_Transform(${sql.ref('t.geom')}, 3857)`;
  return sql`ST_AsGeoJSON(${g}, ${coordinateDigits(srid)}::int, 0)`;
}

/**
 * json_build_object takes at most 100 arguments: properties go in groups of
 * 40 pairs, merged as jsonb when a layer ever has more.
 */
function propertiesJson(props: readonly LayerProperty[]): RawBuilder<unknown> {
  if (props.length === 0) return sql`'{}'`;
  const groups: RawBuilder<unknown>[] = [];
  for (let i = 0; i < props.length; i += 40) {
    const pairs = props.slice(i, i + 40).map((q) => sql`${q.name}::text, ${sql.ref(`t.${q.name}`)}`);
    groups.push(sql`json_build_object(${sql.join(pairs)})`);
  }
  if (groups.length === 1) return sql`${groups[0]!}::text`;
  return sql`(${sql.join(
    groups.map((g) => sql`${g}::jsonb`),
    sql` || `,
  )})::text`;
}

/** One row per feature: its GeoJSON text in column `f`. */
export function featuresSql(
  layer: LayerDef,
  where: RawBuilder<unknown>,
  p: ItemsParams,
): RawBuilder<unknown> {
  return sql`
    SELECT '{"type":"Feature","id":' || t.id || ',"geometry":' || COALESCE(${geometry(p.crs)}, 'null')
           || ',"properties":' || ${propertiesJson(p.properties)} || '}' AS f
    FROM ${page(layer, where, p)}
    ORDER BY ${orderBy(p)}`;
}

/** One feature by id, the same text as featuresSql. */
export function featureSql(layer: LayerDef, id: number, srid: Srid): RawBuilder<unknown> {
  return sql`
    SELECT '{"type":"Feature","id":' || t.id || ',"geometry":' || COALESCE(${geometry(srid)}, 'null')
           || ',"properties":' || ${propertiesJson(layer.properties)} || '}' AS f
    FROM ${sql.table(layer.view)} t WHERE t.id = ${id}::bigint`;
}

/** Attribute table rows (arrays): id, the properties, and lon/lat (x/y in 3857) for point layers. */
export function csvSql(layer: LayerDef, where: RawBuilder<unknown>, p: ItemsParams): RawBuilder<unknown> {
  const cols = [sql.ref('t.id'), ...p.properties.map((q) => sql.ref(`t.${q.name}`))];
  if (layer.geometryType === 'Point') {
    const g = p.crs === 4326 ? sql.ref('t.geom') : sql`ST_Transform(${sql.ref('t.geom')}, 3857)`;
    const digits = coordinateDigits(p.crs);
    cols.push(
      sql`round(ST_X(${g})::numeric, ${digits}::int)`,
      sql`round(ST_Y(${g})::numeric, ${digits}::int)`,
    );
  }
  return sql`SELECT ${sql.join(cols)} FROM ${page(layer, where, p)} ORDER BY ${orderBy(p)}`;
}

export function csvColumns(layer: LayerDef, p: ItemsParams): string[] {
  const cols = ['id', ...p.properties.map((q) => q.name)];
  if (layer.geometryType === 'Point') cols.push(...(p.crs === 4326 ? ['lon', 'lat'] : ['x', 'y']));
  return cols;
}

export function countSql(layer: LayerDef, where: RawBuilder<unknown>): RawBuilder<{ n: number }> {
  return sql<{ n: number }>`SELECT count(*)::bigint AS n FROM ${sql.table(layer.view)} WHERE ${where}`;
}
