/**
 * Expression tree → a Kysely `sql` fragment for WHERE, with every literal a
 * parameter and every identifier a registry property (sql.ref). Types are
 * checked here, so a mistyped filter is a 400 with its position, never a
 * PostgreSQL error.
 *
 *   category = 'market' AND DWITHIN_KM(geometry, POINT(103.97 22.34), 10)
 *   // "category" = $1::text AND ST_DWithin("geom"::geography, ST_GeomFromGeoJSON($2)::geography, $3::float8)
 */
import { type RawBuilder, sql } from 'kysely';
import type { Expr, GeometryLiteral } from './ast.ts';
import { Cql2Error } from './error.ts';

export type ValueType = 'string' | 'number' | 'boolean' | 'geometry';

export interface Cql2Context {
  /** Properties a filter may use, by name: `geometry` plus the layer's filterable ones and `id`. */
  queryables: ReadonlyMap<string, { type: ValueType; column: string; integer?: boolean }>;
  /** Every property of the layer, to tell "not queryable" from "unknown". */
  properties: ReadonlySet<string>;
  /** CRS of geometry literals: 4326 (CRS84, lon/lat) or 3857. */
  filterSrid: 4326 | 3857;
}

interface Typed {
  sql: RawBuilder<unknown>;
  type: ValueType | 'null';
  /** An integer queryable (its literals must fit a bigint). */
  integer?: boolean;
  /** The value of a number literal (or of a negated one). */
  literal?: number;
}

/**
 * Most positions in all the geometry literals of one filter together. The
 * text of a filter is bounded too (MAX_FILTER_LENGTH), but a position can be
 * four characters ("0 0,") and each costs PostGIS work (ST_MakeValid, the
 * spatial test against every candidate row).
 */
export const MAX_VERTICES = 2_000;

/** What an integer queryable can hold (bigint): a number literal beyond it is a mistake. */
const INTEGER_RANGE = 2 ** 63;

/** The compiler's state for one filter. */
interface Ctx extends Cql2Context {
  vertices: number;
}

/** The functions a filter may call, as /ogc/functions lists them. */
export const FUNCTION_NAMES = [
  'CASEI',
  'ACCENTI',
  'S_INTERSECTS',
  'S_EQUALS',
  'S_DISJOINT',
  'S_TOUCHES',
  'S_WITHIN',
  'S_OVERLAPS',
  'S_CROSSES',
  'S_CONTAINS',
  'DWITHIN_KM',
] as const;

const SPATIAL: Record<string, (a: RawBuilder<unknown>, b: RawBuilder<unknown>) => RawBuilder<unknown>> = {
  S_INTERSECTS: (a, b) => sql`ST_Intersects(${a}, ${b})`,
  S_EQUALS: (a, b) => sql`ST_Equals(${a}, ${b})`,
  S_DISJOINT: (a, b) => sql`ST_Disjoint(${a}, ${b})`,
  S_TOUCHES: (a, b) => sql`ST_Touches(${a}, ${b})`,
  S_WITHIN: (a, b) => sql`ST_Within(${a}, ${b})`,
  S_OVERLAPS: (a, b) => sql`ST_Overlaps(${a}, ${b})`,
  S_CROSSES: (a, b) => sql`ST_Crosses(${a}, ${b})`,
  S_CONTAINS: (a, b) => sql`ST_Contains(${a}, ${b})`,
};

type Binary = (a: RawBuilder<unknown>, b: RawBuilder<unknown>) => RawBuilder<unknown>;

const COMPARE: Record<string, Binary> = {
  '=': (a, b) => sql`${a} = ${b}`,
  '<>': (a, b) => sql`${a} <> ${b}`,
  '<': (a, b) => sql`${a} < ${b}`,
  '>': (a, b) => sql`${a} > ${b}`,
  '<=': (a, b) => sql`${a} <= ${b}`,
  '>=': (a, b) => sql`${a} >= ${b}`,
};

// Division and modulo by zero give NULL (no match) instead of an error;
// % and DIV go through numeric because float8 has neither.
const ARITH: Record<string, Binary> = {
  '+': (a, b) => sql`(${a} + ${b})`,
  '-': (a, b) => sql`(${a} - ${b})`,
  '*': (a, b) => sql`(${a} * ${b})`,
  '/': (a, b) => sql`(${a} / NULLIF(${b}, 0))`,
  '%': (a, b) => sql`mod((${a})::numeric, NULLIF((${b})::numeric, 0))::float8`,
  div: (a, b) => sql`div((${a})::numeric, NULLIF((${b})::numeric, 0))::float8`,
  '^': (a, b) => sql`power(${a}, ${b})`,
};

/** Half the Earth's circumference: every point is within this distance of every other. */
const MAX_KM = 20_040;

export function compileFilter(e: Expr, context: Cql2Context): RawBuilder<unknown> {
  const t = compile(e, { ...context, vertices: 0 });
  if (t.type !== 'boolean') throw new Cql2Error('the filter must be a condition (true or false)', e.pos);
  return t.sql;
}

function compile(e: Expr, ctx: Ctx): Typed {
  switch (e.k) {
    case 'and':
    case 'or': {
      // A flat list, not nested pairs: a long chain of ORs stays one level deep for PostgreSQL too.
      const parts = operands(e, e.k).map((x) => want(compile(x, ctx), 'boolean', x.pos, e.k.toUpperCase()));
      return { sql: sql`(${sql.join(parts, e.k === 'and' ? sql` AND ` : sql` OR `)})`, type: 'boolean' };
    }
    case 'not':
      return { sql: sql`(NOT ${want(compile(e.e, ctx), 'boolean', e.e.pos, 'NOT')})`, type: 'boolean' };
    case 'cmp': {
      const [l, r] = same(compile(e.l, ctx), compile(e.r, ctx), e.pos, e.op);
      if (l.type === 'geometry')
        throw new Cql2Error(`geometries cannot be compared with ${e.op}; use S_EQUALS`, e.pos);
      return { sql: COMPARE[e.op]!(l.sql, r.sql), type: 'boolean' };
    }
    case 'like': {
      let l = want(compile(e.l, ctx), 'string', e.l.pos, 'LIKE');
      checkPattern(e.r);
      let r = want(compile(e.r, ctx), 'string', e.r.pos, 'LIKE');
      if (e.ci) [l, r] = [sql`lower(${l})`, sql`lower(${r})`];
      return { sql: e.not ? sql`(${l} NOT LIKE ${r})` : sql`(${l} LIKE ${r})`, type: 'boolean' };
    }
    case 'between': {
      const v = compile(e.e, ctx);
      const [, lo] = same(v, compile(e.lo, ctx), e.pos, 'BETWEEN');
      const [, hi] = same(v, compile(e.hi, ctx), e.pos, 'BETWEEN');
      if (v.type !== 'number' && v.type !== 'string') {
        throw new Cql2Error('BETWEEN compares numbers or strings', e.pos);
      }
      const s = sql`${v.sql} BETWEEN ${lo.sql} AND ${hi.sql}`;
      return { sql: e.not ? sql`(NOT (${s}))` : sql`(${s})`, type: 'boolean' };
    }
    case 'in': {
      const v = compile(e.e, ctx);
      if (v.type === 'geometry') throw new Cql2Error('IN compares values, not geometries', e.pos);
      const items = e.list.map((x) => same(v, compile(x, ctx), x.pos, 'IN')[1].sql);
      const list = sql.join(items);
      return {
        sql: e.not ? sql`(${v.sql} NOT IN (${list}))` : sql`(${v.sql} IN (${list}))`,
        type: 'boolean',
      };
    }
    case 'isnull': {
      const v = compile(e.e, ctx);
      return { sql: e.not ? sql`(${v.sql} IS NOT NULL)` : sql`(${v.sql} IS NULL)`, type: 'boolean' };
    }
    case 'arith': {
      const l = want(compile(e.l, ctx), 'number', e.l.pos, e.op);
      const r = want(compile(e.r, ctx), 'number', e.r.pos, e.op);
      return { sql: ARITH[e.op]!(l, r), type: 'number' };
    }
    case 'neg': {
      const v = compile(e.e, ctx);
      const literal = v.literal === undefined ? undefined : -v.literal;
      return { sql: sql`(- ${want(v, 'number', e.e.pos, '-')})`, type: 'number', literal };
    }
    case 'num':
      return { sql: sql`${e.v}::float8`, type: 'number', literal: e.v };
    case 'str':
      return { sql: sql`${e.v}::text`, type: 'string' };
    case 'bool':
      return { sql: e.v ? sql`TRUE` : sql`FALSE`, type: 'boolean' };
    case 'null':
      return { sql: sql`NULL`, type: 'null' };
    case 'prop':
      return property(e.name, e.pos, ctx);
    case 'geom':
      return { sql: geometry(e.g, e.bbox, e.pos, ctx), type: 'geometry' };
    case 'call':
      return call(e, ctx);
  }
}

/** The operands of a chain of one boolean operator, left to right, without recursion. */
function operands(e: Expr, k: 'and' | 'or'): Expr[] {
  const out: Expr[] = [];
  const stack: Expr[] = [e];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.k === k) stack.push(x.r, x.l);
    else out.push(x);
  }
  return out;
}

function property(name: string, pos: number, ctx: Ctx): Typed {
  const q = ctx.queryables.get(name);
  if (q) return { sql: sql.ref(q.column), type: q.type, integer: q.integer };
  const names = [...ctx.queryables.keys()].join(', ');
  if (ctx.properties.has(name)) {
    throw new Cql2Error(`property "${name}" is not queryable; queryables: ${names}`, pos);
  }
  throw new Cql2Error(`unknown property "${name}"; queryables: ${names}`, pos);
}

function call(e: Extract<Expr, { k: 'call' }>, ctx: Ctx): Typed {
  const arity = (n: number) => {
    if (e.args.length !== n) throw new Cql2Error(`${e.name} takes ${n} argument${n > 1 ? 's' : ''}`, e.pos);
  };
  if (e.name === 'CASEI' || e.name === 'ACCENTI') {
    arity(1);
    const v = want(compile(e.args[0]!, ctx), 'string', e.args[0]!.pos, e.name);
    // ACCENTI folds Vietnamese đ/Đ as search does (plain_text), and keeps case.
    return {
      sql:
        e.name === 'CASEI'
          ? sql`lower(${v})`
          : sql`public.unaccent('public.unaccent'::regdictionary, translate(${v}, 'Đđ', 'Dd'))`,
      type: 'string',
    };
  }
  const spatial = SPATIAL[e.name];
  if (spatial) {
    arity(2);
    const a = want(compile(e.args[0]!, ctx), 'geometry', e.args[0]!.pos, e.name);
    const b = want(compile(e.args[1]!, ctx), 'geometry', e.args[1]!.pos, e.name);
    return { sql: spatial(a, b), type: 'boolean' };
  }
  if (e.name === 'DWITHIN_KM') {
    arity(3);
    const a = want(compile(e.args[0]!, ctx), 'geometry', e.args[0]!.pos, e.name);
    const b = want(compile(e.args[1]!, ctx), 'geometry', e.args[1]!.pos, e.name);
    const km = e.args[2]!;
    if (km.k !== 'num' || km.v < 0 || km.v > MAX_KM) {
      throw new Cql2Error(`DWITHIN_KM's third argument must be a distance in km from 0 to ${MAX_KM}`, km.pos);
    }
    // On the spheroid, in metres; the GiST index on geom::geography serves it.
    return {
      sql: sql`ST_DWithin(${a}::geography, ${b}::geography, ${km.v * 1000}::float8)`,
      type: 'boolean',
    };
  }
  throw new Cql2Error(`unknown function ${e.name}; functions: ${FUNCTION_NAMES.join(', ')}`, e.pos);
}

/** A geometry literal in EPSG:4326, made valid so GEOS never throws on a bow-tie polygon. */
function geometry(g: GeometryLiteral, bbox: boolean, pos: number, ctx: Ctx): RawBuilder<unknown> {
  ctx.vertices += checkRange(g, pos, ctx.filterSrid);
  if (ctx.vertices > MAX_VERTICES) {
    throw new Cql2Error(`geometries of more than ${MAX_VERTICES} positions in all`, pos);
  }
  const json = JSON.stringify(g);
  const read =
    ctx.filterSrid === 4326
      ? sql`ST_SetSRID(ST_GeomFromGeoJSON(${json}::text), 4326)`
      : sql`ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${json}::text), 3857), 4326)`;
  return bbox || g.type === 'Point' ? read : sql`ST_MakeValid(${read})`;
}

const WEB_MERCATOR_MAX = 20_037_508.342_789_244;

/** Checks every position of `g` is in range; returns how many there are. */
function checkRange(g: GeometryLiteral, pos: number, srid: 4326 | 3857): number {
  let n = 0;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      n++;
      const [x, y] = c as number[];
      const ok =
        srid === 4326
          ? Math.abs(x!) <= 180 && Math.abs(y!) <= 90
          : Math.abs(x!) <= WEB_MERCATOR_MAX && Math.abs(y!) <= WEB_MERCATOR_MAX;
      if (!ok) {
        const range = srid === 4326 ? 'longitude -180..180, latitude -90..90' : `±${WEB_MERCATOR_MAX} m`;
        throw new Cql2Error(`coordinate ${x} ${y} is outside ${range}`, pos);
      }
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  visit(g.coordinates);
  for (const m of g.geometries ?? []) n += checkRange(m, pos, srid);
  return n;
}

/** LIKE patterns are literals (maybe under CASEI/ACCENTI) that do not end in a lone escape. */
function checkPattern(e: Expr): void {
  let x = e;
  while (x.k === 'call' && (x.name === 'CASEI' || x.name === 'ACCENTI') && x.args.length === 1)
    x = x.args[0]!;
  if (x.k !== 'str') throw new Cql2Error('the LIKE pattern must be a string literal', e.pos);
  const trailing = /\\+$/.exec(x.v)?.[0].length ?? 0;
  if (trailing % 2 === 1) throw new Cql2Error('the LIKE pattern ends with a lone escape character \\', e.pos);
}

function want(t: Typed, type: ValueType, pos: number, where: string): RawBuilder<unknown> {
  if (t.type !== type && t.type !== 'null') {
    throw new Cql2Error(`${where} needs ${article(type)}, got ${article(t.type)}`, pos);
  }
  return t.sql;
}

function same(a: Typed, b: Typed, pos: number, where: string): [Typed, Typed] {
  if (a.type !== b.type && a.type !== 'null' && b.type !== 'null') {
    throw new Cql2Error(`${where} compares ${article(a.type)} with ${article(b.type)}`, pos);
  }
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    if (x.integer && y.literal !== undefined && Math.abs(y.literal) > INTEGER_RANGE) {
      throw new Cql2Error(
        `${where} compares an integer property with ${y.literal}, beyond what an integer holds (±2^63)`,
        pos,
      );
    }
  }
  return [a, b];
}

function article(t: ValueType | 'null'): string {
  return {
    string: 'a string',
    number: 'a number',
    boolean: 'a condition',
    geometry: 'a geometry',
    null: 'NULL',
  }[t];
}
