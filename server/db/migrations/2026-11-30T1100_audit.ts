/**
 * The audit of the write API: one row per attempted edit of a feature, who
 * made it (the token, and its name as it was then), what (layer, feature id,
 * operation), how it ended (applied, or a conflict on a stale ETag, or
 * rejected), the feature before and after as GeoJSON, and the source cited.
 * An applied row is written in the edit's own transaction; a conflict after
 * the failed transaction. A deleted feature is restored from `before`.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      token_id integer REFERENCES api_tokens (id),
      actor_name text NOT NULL,
      layer text NOT NULL,
      feature_id bigint,
      operation text NOT NULL
        CHECK (operation IN ('create', 'replace', 'update', 'delete', 'restore', 'import')),
      outcome text NOT NULL CHECK (outcome IN ('applied', 'conflict', 'rejected')),
      before jsonb,
      after jsonb,
      source_id text REFERENCES sources (id) ON DELETE SET NULL,
      detail text
    );
    CREATE INDEX audit_log_feature ON audit_log (layer, feature_id, at DESC);
    CREATE INDEX audit_log_at ON audit_log (at);
  `.execute(db);
}
