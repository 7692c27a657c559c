/**
 * Geometry literals of CQL2 text: WKT (POINT, LINESTRING, POLYGON, their
 * MULTI forms, GEOMETRYCOLLECTION; 2D or Z) and BBOX(minx, miny, maxx, maxy),
 * read into GeoJSON so PostGIS takes them as one parameter.
 *
 *   POLYGON((100 20, 101 20, 101 21, 100 20)) // { type: 'Polygon', coordinates: [[[100,20],…]] }
 *
 * Shapes PostGIS would reject (a one-point line, an open ring) are refused
 * here, with their position, so they never reach the database as a 500.
 */
import type { GeometryLiteral } from './ast.ts';
import { Cql2Error } from './error.ts';
import type { Parser } from './parser.ts';

export const GEOMETRY_KEYWORDS = new Set([
  'POINT',
  'LINESTRING',
  'POLYGON',
  'MULTIPOINT',
  'MULTILINESTRING',
  'MULTIPOLYGON',
  'GEOMETRYCOLLECTION',
]);

const GEOJSON_TYPE: Record<string, string> = {
  POINT: 'Point',
  LINESTRING: 'LineString',
  POLYGON: 'Polygon',
  MULTIPOINT: 'MultiPoint',
  MULTILINESTRING: 'MultiLineString',
  MULTIPOLYGON: 'MultiPolygon',
  GEOMETRYCOLLECTION: 'GeometryCollection',
};

type Position = number[];

/**
 * Deepest nesting of GEOMETRYCOLLECTIONs in a WKT literal (a collection in a
 * collection is 2). PostGIS reads the literal as GeoJSON, whose parser stops
 * at 32 levels of JSON ("nesting too deep": a 500 at 15 collections); 4 is
 * far below that and above any real use. CQL2 JSON takes no collection
 * inside a collection at all.
 */
export const MAX_COLLECTION_DEPTH = 4;

export function readGeometry(p: Parser, keyword: string, pos: number, depth = 1): GeometryLiteral {
  const z = p.acceptKeyword('Z');
  if (p.acceptKeyword('EMPTY'))
    throw new Cql2Error(`${keyword} EMPTY matches nothing; give coordinates`, pos);
  const dims = z ? 3 : undefined;
  const type = GEOJSON_TYPE[keyword]!;
  if (keyword === 'GEOMETRYCOLLECTION') {
    if (depth > MAX_COLLECTION_DEPTH) {
      throw new Cql2Error(`GEOMETRYCOLLECTIONs nested more than ${MAX_COLLECTION_DEPTH} deep`, pos);
    }
    p.expectPunct('(');
    const geometries: GeometryLiteral[] = [];
    do {
      const t = p.next();
      const kw = t.text.toUpperCase();
      if (t.kind !== 'ident' || !GEOMETRY_KEYWORDS.has(kw)) {
        throw new Cql2Error('expected a geometry inside GEOMETRYCOLLECTION', t.pos);
      }
      geometries.push(readGeometry(p, kw, t.pos, depth + 1));
    } while (p.acceptPunct(','));
    p.expectPunct(')');
    return { type, geometries };
  }
  const coordinates = body(p, keyword, dims);
  return { type, coordinates };
}

function body(p: Parser, keyword: string, dims: number | undefined): unknown {
  switch (keyword) {
    case 'POINT': {
      p.expectPunct('(');
      const c = position(p, dims);
      p.expectPunct(')');
      return c;
    }
    case 'LINESTRING':
      return line(p, dims);
    case 'POLYGON':
      return polygon(p, dims);
    case 'MULTIPOINT':
      // Both MULTIPOINT((1 2), (3 4)) and MULTIPOINT(1 2, 3 4) are in use.
      return list(p, () => {
        if (!p.acceptPunct('(')) return position(p, dims);
        const c = position(p, dims);
        p.expectPunct(')');
        return c;
      });
    case 'MULTILINESTRING':
      return list(p, () => line(p, dims));
    default:
      return list(p, () => polygon(p, dims));
  }
}

function list<T>(p: Parser, item: () => T): T[] {
  p.expectPunct('(');
  const out = [item()];
  while (p.acceptPunct(',')) out.push(item());
  p.expectPunct(')');
  return out;
}

function position(p: Parser, dims: number | undefined): Position {
  const c = [p.signedNumber(), p.signedNumber()];
  const t = p.peek();
  if (t.kind === 'number' || (t.kind === 'punct' && (t.text === '-' || t.text === '+')))
    c.push(p.signedNumber());
  if (dims === 3 && c.length !== 3) throw new Cql2Error('a Z geometry needs three coordinates', t.pos);
  return c;
}

function line(p: Parser, dims: number | undefined): Position[] {
  const start = p.peek().pos;
  const pts = list(p, () => position(p, dims));
  if (pts.length < 2) throw new Cql2Error('a line needs at least two positions', start);
  return pts;
}

function polygon(p: Parser, dims: number | undefined): Position[][] {
  return list(p, () => {
    const start = p.peek().pos;
    const ring = list(p, () => position(p, dims));
    const [first, last] = [ring[0]!, ring[ring.length - 1]!];
    if (ring.length < 4) throw new Cql2Error('a polygon ring needs at least four positions', start);
    if (first.some((v, i) => v !== last[i])) {
      throw new Cql2Error('a polygon ring must end where it starts', start);
    }
    return ring;
  });
}

export function readBbox(p: Parser, pos: number): GeometryLiteral {
  const n = list(p, () => p.signedNumber());
  if (n.length !== 4 && n.length !== 6) throw new Cql2Error('BBOX takes four (or six) numbers', pos);
  const box = bboxPolygon(n);
  if (!box) throw new Cql2Error('BBOX must be minx, miny, maxx, maxy with min ≤ max', pos);
  return box;
}

/**
 * The polygon of a CQL2 bbox (four numbers, or six with heights, which are
 * dropped), text and JSON alike; undefined when a minimum passes its maximum.
 */
export function bboxPolygon(n: readonly number[]): GeometryLiteral | undefined {
  const [minx, miny, maxx, maxy] = n.length === 4 ? n : [n[0]!, n[1]!, n[3]!, n[4]!];
  if (minx! > maxx! || miny! > maxy!) return undefined;
  return {
    type: 'Polygon',
    coordinates: [
      [
        [minx!, miny!],
        [maxx!, miny!],
        [maxx!, maxy!],
        [minx!, maxy!],
        [minx!, miny!],
      ],
    ],
  };
}
