/**
 * CSRF tokens for cookie sessions, derived rather than stored: the CSRF
 * token of a session is an HMAC-SHA256 of its session token under a key
 * every instance of the database shares, so any instance can check the
 * `X-CSRF-Token` header of a write without a session table.
 *
 *   const csrf = csrfTokens(db);
 *   const value = await csrf.of(sessionToken);           // set as the ba_csrf cookie
 *   await csrf.matches(sessionToken, req.get('x-csrf-token'))   // true or false
 *
 * The key: the shared secret `csrf` of server/db/app-secrets.ts (a random
 * value the first instance stores, the others read), or `configured` (tests).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { appSecret } from '../db/app-secrets.ts';
import type { DB } from '../db/types.ts';

export interface CsrfTokens {
  /** The CSRF token of a session token (base64url, 43 characters). */
  of(sessionToken: string): Promise<string>;
  /** Whether `given` is the CSRF token of `sessionToken` (constant time). */
  matches(sessionToken: string, given: string | undefined): Promise<boolean>;
}

export function csrfTokens(db: Kysely<DB>, configured?: string): CsrfTokens {
  const secret = appSecret(db, 'csrf', configured);
  const of = async (sessionToken: string) =>
    createHmac('sha256', await secret())
      .update(`csrf:${sessionToken}`)
      .digest('base64url');
  return {
    of,
    async matches(sessionToken, given) {
      if (!given) return false;
      const want = Buffer.from(await of(sessionToken));
      const got = Buffer.from(given);
      return got.length === want.length && timingSafeEqual(got, want);
    },
  };
}
