/**
 * What ingestion (issue 12, "review and accept") needs to know of an article
 * that became a source:
 *
 * - sources.published: the article's date (YYYY-MM-DD), kept when an editor
 *   accepts candidates from it, so that the atlas can say when a figure was
 *   reported and the gazetteer's units in force that day can be preferred.
 * - sources.text_hash: the sha256 of the article's plain text (the ingestion
 *   JSON's `article.hash`), so that the same article pasted again without its
 *   URL, or under another URL, is recognised (server/ingest/existing.ts).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE sources ADD COLUMN published date;
    ALTER TABLE sources ADD COLUMN text_hash text
      CONSTRAINT sources_text_hash_check CHECK (text_hash ~ '^[0-9a-f]{64}$');
    CREATE INDEX sources_text_hash ON sources (text_hash) WHERE text_hash IS NOT NULL;
    CREATE INDEX sources_url ON sources (url) WHERE url IS NOT NULL;
  `.execute(db);
}
