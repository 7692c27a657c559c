/**
 * The parameter fields of the analysis and statistics reports, built on the
 * one declaration toolkit (server/http/params.ts): each report declares its
 * inputs as a zod object of these, and HTTP (`req.query`), the command line
 * (`--km 10`) and the OpenAPI document all read that object.
 *
 *   readParams(z.object({ km: km('Distance', 10) }), { km: '-1' })
 *   // throws 400 "km must be a number of kilometres from 0 to 1000; got \"-1\""
 */
import { field, Rejected } from '../http/params.ts';
import { badRequest } from '../http/problem.ts';

export type { Input } from '../http/params.ts';

/** Longest distance any report accepts: Vietnam is 1,650 km long, its border 4,600 km. */
export const MAX_KM = 1000;
export const NEIGHBOURS = ['CHN', 'LAO', 'KHM'] as const;
export type Neighbour = (typeof NEIGHBOURS)[number];

const DECIMAL = /^\d+(\.\d+)?$/;

/** A distance in kilometres, 0 ≤ km ≤ 1000, as a plain decimal (no exponent, no unit). */
export function km(description: string, fallback: number): ReturnType<typeof kmField<number>>;
export function km(description: string): ReturnType<typeof kmField<undefined>>;
export function km(description: string, fallback?: number) {
  return kmField(description, fallback);
}

function kmField<F extends number | undefined>(description: string, fallback: F) {
  const accepts = `a number of kilometres from 0 to ${MAX_KM}`;
  return field(
    {
      description,
      schema: {
        type: 'number',
        minimum: 0,
        maximum: MAX_KM,
        ...(fallback === undefined ? {} : { default: fallback }),
      },
    },
    (v): number | F => {
      if (v === undefined) return fallback;
      if (!DECIMAL.test(v) || Number(v) > MAX_KM) throw new Rejected(accepts);
      return Number(v);
    },
  );
}

/**
 * Distance band edges in km: at least two, from 0 to 1000, strictly
 * increasing, at most 20. `0,5,20,50` means [0, 5), [5, 20), [20, 50].
 */
export function bands(description: string, fallback: string) {
  const accepts = `2 to 20 comma-separated, strictly increasing distances in km from 0 to ${MAX_KM} (e.g. 0,5,20,50)`;
  return field(
    { description, schema: { type: 'string', default: fallback }, example: '0,5,20,50' },
    (given): number[] => {
      const parts = (given ?? fallback).split(',').map((s) => s.trim());
      if (parts.length < 2 || parts.length > 20 || parts.some((p) => !DECIMAL.test(p))) {
        throw new Rejected(accepts);
      }
      const edges = parts.map(Number);
      if (edges.some((e, i) => e > MAX_KM || (i > 0 && e <= edges[i - 1]!))) throw new Rejected(accepts);
      return edges;
    },
  );
}

/** A year, 1900 to 2100, as in the projects table. */
export function year(description: string) {
  return field(
    { description, schema: { type: 'integer', minimum: 1900, maximum: 2100 } },
    (v): number | undefined => {
      if (v === undefined) return undefined;
      if (!/^\d{4}$/.test(v) || Number(v) < 1900 || Number(v) > 2100) {
        throw new Rejected('a year from 1900 to 2100');
      }
      return Number(v);
    },
  );
}

/** The most a minimum investment may be, billion VND (a thousand times the largest project). */
export const MAX_AMOUNT = 100_000_000;

/** An amount of money in billion VND, 0 to MAX_AMOUNT, as a plain decimal; undefined when absent. */
export function amount(description: string) {
  const accepts = `a number of billion VND from 0 to ${MAX_AMOUNT}`;
  return field(
    { description, schema: { type: 'number', minimum: 0, maximum: MAX_AMOUNT }, example: 50 },
    (v): number | undefined => {
      if (v === undefined) return undefined;
      if (!DECIMAL.test(v) || v.length > 20 || Number(v) > MAX_AMOUNT) throw new Rejected(accepts);
      return Number(v);
    },
  );
}

/** `from` and `to` read; an inverted range names `to`. */
export function checkYears(p: { from?: number; to?: number }): void {
  if (p.from !== undefined && p.to !== undefined && p.to < p.from) {
    throw badRequest('to', `a year no earlier than from (${p.from})`, String(p.to));
  }
}

/** A short free-text value (a code or a name), at most `max` characters. */
export function shortText(description: string, max = 100, example?: string) {
  return field(
    { description, example, schema: { type: 'string', maxLength: max } },
    (v): string | undefined => {
      if (v !== undefined && v.length > max) throw new Rejected(`at most ${max} characters long`);
      return v;
    },
  );
}
