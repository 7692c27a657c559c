/**
 * Parameters of the analysis and statistics reports, read from a plain
 * record so that HTTP (`req.query`) and the command line (`--km 10`) go
 * through the same checks and fail with the same 400 problem naming the
 * parameter.
 *
 *   kmParam({ km: '10' }, 'km', 10)          // 10
 *   kmParam({ km: '-1' }, 'km', 10)          // throws 400 "km must be a number of kilometres from 0 to 1000; got \"-1\""
 *   bandsParam({ bands: '0,5,20' }, '0,5')   // [0, 5, 20]
 */
import { badRequest } from '../http/problem.ts';

export type Input = Record<string, unknown>;

/** Longest distance any report accepts: Vietnam is 1,650 km long, its border 4,600 km. */
export const MAX_KM = 1000;
export const NEIGHBOURS = ['CHN', 'LAO', 'KHM'] as const;
export type Neighbour = (typeof NEIGHBOURS)[number];

/** The value of `name`, given once as a plain string; undefined when absent or empty. */
export function rawParam(input: Input, name: string): string | undefined {
  const v = input[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badRequest(name, 'given once, as a plain value', v);
  const t = v.trim();
  return t === '' ? undefined : t;
}

const DECIMAL = /^\d+(\.\d+)?$/;

/** A distance in kilometres, 0 ≤ km ≤ 1000, as a plain decimal (no exponent, no unit). */
export function kmParam(input: Input, name: string, fallback: number): number;
export function kmParam(input: Input, name: string, fallback?: undefined): number | undefined;
export function kmParam(input: Input, name: string, fallback?: number): number | undefined {
  const v = rawParam(input, name);
  if (v === undefined) return fallback;
  const accepts = `a number of kilometres from 0 to ${MAX_KM}`;
  if (!DECIMAL.test(v)) throw badRequest(name, accepts, v);
  const n = Number(v);
  if (n > MAX_KM) throw badRequest(name, accepts, v);
  return n;
}

/** One value out of a closed list, matched case-insensitively; answers it as the list spells it. */
export function enumParam<T extends string>(input: Input, name: string, values: readonly T[], fallback: T): T;
export function enumParam<T extends string>(
  input: Input,
  name: string,
  values: readonly T[],
  fallback?: undefined,
): T | undefined;
export function enumParam<T extends string>(
  input: Input,
  name: string,
  values: readonly T[],
  fallback?: T,
): T | undefined {
  const v = rawParam(input, name);
  if (v === undefined) return fallback;
  const hit = values.find((x) => x.toLowerCase() === v.toLowerCase());
  if (!hit) throw badRequest(name, `one of ${values.join(', ')}`, v);
  return hit;
}

/** A comma-separated list of values out of a closed list, without repeats, in the order given. */
export function listParam<T extends string>(
  input: Input,
  name: string,
  values: readonly T[],
  fallback: readonly T[],
): T[] {
  const v = rawParam(input, name);
  if (v === undefined) return [...fallback];
  const out: T[] = [];
  for (const part of v.split(',')) {
    const hit = values.find((x) => x.toLowerCase() === part.trim().toLowerCase());
    if (!hit) throw badRequest(name, `a comma-separated list of ${values.join(', ')}`, v);
    if (!out.includes(hit)) out.push(hit);
  }
  return out;
}

/**
 * Distance band edges in km: at least two, from 0 to 1000, strictly
 * increasing, at most 20. `0,5,20,50` means [0, 5), [5, 20), [20, 50].
 */
export function bandsParam(input: Input, name: string, fallback: string): number[] {
  const v = rawParam(input, name) ?? fallback;
  const accepts = `2 to 20 comma-separated, strictly increasing distances in km from 0 to ${MAX_KM} (e.g. 0,5,20,50)`;
  const parts = v.split(',').map((s) => s.trim());
  if (parts.length < 2 || parts.length > 20 || parts.some((p) => !DECIMAL.test(p))) {
    throw badRequest(name, accepts, v);
  }
  const edges = parts.map(Number);
  if (edges.some((e, i) => e > MAX_KM || (i > 0 && e <= edges[i - 1]!))) throw badRequest(name, accepts, v);
  return edges;
}

/** A year, 1900 to 2100, as in the projects table. */
export function yearParam(input: Input, name: string): number | undefined {
  const v = rawParam(input, name);
  if (v === undefined) return undefined;
  if (!/^\d{4}$/.test(v) || Number(v) < 1900 || Number(v) > 2100) {
    throw badRequest(name, 'a year from 1900 to 2100', v);
  }
  return Number(v);
}

/** `from` and `to` years; an inverted range names `to`. */
export function yearRange(input: Input): { from?: number; to?: number } {
  const from = yearParam(input, 'from');
  const to = yearParam(input, 'to');
  if (from !== undefined && to !== undefined && to < from) {
    throw badRequest('to', `a year no earlier than from (${from})`, String(to));
  }
  return { from, to };
}

/** A short free-text value (a code or a name), at most `max` characters. */
export function textParam(input: Input, name: string, max = 100): string | undefined {
  const v = rawParam(input, name);
  if (v !== undefined && v.length > max) throw badRequest(name, `at most ${max} characters long`, v);
  return v;
}

/** Rejects parameters a report does not know, so a typo never passes silently. */
export function onlyKnown(input: Input, allowed: readonly string[]): void {
  for (const k of Object.keys(input)) {
    if (!allowed.includes(k)) throw badRequest(k, `one of the known parameters (${allowed.join(', ')})`, k);
  }
}
