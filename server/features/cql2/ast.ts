/**
 * The parsed filter. One expression type for booleans and scalars alike:
 * the compiler checks types, so `name + 1` and `category = 3` fail there
 * with a message instead of failing in PostgreSQL.
 */

/** A geometry literal as GeoJSON (from WKT or BBOX), in the filter's CRS. */
export interface GeometryLiteral {
  type: string;
  coordinates?: unknown;
  geometries?: GeometryLiteral[];
}

export type Expr = (
  | { k: 'and' | 'or'; l: Expr; r: Expr }
  | { k: 'not'; e: Expr }
  | { k: 'cmp'; op: '=' | '<>' | '<' | '>' | '<=' | '>='; l: Expr; r: Expr }
  | { k: 'like'; not: boolean; ci: boolean; l: Expr; r: Expr }
  | { k: 'between'; not: boolean; e: Expr; lo: Expr; hi: Expr }
  | { k: 'in'; not: boolean; e: Expr; list: Expr[] }
  | { k: 'isnull'; not: boolean; e: Expr }
  | { k: 'arith'; op: '+' | '-' | '*' | '/' | '%' | 'div' | '^'; l: Expr; r: Expr }
  | { k: 'neg'; e: Expr }
  | { k: 'num'; v: number }
  | { k: 'str'; v: string }
  | { k: 'bool'; v: boolean }
  | { k: 'null' }
  | { k: 'prop'; name: string }
  | { k: 'geom'; g: GeometryLiteral; bbox: boolean }
  | { k: 'call'; name: string; args: Expr[] }
) & { pos: number };
