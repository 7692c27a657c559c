/**
 * CQL2 text filters for the feature API (OGC API - Features Part 3).
 *
 *   cql2Where("CASEI(name) LIKE '%chợ%' AND start_year >= 2020", ctx)
 *   // → sql`((lower("name") LIKE $1::text) AND ("start_year" >= $2::float8))`
 *
 * Bad filters throw a 400 naming `filter`, with the reason and position.
 */
import type { RawBuilder } from 'kysely';
import { badRequest, type ProblemError } from '../../http/problem.ts';
import type { Expr } from './ast.ts';
import { type Cql2Context, compileFilter } from './compile.ts';
import { Cql2Error } from './error.ts';
import { Cql2JsonError, parseCql2Json } from './json.ts';
import { parseCql2 } from './parser.ts';

export type { Cql2Context, ValueType } from './compile.ts';
export { FUNCTION_NAMES } from './compile.ts';

/** Longest filter accepted; URLs carry it, and a longer one is a mistake or an attack. */
export const MAX_FILTER_LENGTH = 20_000;

export type FilterLang = 'cql2-text' | 'cql2-json';

/** The filter parsed (text or JSON) into one tree; throws Cql2Error. */
export function parseFilter(text: string, lang: FilterLang = 'cql2-text'): Expr {
  return lang === 'cql2-json' ? parseCql2Json(text) : parseCql2(text);
}

export function cql2Where(
  text: string,
  ctx: Cql2Context,
  lang: FilterLang = 'cql2-text',
): RawBuilder<unknown> {
  const name = lang === 'cql2-json' ? 'CQL2 JSON' : 'CQL2 text';
  if (text.length > MAX_FILTER_LENGTH) {
    throw badRequest(
      'filter',
      `${name} of at most ${MAX_FILTER_LENGTH} characters`,
      `${text.length} characters`,
    );
  }
  try {
    return compileFilter(parseFilter(text, lang), ctx);
  } catch (e) {
    if (e instanceof Cql2Error) throw filterProblem(e, text, name);
    throw e;
  }
}

function filterProblem(e: Cql2Error, text: string, name: string): ProblemError {
  if (e instanceof Cql2JsonError) {
    const p = badRequest('filter', `valid ${name}: ${e.message} (at ${e.pointer || '/'})`, text);
    p.extra.pointer = e.pointer;
    return p;
  }
  // The compiler's positions are characters of the text; a JSON filter has none.
  if (name === 'CQL2 JSON') return badRequest('filter', `valid ${name}: ${e.message}`, text);
  const p = badRequest('filter', `valid ${name}: ${e.message} (at character ${e.pos})`, text);
  p.extra.position = e.pos;
  return p;
}
