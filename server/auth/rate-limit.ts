/**
 * Rate limits on writes, per token, with express-rate-limit (a kept
 * library: the IETF RateLimit headers, Retry-After, a store interface).
 *
 *   const limit = writeRateLimit(120);                // per token per minute; 0: none
 *   limit(req, res, next)                            // after auth put the Actor in res.locals
 *   // RateLimit: "writes"; r=119; t=60   RateLimit-Policy: "writes"; q=120; w=60; pk=:…:
 *   // beyond: 429 problem `rate-limited` with Retry-After
 *
 * `auth.require` applies it to unsafe methods after the role and CSRF
 * checks, so refused requests do not count. The store is the library's
 * memory store: each server process counts on its own, so N instances
 * behind a proxy allow up to N times the limit. A shared store (Redis,
 * issue 13) is one option away (`store:`).
 *
 * `loginRateLimit` bounds POST /api/session per client address with the
 * same number: a wrong secret costs an scrypt check, so guessing must not
 * be free.
 */
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { ProblemError } from '../http/problem.ts';

const WINDOW_MS = 60_000;

function limited(what: string): ProblemError {
  return new ProblemError(
    429,
    'rate-limited',
    'Too many requests',
    `more than the allowed ${what} per minute; wait for the time in Retry-After`,
  );
}

const pass: RequestHandler = (_req, _res, next) => next();

/** Per token (res.locals.actor.tokenId); `perMinute` 0 turns it off. */
export function writeRateLimit(perMinute: number): RequestHandler {
  if (perMinute <= 0) return pass;
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: 'writes',
    keyGenerator: (_req, res) => `token:${(res.locals.actor as { tokenId: number }).tokenId}`,
    handler: (_req, _res, next) => next(limited(`${perMinute} writes of one token`)),
  });
}

/** Per client address, for POST /api/session. */
export function loginRateLimit(perMinute: number): RequestHandler {
  if (perMinute <= 0) return pass;
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: 'sign-in',
    keyGenerator: (req) => `ip:${ipKeyGenerator(req.ip ?? '')}`,
    handler: (_req, _res, next) => next(limited(`${perMinute} sign-ins from one address`)),
  });
}
