/**
 * The `cursor` of the items' next and prev links: where a page starts,
 * carried in the link itself, so any server instance can answer it and a
 * page 1,000 deep costs what the first one costs (a keyset condition on the
 * sort keys and id instead of OFFSET walking every row before it).
 *
 *   cursor=WzcsMzAsImYiLCJx…In0.Yk3h…   (base64url JSON, ".", base64url HMAC)
 *
 * The JSON holds the data version, a digest of the query it belongs to
 * (layer, filter, sortby, crs, properties: everything but limit, offset
 * and format), the direction, the row boundary and the sort-key values (as
 * PostgreSQL's text) of the row the page starts after (or ends before). An
 * HMAC-SHA256 with a key shared by every instance of the database makes it
 * tamper-evident. Opening a cursor checks, in this order:
 *   - the signature                → 400 naming `cursor` (changed or not ours)
 *   - the query it was made for    → 400 naming `cursor` (another filter, sort, …)
 *   - the data version             → 410 naming `cursor` (the data changed: restart)
 * A cursor never outlives the data it was cut from: after a seed or an
 * import the position it names may have moved, and a client following next
 * links would otherwise miss or repeat rows without knowing.
 *
 * The key: CURSOR_SECRET when set, else a random value the first instance
 * to need it stores in `app_secrets` (migration 2026-11-30T0900); the others
 * read the same row.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { appSecret } from '../db/app-secrets.ts';
import type { DB } from '../db/types.ts';
import { badRequest, ProblemError } from '../http/problem.ts';

/** A position in a result set: just after (forward) or just before (backward) the row with `keys`. */
export interface PageCursor {
  /** Data version the position was taken at. */
  version: number;
  forward: boolean;
  /**
   * Rows of the result set before the boundary: a forward page starts at
   * row `boundary`, a backward one ends just before it.
   */
  boundary: number;
  /** Sort-key values then id of the row next to the boundary, as PostgreSQL's text. */
  keys: (string | null)[];
}

export interface CursorCodec {
  /** A link's `cursor` value for `c` on the query `binding`. */
  seal(c: PageCursor, binding: string): string;
  /**
   * The position a request's `cursor` names, or a problem (400 or 410)
   * naming `cursor`; a 410 carries `first`, the link to start again.
   */
  open(token: string, binding: string, version: number, first: string): PageCursor;
}

/** Longer than any cursor we make (a few sort keys of text); refused before any work. */
const MAX_LENGTH = 4096;
const MAC_BYTES = 16;

/** The digest of what a cursor is bound to; `parts` are the request's query facts, in a fixed order. */
export function cursorBinding(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}

export function cursorCodec(secret: string): CursorCodec {
  const mac = (payload: string) =>
    createHmac('sha256', secret).update(payload).digest().subarray(0, MAC_BYTES);
  const invalid = (why: string, token: string) =>
    badRequest('cursor', `the cursor of a next or prev link of this API, unchanged (${why})`, token);
  return {
    seal(c, binding) {
      const payload = Buffer.from(
        JSON.stringify([c.version, binding, c.forward ? 1 : 0, c.boundary, c.keys]),
      ).toString('base64url');
      return `${payload}.${mac(payload).toString('base64url')}`;
    },
    open(token, binding, version, first) {
      if (token.length > MAX_LENGTH) throw invalid('too long', token);
      const [payload, signature, ...rest] = token.split('.');
      if (!payload || !signature || rest.length) throw invalid('not a cursor', token);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== MAC_BYTES || !timingSafeEqual(given, mac(payload))) {
        throw invalid('its signature does not match', token);
      }
      const c = decode(payload);
      if (!c) throw invalid('not a cursor', token);
      if (c.binding !== binding) {
        throw badRequest(
          'cursor',
          'used with the parameters of the link it came from: its filter, bbox, datetime, sortby, crs ' +
            'and properties differ here (keep them, or start again without cursor)',
          token,
        );
      }
      if (c.version !== version) throw stale(c.version, version, first);
      return c;
    },
  };
}

/** The key that signs cursors: `configured` when given, else the database's shared one. */
export function cursorSecret(db: Kysely<DB>, configured: string | undefined): () => Promise<string> {
  return appSecret(db, 'cursor', configured, 'or set CURSOR_SECRET');
}

function decode(payload: string): (PageCursor & { binding: string }) | undefined {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(v) || v.length !== 5) return undefined;
  const [version, binding, forward, boundary, keys] = v;
  const count = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
  if (!count(version) || !count(boundary) || typeof binding !== 'string') return undefined;
  if (forward !== 0 && forward !== 1) return undefined;
  if (!Array.isArray(keys) || !keys.every((k) => k === null || typeof k === 'string')) return undefined;
  return { version, binding, forward: forward === 1, boundary, keys };
}

function stale(made: number, now: number, first: string): ProblemError {
  return new ProblemError(
    410,
    'stale-cursor',
    'The data changed',
    `the cursor was made at data version ${made} and the data are now at version ${now}: ` +
      'the rows it would page through may have moved, so start again from the first page ' +
      '(the same link without cursor, given as `first`)',
    { parameter: 'cursor', first },
  );
}
