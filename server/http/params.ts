/**
 * Query-parameter readers that throw a 400 naming the parameter.
 *
 *   intParam(req.query, 'limit', { min: 1, max: 50, default: 10 })
 */
import { badRequest } from './problem.ts';

type Query = Record<string, unknown>;

function single(query: Query, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badRequest(name, 'given once, as a plain value', v);
  return v;
}

export function stringParam(
  query: Query,
  name: string,
  opts: { required?: boolean; minLength?: number; maxLength?: number } = {},
): string | undefined {
  const v = single(query, name)?.trim();
  const min = opts.minLength ?? 1;
  const max = opts.maxLength ?? 200;
  if (v === undefined || v === '') {
    if (opts.required) throw badRequest(name, `a non-empty string of at most ${max} characters`, v);
    return undefined;
  }
  if (v.length < min || v.length > max)
    throw badRequest(name, `between ${min} and ${max} characters long`, v);
  return v;
}

export function intParam(
  query: Query,
  name: string,
  opts: { min: number; max: number; default: number },
): number {
  const v = single(query, name);
  if (v === undefined || v === '') return opts.default;
  if (!/^-?\d+$/.test(v)) throw badRequest(name, `an integer from ${opts.min} to ${opts.max}`, v);
  const n = Number(v);
  if (n < opts.min || n > opts.max) throw badRequest(name, `an integer from ${opts.min} to ${opts.max}`, v);
  return n;
}

/** Rejects parameters the endpoint does not know, so typos do not pass silently. */
export function onlyParams(query: Query, allowed: readonly string[]): void {
  for (const k of Object.keys(query)) {
    if (!allowed.includes(k)) throw badRequest(k, `one of the known parameters (${allowed.join(', ')})`, k);
  }
}
