/**
 * The one way parameters are read: each endpoint declares its query (and
 * path) parameters once as a zod object of fields built here; the same
 * declaration validates a request (or a command line) and documents the
 * endpoint in the OpenAPI document (zod-openapi reads the `.meta()` each
 * field carries).
 *
 *   const query = z.object({
 *     q: text({ description: 'Words to look for', required: true, max: 100 }),
 *     limit: int({ description: 'Results', min: 1, max: 50, default: 10 }),
 *   });
 *   readParams(query, req.query)   // { q: 'muong nha', limit: 10 }
 *   readParams(query, { limit: '0' })
 *   // throws 400 "limit must be an integer from 1 to 50; got \"0\"" (parameter: limit)
 *
 * Every field takes a string (or nothing) and gives a value; a bad value is
 * a 400 problem naming the parameter, what it accepts and what was sent. A
 * parameter the declaration does not know is a 400 too, so typos never pass
 * silently; one given twice is refused before its field sees it.
 *
 * Text that PostgreSQL cannot store, or that is not text at all, never gets
 * past here: every value is refused (400 naming the parameter) when its
 * percent-encoded bytes are not UTF-8 (parseQuery marks them; lone
 * surrogates %ED%A0%80 included), or when it holds a C0 control character
 * (U+0000-U+001F, NUL first among them) or DEL (U+007F). Fields declared
 * `multiline` (the CQL2 `filter`) accept tab, line feed and carriage return,
 * which are blanks between its tokens.
 */
import querystring from 'node:querystring';
import { z } from 'zod';
import { badRequest, type ProblemError } from './problem.ts';

export type Input = Record<string, unknown>;

/** What a field's reader throws: what the parameter accepts (the name and the value are added by readParams). */
export class Rejected extends Error {
  constructor(readonly accepts: string) {
    super(accepts);
  }
}

/** The OpenAPI schema of a parameter as clients see it (a query string carries it as text). */
export type ParamSchema = Record<string, unknown>;

export interface FieldDoc {
  description: string;
  /** The documented schema: type, bounds, enum, default... */
  schema: ParamSchema;
  example?: unknown;
  /** Leading and trailing blanks dropped, and an empty value taken as absent (true unless said). */
  trim?: boolean;
  /** Documented as required (path parameters are); the reader still decides what absence means. */
  required?: boolean;
  /** More of the OpenAPI parameter object (style, explode...). */
  param?: Record<string, unknown>;
  /** Tab, line feed and carriage return allowed (other control characters never are). */
  multiline?: boolean;
}

/**
 * Why `s` is not text a parameter (or a CQL2 literal) may carry, or
 * undefined: a C0 control character or DEL (tab, LF and CR allowed when
 * `blanks`), or a UTF-16 surrogate without its pair (not a character; the
 * JSON escape "\ud800" makes one).
 *
 *   badText('a\u0000b')   // 'text without control characters (U+0000 at character 2)'
 */
export function badText(s: string, blanks = false): string | undefined {
  const bad = badCharacter(s, blanks);
  return bad && `${bad.accepts.slice(0, -1)} at character ${bad.at + 1})`;
}

/** The first character of `s` badText refuses: its index, and what is accepted instead (naming it). */
export function badCharacter(s: string, blanks = false): { at: number; accepts: string } | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      if (blanks && (c === 0x09 || c === 0x0a || c === 0x0d)) continue;
      return { at: i, accepts: `text without control characters (${codePoint(c)})` };
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return { at: i, accepts: `text without unpaired surrogates (${codePoint(c)})` };
    }
  }
  return undefined;
}

const codePoint = (c: number) => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;

/** Names of the parameters whose bytes were not UTF-8, on a query parseQuery made. */
const NOT_UTF8 = Symbol('parameters that are not UTF-8');

/**
 * Express's query parser (app.set('query parser', parseQuery)): what the
 * 'simple' parser gives (node:querystring, + as a space, a repeated name as
 * an array), and the names whose percent-encoded bytes are not UTF-8, which
 * querystring would silently turn into U+FFFD; readParams refuses them.
 */
export function parseQuery(qs: string | null | undefined): Input {
  const out: Input = querystring.parse(qs ?? '');
  let bad: Set<string> | undefined;
  if (qs?.includes('%')) {
    for (const part of qs.split('&')) {
      if (!part.includes('%')) continue;
      const eq = part.indexOf('=');
      const [k, v] = eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
      if (isUtf8(k) && isUtf8(v)) continue;
      bad ??= new Set();
      bad.add(querystring.unescape(k.replace(/\+/g, ' ')));
    }
  }
  if (bad) out[NOT_UTF8 as unknown as string] = bad;
  return out;
}

function isUtf8(encoded: string): boolean {
  try {
    decodeURIComponent(encoded.replace(/\+/g, ' '));
    return true;
  } catch {
    return false;
  }
}

/** A parameter reader: a string (or undefined when absent) in, a value out; throws Rejected or a ProblemError. */
export type Field<T> = z.ZodType<T, string | undefined>;

/**
 * A parameter: `read` gets the value (trimmed, undefined when absent or
 * empty, unless `trim: false`) and returns what the endpoint uses, or throws
 * `new Rejected('what it accepts')`.
 */
export function field<T>(doc: FieldDoc, read: (value: string | undefined) => T): Field<T> {
  const trim = doc.trim ?? true;
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const bad = raw === undefined ? undefined : badText(raw, doc.multiline);
      if (bad) {
        ctx.addIssue({ code: 'custom', message: bad, params: { got: raw } });
        return z.NEVER;
      }
      const v = trim ? (raw?.trim() === '' ? undefined : raw?.trim()) : raw;
      try {
        return read(v);
      } catch (e) {
        if (!(e instanceof Rejected)) throw e;
        ctx.addIssue({ code: 'custom', message: e.accepts, params: { got: raw } });
        return z.NEVER;
      }
    })
    .meta({
      description: doc.description,
      ...(doc.example === undefined ? {} : { example: doc.example }),
      ...(doc.required || doc.param
        ? { param: { ...doc.param, ...(doc.required ? { required: true } : {}) } }
        : {}),
      override: ({ jsonSchema }: { jsonSchema: Record<string, unknown> }) => {
        for (const k of Object.keys(jsonSchema)) delete jsonSchema[k];
        Object.assign(jsonSchema, doc.schema);
      },
    }) as unknown as Field<T>;
}

/** Free text, at most `max` characters (and at least `min`). */
export function text(opts: {
  description: string;
  max: number;
  min?: number;
  required?: boolean;
  example?: string;
  /** What the message says it accepts; by default the length bounds. */
  accepts?: string;
}): Field<string | undefined> {
  const min = opts.min ?? 1;
  const bounds = opts.accepts ?? `between ${min} and ${opts.max} characters long`;
  return field(
    {
      description: opts.description,
      example: opts.example,
      required: opts.required,
      schema: { type: 'string', minLength: min, maxLength: opts.max },
    },
    (v) => {
      if (v === undefined) {
        if (opts.required) throw new Rejected(`a non-empty string of at most ${opts.max} characters`);
        return undefined;
      }
      if (v.length < min || v.length > opts.max) throw new Rejected(bounds);
      return v;
    },
  );
}

/** An integer from `min` to `max` (written in decimal digits). */
export function int(opts: {
  description: string;
  min: number;
  max: number;
  default: number;
  /** Values above max are capped rather than refused (OGC page sizes). */
  cap?: boolean;
}): Field<number> {
  const accepts = opts.cap
    ? `an integer from ${opts.min} (larger than ${opts.max} is capped)`
    : `an integer from ${opts.min} to ${opts.max}`;
  return field(
    {
      description: opts.description,
      schema: { type: 'integer', minimum: opts.min, maximum: opts.max, default: opts.default },
    },
    (v) => {
      if (v === undefined) return opts.default;
      if (!/^-?\d+$/.test(v)) throw new Rejected(accepts);
      const n = Number(v);
      if (n < opts.min || (!opts.cap && n > opts.max)) throw new Rejected(accepts);
      return Math.min(n, opts.max);
    },
  );
}

/** One value out of a closed list, matched case-insensitively, answered as the list spells it. */
export function oneOf<T extends string>(
  values: readonly T[],
  opts: { description: string; default: T; accepts?: string; example?: T },
): Field<T>;
export function oneOf<T extends string>(
  values: readonly T[],
  opts: { description: string; default?: undefined; accepts?: string; example?: T },
): Field<T | undefined>;
export function oneOf<T extends string>(
  values: readonly T[],
  opts: { description: string; default?: T; accepts?: string; example?: T },
): Field<T | undefined> {
  return field(
    {
      description: opts.description,
      example: opts.example,
      schema: { type: 'string', enum: [...values], ...(opts.default ? { default: opts.default } : {}) },
    },
    (v) => {
      if (v === undefined) return opts.default;
      const hit = values.find((x) => x.toLowerCase() === v.toLowerCase());
      if (!hit) throw new Rejected(opts.accepts ?? `one of ${values.join(', ')}`);
      return hit;
    },
  );
}

/**
 * A comma-separated list of values out of a closed list, without repeats, in
 * the order given. `values` may be a function, read at each request, for a
 * list that grows at run time (the layer registry).
 */
export function listOf<T extends string>(
  listed: readonly T[] | (() => readonly T[]),
  opts: { description: string; default: readonly T[]; example?: string },
): Field<T[]> {
  return field(
    {
      description: opts.description,
      example: opts.example,
      schema: { type: 'string', default: opts.default.join(',') },
    },
    (v) => {
      if (v === undefined) return [...opts.default];
      const values = typeof listed === 'function' ? listed() : listed;
      const out: T[] = [];
      for (const part of v.split(',')) {
        const hit = values.find((x) => x.toLowerCase() === part.trim().toLowerCase());
        if (!hit) throw new Rejected(`a comma-separated list of ${values.join(', ')}`);
        if (!out.includes(hit)) out.push(hit);
      }
      return out;
    },
  );
}

/** Exactly one of `values` as spelt (case matters, as for media types); undefined when absent. */
export function exactly<T extends string>(
  values: readonly T[],
  opts: { description: string; accepts?: string; default?: T },
): Field<T | undefined> {
  return field(
    {
      description: opts.description,
      schema: { type: 'string', enum: [...values], ...(opts.default ? { default: opts.default } : {}) },
      trim: false,
    },
    (v) => {
      if (v === undefined) return undefined;
      const hit = values.find((x) => x === v);
      if (!hit) throw new Rejected(opts.accepts ?? `one of ${values.join(', ')}`);
      return hit;
    },
  );
}

/** `f`: the answer's format, instead of the Accept header. */
export function format<T extends string>(values: readonly T[], accepts?: string): Field<T | undefined> {
  return exactly(values, { description: 'Answer format (instead of the Accept header)', accepts });
}

export type Params = z.ZodObject<Record<string, Field<unknown>>>;

export interface ReadOptions {
  /** The problem for a parameter the declaration does not know; undefined to let it through (simple filters). */
  unknown?: (name: string, known: readonly string[]) => ProblemError | undefined;
}

const unknownParameter = (name: string, known: readonly string[]) =>
  badRequest(name, `one of the known parameters (${known.join(', ')})`, name);

/**
 * Reads `input` (an Express query, path parameters or parsed command-line
 * options) through a declaration: the values, or a 400 ProblemError naming
 * the first parameter (in declaration order) that is unknown or bad.
 */
export function readParams<S extends Params>(schema: S, input: Input, opts: ReadOptions = {}): z.output<S> {
  const known = Object.keys(schema.shape);
  const notUtf8 = input[NOT_UTF8 as unknown as string] as Set<string> | undefined;
  for (const k of Object.keys(input)) {
    if (notUtf8?.has(k)) {
      throw badRequest(k, 'UTF-8 text (its percent-encoded bytes are not UTF-8)', input[k]);
    }
  }
  for (const k of Object.keys(input)) {
    if (known.includes(k)) continue;
    const problem = (opts.unknown ?? unknownParameter)(k, known);
    if (problem) throw problem;
  }
  const own: Record<string, unknown> = {};
  for (const k of known) {
    const v = input[k];
    if (v !== undefined && typeof v !== 'string') throw badRequest(k, 'given once, as a plain value', v);
    own[k] = v;
  }
  const r = schema.safeParse(own);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const name = String(issue.path[0]);
  const got = issue.code === 'custom' && issue.params ? issue.params.got : own[name];
  throw badRequest(name, issue.message, got);
}

/** An endpoint that takes no parameter but `f`: `f=json` or nothing. */
export const jsonOnly = z.object({ f: format(['json'] as const, 'json') });

/** `readParams(jsonOnly, query)` for the many endpoints that answer JSON only. */
export function onlyJson(input: Input): void {
  readParams(jsonOnly, input);
}

/** No parameter at all. */
export const noParams = z.object({});
