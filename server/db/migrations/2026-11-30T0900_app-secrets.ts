/**
 * Secrets every server process of one database must share, by name. The
 * first holds the key that signs the cursors of the feature API's next
 * links (server/features/cursor.ts): a link made by one instance must open
 * on another. The row is written on first use with a random value, so a
 * database never hands out a key someone else chose; CURSOR_SECRET, when
 * set, is used instead and this table stays untouched.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE app_secrets (
      name text PRIMARY KEY,
      value text NOT NULL CHECK (length(value) >= 32),
      created_at timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
}
