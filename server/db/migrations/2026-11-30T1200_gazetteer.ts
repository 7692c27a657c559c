/**
 * The national gazetteer (data/gazetteer/): every administrative unit of
 * Vietnam, before and after 2025-07-01. A successor link says whether the
 * whole old unit went to the new one (`full`) or a part of it (`partial`);
 * links written before this column, or by a writer that does not know,
 * have none. Predecessors ("formed from") are read by successor_id.
 *
 * seed_digests: what seeding last wrote of a layer (a digest of its
 * records), so that an unchanged gazetteer (14,000 units) is not staged
 * and checked again on every start (seeds/load.ts).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE unit_successors ADD COLUMN type text CHECK (type IN ('full', 'partial'));
    CREATE INDEX unit_successors_successor ON unit_successors (successor_id);
    -- Exact names (the gazetteer's "name within context" matches), besides the trigram index.
    CREATE INDEX admin_units_name_plain ON admin_units (name_plain);
    CREATE TABLE seed_digests (
      layer text PRIMARY KEY,
      digest text NOT NULL,
      rows integer NOT NULL
    );
  `.execute(db);
}
