/**
 * Secrets every server process of one database shares, by name (table
 * app_secrets, migration 2026-11-30T0900): the key that signs the cursors of
 * next links (server/features/cursor.ts) and the key of CSRF tokens
 * (server/auth/csrf.ts). A value given in `configured` (configuration,
 * tests) is used instead and the table stays untouched.
 *
 *   const key = appSecret(db, 'cursor', config.CURSOR_SECRET, 'or set CURSOR_SECRET');
 *   const k = await key();      // read once, then kept; a failure is not kept
 *
 * Read first, written only when missing (a read-only replica never writes);
 * ON CONFLICT keeps the first writer's value when two instances start at once,
 * and the read after it returns that value to both.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from './types.ts';

export function appSecret(
  db: Kysely<DB>,
  name: string,
  configured?: string,
  /** Added to the error when the table is missing (e.g. the variable that would replace it). */
  hint = '',
): () => Promise<string> {
  let secret: Promise<string> | undefined;
  return () => {
    if (configured) return Promise.resolve(configured);
    secret ??= readOrCreate(db, name, hint).catch((e) => {
      secret = undefined; // a database outage must not pin the failure
      throw e;
    });
    return secret;
  };
}

async function readOrCreate(db: Kysely<DB>, name: string, hint: string): Promise<string> {
  const read = async () => {
    try {
      const row = await db
        .selectFrom('app_secrets')
        .select('value')
        .where('name', '=', name)
        .executeTakeFirst();
      return row?.value;
    } catch (e) {
      if ((e as { code?: string }).code !== '42P01') throw e;
      throw new Error(`app_secrets does not exist: migrate the database${hint ? `, ${hint}` : ''}`);
    }
  };
  const found = await read();
  if (found) return found;
  await db
    .insertInto('app_secrets')
    .values({ name, value: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const stored = await read();
  if (!stored) throw new Error(`app_secrets: the ${name} key could not be stored`);
  return stored;
}
