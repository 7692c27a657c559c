/**
 * Accounts are API tokens: a name, a role, and the token's hash. The token
 * itself is shown once, at creation (`npm run token -- create`), and never
 * stored: `public_id` finds the row, `hash` (scrypt, salted) proves the
 * secret. A revoked token keeps its row, so the audit can still name who
 * made an edit.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE api_tokens (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      public_id text NOT NULL UNIQUE CHECK (public_id ~ '^[0-9a-f]{12}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      role text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
      hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    )
  `.execute(db);
}
