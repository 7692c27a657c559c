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
 */
import type { RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { ProblemError } from '../http/problem.ts';
import { type Role, roleRank, verifyToken } from './tokens.ts';

export { type Role, roles } from './tokens.ts';

export const SESSION_COOKIE = 'ba_session';

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
}

const challenge = { 'WWW-Authenticate': 'Bearer realm="border-atlas"' };

export function unauthorized(detail: string): ProblemError {
  return new ProblemError(401, 'unauthorized', 'Unauthorized', detail, {}, challenge);
}

export function forbidden(detail: string): ProblemError {
  return new ProblemError(403, 'forbidden', 'Forbidden', detail);
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

export function createAuth(db: Kysely<DB>): Auth {
  async function identify(req: Parameters<RequestHandler>[0]): Promise<Actor | null> {
    const given = credentials(req);
    if (!given) return null;
    const found = await verifyToken(db, given.token);
    if (!found) throw unauthorized('the token is not valid (unknown, revoked or mistyped)');
    return { tokenId: found.id, name: found.name, role: found.role, via: given.via };
  }
  return {
    require: (min) => async (req, res, next) => {
      const actor = await identify(req);
      if (!actor) throw unauthorized(`this needs a token with the ${min} role`);
      if (roleRank[actor.role] < roleRank[min]) {
        throw forbidden(`this needs the ${min} role; the token "${actor.name}" has the ${actor.role} role`);
      }
      res.locals.actor = actor;
      next();
    },
    optional: () => async (req, res, next) => {
      res.locals.actor = await identify(req);
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
