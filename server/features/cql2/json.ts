/**
 * CQL2 JSON → the same expression tree as the text parser, so one compiler
 * (compile.ts) checks types and writes parameterised SQL for both.
 *
 *   parseCql2Json('{"op":"=","args":[{"property":"category"},"market"]}')
 *   // { k: 'cmp', op: '=', l: { k: 'prop', name: 'category' }, r: { k: 'str', v: 'market' } }
 *
 * A JSON filter has no character positions; an error names the place in the
 * document as a JSON pointer instead (`at /args/1`). Geometries are GeoJSON
 * and checked here as the WKT reader checks its literals.
 */
import { badText } from '../../http/params.ts';
import type { Expr, GeometryLiteral } from './ast.ts';
import { Cql2Error } from './error.ts';
import { MAX_DEPTH } from './parser.ts';
import { bboxPolygon } from './wkt.ts';

/** A JSON filter's mistake: `pointer` says where, as a JSON pointer. */
export class Cql2JsonError extends Cql2Error {
  constructor(
    message: string,
    readonly pointer: string,
  ) {
    super(message, 0);
  }
}

const COMPARISONS = { '=': '=', '<>': '<>', '<': '<', '>': '>', '<=': '<=', '>=': '>=' } as const;
const ARITHMETIC = { '+': '+', '-': '-', '*': '*', '/': '/', '%': '%', div: 'div', '^': '^' } as const;
const GEOMETRY_TYPES = new Set([
  'Point',
  'LineString',
  'Polygon',
  'MultiPoint',
  'MultiLineString',
  'MultiPolygon',
  'GeometryCollection',
]);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function parseCql2Json(text: string): Expr {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (e) {
    throw new Cql2JsonError(`not JSON (${(e as Error).message})`, '');
  }
  return read(doc, '', 0);
}

const isObject = (v: Json): v is { [k: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function read(v: Json, at: string, depth: number): Expr {
  if (depth > MAX_DEPTH) throw new Cql2JsonError(`nested more than ${MAX_DEPTH} deep`, at);
  const pos = 0;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Cql2JsonError('a number out of range', at);
    return { k: 'num', v, pos };
  }
  if (typeof v === 'string') {
    // "\u0000" and "\ud800" are valid JSON escapes; PostgreSQL text takes neither.
    const bad = badText(v, true);
    if (bad) throw new Cql2JsonError(`a string must be ${bad}`, at);
    return { k: 'str', v, pos };
  }
  if (typeof v === 'boolean') return { k: 'bool', v, pos };
  if (v === null) return { k: 'null', pos };
  if (Array.isArray(v)) throw new Cql2JsonError('a list is only allowed as the second argument of "in"', at);
  if ('property' in v) {
    if (typeof v.property !== 'string' || v.property === '' || badText(v.property)) {
      throw new Cql2JsonError('"property" must be a property name', at);
    }
    return { k: 'prop', name: v.property, pos };
  }
  if ('bbox' in v) return { k: 'geom', g: bbox(v.bbox, `${at}/bbox`), bbox: true, pos };
  if (typeof v.type === 'string' && GEOMETRY_TYPES.has(v.type)) {
    return { k: 'geom', g: geometry(v, at, 0), bbox: false, pos };
  }
  for (const temporal of ['date', 'timestamp', 'interval']) {
    if (temporal in v) {
      throw new Cql2JsonError(
        `${temporal} literals are not supported: no queryable is a date; use the datetime parameter for years`,
        at,
      );
    }
  }
  if (typeof v.op !== 'string') {
    throw new Cql2JsonError(
      'expected {"op", "args"}, {"property"}, a GeoJSON geometry, {"bbox"} or a literal',
      at,
    );
  }
  if (!Array.isArray(v.args)) throw new Cql2JsonError(`"${v.op}" needs "args", a list`, `${at}/args`);
  return operation(v.op, v.args, at, depth);
}

function operation(op: string, args: Json[], at: string, depth: number): Expr {
  const pos = 0;
  const arg = (i: number) => read(args[i]!, `${at}/args/${i}`, depth + 1);
  const count = (n: number) => {
    if (args.length !== n)
      throw new Cql2JsonError(`"${op}" takes ${n} arguments, got ${args.length}`, `${at}/args`);
  };
  const lower = op.toLowerCase();
  if (lower === 'and' || lower === 'or') {
    if (args.length < 2) throw new Cql2JsonError(`"${op}" takes at least 2 arguments`, `${at}/args`);
    let e = arg(0);
    for (let i = 1; i < args.length; i++) e = { k: lower, l: e, r: arg(i), pos };
    return e;
  }
  if (lower === 'not') {
    count(1);
    return { k: 'not', e: arg(0), pos };
  }
  if (op in COMPARISONS) {
    count(2);
    return { k: 'cmp', op: COMPARISONS[op as keyof typeof COMPARISONS], l: arg(0), r: arg(1), pos };
  }
  if (op in ARITHMETIC) {
    count(2);
    return { k: 'arith', op: ARITHMETIC[op as keyof typeof ARITHMETIC], l: arg(0), r: arg(1), pos };
  }
  switch (lower) {
    case 'like':
      count(2);
      return { k: 'like', not: false, ci: false, l: arg(0), r: arg(1), pos };
    case 'between':
      count(3);
      return { k: 'between', not: false, e: arg(0), lo: arg(1), hi: arg(2), pos };
    case 'in': {
      count(2);
      const list = args[1];
      if (!Array.isArray(list) || list.length === 0) {
        throw new Cql2JsonError('"in" takes a value and a non-empty list', `${at}/args/1`);
      }
      return {
        k: 'in',
        not: false,
        e: arg(0),
        list: list.map((x, i) => read(x, `${at}/args/1/${i}`, depth + 1)),
        pos,
      };
    }
    case 'isnull':
      count(1);
      return { k: 'isnull', not: false, e: arg(0), pos };
  }
  // Functions, spatial operators (s_intersects...), casei and accenti: the compiler knows which exist.
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(op)) throw new Cql2JsonError(`unknown operator "${op}"`, `${at}/op`);
  return { k: 'call', name: op.toUpperCase(), args: args.map((_, i) => arg(i)), pos };
}

function bbox(v: Json | undefined, at: string): GeometryLiteral {
  if (!Array.isArray(v) || (v.length !== 4 && v.length !== 6) || v.some((n) => !finite(n))) {
    throw new Cql2JsonError('"bbox" takes four (or six) numbers', at);
  }
  const box = bboxPolygon(v as number[]);
  if (!box) throw new Cql2JsonError('"bbox" must be minx, miny, maxx, maxy with min ≤ max', at);
  return box;
}

const finite = (n: Json | undefined): boolean => typeof n === 'number' && Number.isFinite(n);

type Position = number[];

/** A GeoJSON geometry, rebuilt from what was checked (nothing else of the object reaches SQL). */
function geometry(v: { [k: string]: Json }, at: string, depth: number): GeometryLiteral {
  const type = v.type as string;
  if (type === 'GeometryCollection') {
    if (depth > 0) throw new Cql2JsonError('a GeometryCollection inside a GeometryCollection', at);
    const parts = v.geometries;
    if (!Array.isArray(parts) || parts.length === 0) {
      throw new Cql2JsonError('a GeometryCollection needs "geometries"', `${at}/geometries`);
    }
    return {
      type,
      geometries: parts.map((g, i) => {
        const where = `${at}/geometries/${i}`;
        if (!isObject(g) || typeof g.type !== 'string' || !GEOMETRY_TYPES.has(g.type)) {
          throw new Cql2JsonError('expected a GeoJSON geometry', where);
        }
        return geometry(g, where, depth + 1);
      }),
    };
  }
  const c = v.coordinates;
  const where = `${at}/coordinates`;
  const position = (p: Json | undefined, w: string): Position => {
    if (!Array.isArray(p) || p.length < 2 || p.length > 3 || p.some((n) => !finite(n))) {
      throw new Cql2JsonError('a position is two or three numbers', w);
    }
    return p as number[];
  };
  const list = <T>(x: Json | undefined, w: string, item: (y: Json, w: string) => T): T[] => {
    if (!Array.isArray(x) || x.length === 0)
      throw new Cql2JsonError(`${type} coordinates must be a non-empty list`, w);
    return x.map((y, i) => item(y, `${w}/${i}`));
  };
  const line = (x: Json, w: string): Position[] => {
    const pts = list(x, w, position);
    if (pts.length < 2) throw new Cql2JsonError('a line needs at least two positions', w);
    return pts;
  };
  const polygon = (x: Json, w: string): Position[][] =>
    list(x, w, (r, rw) => {
      const ring = list(r, rw, position);
      const [first, last] = [ring[0]!, ring[ring.length - 1]!];
      if (ring.length < 4) throw new Cql2JsonError('a polygon ring needs at least four positions', rw);
      if (first.length !== last.length || first.some((n, i) => n !== last[i])) {
        throw new Cql2JsonError('a polygon ring must end where it starts', rw);
      }
      return ring;
    });
  switch (type) {
    case 'Point':
      return { type, coordinates: position(c, where) };
    case 'LineString':
      return { type, coordinates: line(c ?? null, where) };
    case 'Polygon':
      return { type, coordinates: polygon(c ?? null, where) };
    case 'MultiPoint':
      return { type, coordinates: list(c, where, position) };
    case 'MultiLineString':
      return { type, coordinates: list(c, where, line) };
    default:
      return { type, coordinates: list(c, where, polygon) };
  }
}
