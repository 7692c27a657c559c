/**
 * Sessions for the web map: the same API token, kept by the browser in an
 * httpOnly cookie, so page scripts never hold it after sign-in.
 *
 *   POST   /api/session  {"token":"ba_…"} → 200 {name, role, csrf}; sets ba_session (httpOnly)
 *                                          and ba_csrf (readable), both SameSite=Strict, Path=/,
 *                                          Secure when the request came over https
 *   GET    /api/session  → 200 {name, role, csrf} or 401
 *   DELETE /api/session  → 204, both cookies cleared
 *
 * Nothing is stored server-side: the cookie is the token, checked like a
 * bearer token on every request (so revoking the token ends its sessions
 * at once), and the CSRF token is derived from it (csrf.ts). The cookies
 * last 12 hours. Sign-in attempts are rate-limited per address (a wrong
 * secret costs an scrypt check), and an Origin other than ours or a listed
 * one is refused, so no other site can sign a browser in with its token.
 *
 * DELETE goes through `auth.require('viewer')` when the cookie holds a live
 * token (so another site cannot sign an editor out: it needs the CSRF
 * token); a dead or missing token is simply cleared.
 */
import { type CookieOptions, type Request, type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { badRequest } from '../http/problem.ts';
import { writeOrigin } from './cors.ts';
import { type Auth, CSRF_COOKIE, credentials, forbidden, SESSION_COOKIE, unauthorized } from './index.ts';
import { loginRateLimit } from './rate-limit.ts';
import { verifyToken } from './tokens.ts';

const MAX_AGE_MS = 12 * 3600_000;

function cookieOptions(req: Request, httpOnly: boolean): CookieOptions {
  return { httpOnly, secure: req.secure, sameSite: 'strict', path: '/' };
}

function clear(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, cookieOptions(req, true));
  res.clearCookie(CSRF_COOKIE, cookieOptions(req, false));
}

export function sessionRouter(db: Kysely<DB>, auth: Auth): Router {
  const router = Router();
  const noStore = (res: Response) => res.setHeader('Cache-Control', 'no-store');

  // Counted in Redis when the service has one (shared by instances), else per process.
  const limit = loginRateLimit(auth.options.writeRateLimit, auth.options.sharedCounters);
  router.post('/api/session', limit, async (req, res) => {
    noStore(res);
    const origin = req.headers.origin;
    if (origin !== undefined && !writeOrigin(req, origin, auth.options.writeOrigins))
      throw forbidden(
        `sign-in is taken from this service's own pages, not from ${JSON.stringify(origin)}`,
        'origin',
      );
    const body: unknown = req.body;
    const token =
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>).token : undefined;
    if (typeof token !== 'string' || token.length === 0 || token.length > 200)
      throw badRequest('token', 'an API token (ba_…) in a JSON body {"token": "…"}');
    const found = await verifyToken(db, token.trim());
    if (!found) throw unauthorized('the token is not valid (unknown, revoked or mistyped)');
    const csrf = await auth.csrf.of(token.trim());
    res.cookie(SESSION_COOKIE, token.trim(), { ...cookieOptions(req, true), maxAge: MAX_AGE_MS });
    res.cookie(CSRF_COOKIE, csrf, { ...cookieOptions(req, false), maxAge: MAX_AGE_MS });
    res.json({ name: found.name, role: found.role, csrf });
  });

  router.get('/api/session', auth.require('viewer'), async (req, res) => {
    noStore(res);
    const given = credentials(req);
    const actor = res.locals.actor as { name: string; role: string; via: string };
    const csrf = await auth.csrf.of(given?.token ?? '');
    // The page may have lost its copy (cleared by a script, an old tab): hand it out again.
    if (actor.via === 'cookie')
      res.cookie(CSRF_COOKIE, csrf, { ...cookieOptions(req, false), maxAge: MAX_AGE_MS });
    res.json({ name: actor.name, role: actor.role, csrf });
  });

  router.delete(
    '/api/session',
    async (req, res, next) => {
      let given: ReturnType<typeof credentials> = null;
      try {
        given = credentials(req);
      } catch {
        // A malformed Authorization header: nothing to sign out of.
      }
      if (given && (await verifyToken(db, given.token))) return next();
      clear(req, res);
      res.status(204).end();
    },
    auth.require('viewer'),
    (req, res) => {
      clear(req, res);
      res.status(204).end();
    },
  );

  return router;
}
