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
import { type Cql2Context, compileFilter } from './compile.ts';
import { Cql2Error } from './error.ts';
import { parseCql2 } from './parser.ts';

export type { Cql2Context, ValueType } from './compile.ts';
export { FUNCTION_NAMES } from './compile.ts';

/** Longest filter accepted; URLs carry it, and a longer one is a mistake or an attack. */
export const MAX_FILTER_LENGTH = 20_000;

export function cql2Where(text: string, ctx: Cql2Context): RawBuilder<unknown> {
  if (text.length > MAX_FILTER_LENGTH) {
    throw badRequest(
      'filter',
      `CQL2 text of at most ${MAX_FILTER_LENGTH} characters`,
      `${text.length} characters`,
    );
  }
  try {
    return compileFilter(parseCql2(text), ctx);
  } catch (e) {
    if (e instanceof Cql2Error) throw filterProblem(e, text);
    throw e;
  }
}

function filterProblem(e: Cql2Error, text: string): ProblemError {
  const p = badRequest('filter', `valid CQL2 text: ${e.message} (at character ${e.pos})`, text);
  p.extra.position = e.pos;
  return p;
}
