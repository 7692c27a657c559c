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
 * The key: a random value the first instance to need it stores in
 * `app_secrets` under the name `csrf` (the table of the cursor key,
 * migration 2026-11-30T0900); the others read the same row. It is written
 * only when missing, and ON CONFLICT keeps the first writer's value when two
 * instances start at once. A key given in `configured` (tests) is used
 * instead and the table stays untouched.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';

const SECRET_NAME = 'csrf';

export interface CsrfTokens {
  /** The CSRF token of a session token (base64url, 43 characters). */
  of(sessionToken: string): Promise<string>;
  /** Whether `given` is the CSRF token of `sessionToken` (constant time). */
  matches(sessionToken: string, given: string | undefined): Promise<boolean>;
}

export function csrfTokens(db: Kysely<DB>, configured?: string): CsrfTokens {
  let key: Promise<string> | undefined;
  const secret = () => {
    if (configured) return Promise.resolve(configured);
    key ??= sharedKey(db).catch((e) => {
      key = undefined; // a database outage must not pin the failure
      throw e;
    });
    return key;
  };
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

async function sharedKey(db: Kysely<DB>): Promise<string> {
  const read = async () =>
    (await db.selectFrom('app_secrets').select('value').where('name', '=', SECRET_NAME).executeTakeFirst())
      ?.value;
  const found = await read();
  if (found) return found;
  await db
    .insertInto('app_secrets')
    .values({ name: SECRET_NAME, value: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const stored = await read();
  if (!stored) throw new Error('app_secrets: the CSRF key could not be stored');
  return stored;
}
