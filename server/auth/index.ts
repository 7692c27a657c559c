/**
 * Who is asking, for the routes that care: writes, the audit, the session.
 * Reads stay anonymous and never look at credentials, so an account costs
 * an anonymous read nothing.
 *
 * Credentials are a bearer token (`Authorization: Bearer ba_…`, for scripts)
 * or the same token in the `ba_session` cookie (set by POST /api/session, for
 * the web map). Roles rank viewer < editor < admin.
 *
 *   const auth = createAuth(db);
 *   router.post('/things', auth.require('editor'), (req, res) => { const who = actorOf(res); … });
 *
 * Without credentials: 401 problem with `WWW-Authenticate: Bearer`; with a
 * token that is malformed, unknown or revoked: 401; with a role too low: 403.
 *
 * For unsafe methods (POST, PUT, PATCH, DELETE) `require` also does what
 * every write needs, so no write route can forget it, in this order:
 *   - an `Origin` header must be the service's own or one CORS_WRITE_ORIGINS
 *     lists (403 `origin`), whatever the credentials;
 *   - cookie credentials: `Sec-Fetch-Site: cross-site` is refused, and the
 *     `X-CSRF-Token` header must be the session's CSRF token (403 `csrf`;
 *     server/auth/csrf.ts); bearer tokens need no CSRF token (a page of
 *     another site cannot make the browser send one);
 *   - the token's write rate limit (429 `rate-limited`; rate-limit.ts).
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { DB } from '../db/types.ts';
import { ProblemError } from '../http/problem.ts';
import { writeOrigin } from './cors.ts';
import { type CsrfTokens, csrfTokens } from './csrf.ts';
import { type SharedCounters, writeRateLimit } from './rate-limit.ts';
import { type Role, roleRank, verifyToken } from './tokens.ts';

export { type Role, roles } from './tokens.ts';

export const SESSION_COOKIE = 'ba_session';
/** Readable by the page's scripts, which send it back as X-CSRF-Token. */
export const CSRF_COOKIE = 'ba_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

/** Methods that change something: the ones `require` checks for CSRF, Origin and the rate limit. */
export const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface Actor {
  tokenId: number;
  name: string;
  role: Role;
  /** How the credentials came: cookie-authenticated writes also need the CSRF check. */
  via: 'bearer' | 'cookie';
}

export interface Auth {
  /** 401 without valid credentials, 403 below `min`; puts the Actor in res.locals.actor. */
  require(min: Role): RequestHandler;
  /** Reads credentials when present (401 if present but not valid); res.locals.actor is the Actor or null. */
  optional(): RequestHandler;
  /** The CSRF tokens of sessions (POST/GET /api/session hand them out). */
  csrf: CsrfTokens;
  /** The options it was made with, defaults filled in. */
  options: Required<AuthOptions>;
}

export interface AuthOptions {
  /** Writes per token per minute (WRITE_RATE_LIMIT); 0: no limit. */
  writeRateLimit?: number;
  /** Origins besides the service's own that may write (CORS_WRITE_ORIGINS). */
  writeOrigins?: readonly string[];
  /** Key of the CSRF tokens; empty: the database's shared one (app_secrets). Tests only. */
  csrfSecret?: string;
  /** Rate-limit counters shared by all instances (REDIS_URL); null: each process counts alone. */
  sharedCounters?: SharedCounters;
}

const DEFAULT_OPTIONS: Required<AuthOptions> = {
  writeRateLimit: 120,
  writeOrigins: [],
  csrfSecret: '',
  sharedCounters: null,
};

/** The AuthOptions of a configuration (server/config.ts). */
export function authOptions(
  config: Partial<Pick<Config, 'WRITE_RATE_LIMIT' | 'CORS_WRITE_ORIGINS'>>,
): AuthOptions {
  return {
    ...(config.WRITE_RATE_LIMIT !== undefined ? { writeRateLimit: config.WRITE_RATE_LIMIT } : {}),
    ...(config.CORS_WRITE_ORIGINS !== undefined ? { writeOrigins: config.CORS_WRITE_ORIGINS } : {}),
  };
}

const challenge = { 'WWW-Authenticate': 'Bearer realm="border-atlas"' };

export function unauthorized(detail: string): ProblemError {
  return new ProblemError(401, 'unauthorized', 'Unauthorized', detail, {}, challenge);
}

export function forbidden(detail: string, code = 'forbidden'): ProblemError {
  return new ProblemError(403, code, 'Forbidden', detail);
}

/** One cookie's value from a Cookie header, or undefined. */
export function cookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return undefined;
}

/** The credentials a request carries, without checking them. */
export function credentials(req: {
  headers: { authorization?: string; cookie?: string };
}): { token: string; via: Actor['via'] } | null {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (!m) throw unauthorized('the Authorization header must read "Bearer <token>"');
    return { token: m[1] as string, via: 'bearer' };
  }
  const fromCookie = cookie(req.headers.cookie, SESSION_COOKIE);
  return fromCookie ? { token: fromCookie, via: 'cookie' } : null;
}

export function createAuth(db: Kysely<DB>, given: AuthOptions = {}): Auth {
  const options: Required<AuthOptions> = { ...DEFAULT_OPTIONS, ...given };
  const csrf = csrfTokens(db, options.csrfSecret || undefined);
  const limit = writeRateLimit(options.writeRateLimit, options.sharedCounters);

  async function identify(req: Request): Promise<(Actor & { token: string }) | null> {
    const found = credentials(req);
    if (!found) return null;
    const row = await verifyToken(db, found.token);
    if (!row) throw unauthorized('the token is not valid (unknown, revoked or mistyped)');
    return { tokenId: row.id, name: row.name, role: row.role, via: found.via, token: found.token };
  }

  /** The Origin, Sec-Fetch-Site and CSRF checks of an unsafe request; throws the 403. */
  async function checkWrite(req: Request, via: Actor['via'], token: string): Promise<void> {
    const origin = req.headers.origin;
    if (origin !== undefined && !writeOrigin(req, origin, options.writeOrigins)) {
      throw forbidden(
        `writes are taken from this service's own pages${options.writeOrigins.length ? ' and the origins CORS_WRITE_ORIGINS lists' : ''}, not from ${JSON.stringify(origin)}`,
        'origin',
      );
    }
    if (via !== 'cookie') return;
    if (req.headers['sec-fetch-site'] === 'cross-site') {
      throw forbidden('a session cookie is not taken from a request another site made', 'origin');
    }
    if (!(await csrf.matches(token, req.get(CSRF_HEADER)))) {
      throw forbidden(
        `a write with the session cookie needs the ${CSRF_HEADER} header, equal to the ${CSRF_COOKIE} cookie`,
        'csrf',
      );
    }
  }

  return {
    csrf,
    options,
    require: (min) => async (req, res, next) => {
      const found = await identify(req);
      if (!found) throw unauthorized(`this needs a token with the ${min} role`);
      const { token, ...actor } = found;
      if (roleRank[actor.role] < roleRank[min]) {
        throw forbidden(`this needs the ${min} role; the token "${actor.name}" has the ${actor.role} role`);
      }
      res.locals.actor = actor;
      if (!UNSAFE.has(req.method)) return next();
      await checkWrite(req, actor.via, token);
      await limit(req, res, next);
    },
    optional: () => async (req, res, next) => {
      const found = await identify(req);
      if (found) {
        const { token: _token, ...actor } = found;
        res.locals.actor = actor;
      } else res.locals.actor = null;
      next();
    },
  };
}

/** The Actor a `require` put on the response; throws when there is none (a route without `require`). */
export function actorOf(res: Response): Actor {
  const actor = res.locals.actor as Actor | undefined | null;
  if (!actor) throw new Error('actorOf: the route has no auth.require');
  return actor;
}
