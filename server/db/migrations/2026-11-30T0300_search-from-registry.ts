/**
 * Search is built from the layer registry at query time (server/search):
 * the search_entries view, which named the searchable layers by hand, goes.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP VIEW IF EXISTS search_entries`.execute(db);
}
