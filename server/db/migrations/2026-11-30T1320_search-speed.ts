/**
 * Gazetteer search on its trigram indexes instead of a scan of the 14,000
 * units (issue 12: p99 < 20 ms). EXPLAIN (ANALYZE, BUFFERS) of a search
 * showed three causes:
 *
 * 1. pg_trgm declares its operators (`%`, `<%`, `%>`...) at COST 1, as cheap
 *    as `=`, so a scan of every name looked cheaper than the GIN index; each
 *    call costs in fact some 30–60 text comparisons (measured: 14,159 rows
 *    through `%` take ~70 ms, through `||` and `>` ~4 ms). At COST 100 the
 *    planner takes the index. Only planning changes, never an answer.
 * 2. After seeding, the GIN index's pending list (fastupdate) held 5,646 of
 *    the new rows, which every search read one by one until a VACUUM, and
 *    which made the planner cost the index out. A statement that writes
 *    units now moves the pending entries into the trigram indexes before it
 *    ends (gin_clean_pending_list, in bulk: 7,115 names took 0.1 s
 *    against 0.5 s with fastupdate off, which inserts them one by one).
 * 3. The index finds candidates that each cost a similarity to check: 1,392
 *    units for "ta van". Half the units share their name with another
 *    (7,115 names for 14,159 units), so the names are matched once each, in
 *    unit_names (one row per distinct admin_units.name_plain, kept by
 *    triggers), and joined back to their units on the btree.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- The extension's functions belong to whoever created it; a database where that is not us keeps
    -- the old costs (search stays right, only slower).
    DO $$
    BEGIN
      ALTER FUNCTION similarity_op(text, text) COST 100;
      ALTER FUNCTION word_similarity_op(text, text) COST 100;
      ALTER FUNCTION word_similarity_commutator_op(text, text) COST 100;
      ALTER FUNCTION strict_word_similarity_op(text, text) COST 100;
      ALTER FUNCTION strict_word_similarity_commutator_op(text, text) COST 100;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'pg_trgm operators keep their cost: %', SQLERRM;
    END $$;

    SELECT gin_clean_pending_list('admin_units_name_trgm'::regclass);

    CREATE TABLE unit_names (name_plain text PRIMARY KEY);
    CREATE INDEX unit_names_trgm ON unit_names USING gin (name_plain gin_trgm_ops);
    INSERT INTO unit_names SELECT DISTINCT name_plain FROM admin_units;
    SELECT gin_clean_pending_list('unit_names_trgm'::regclass);

    -- Statement triggers: a seed of 14,000 units adds or drops the names once, set-based.
    CREATE FUNCTION unit_names_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM unit_names n
        WHERE n.name_plain IN (SELECT o.name_plain FROM old_units o)
          AND NOT EXISTS (SELECT 1 FROM admin_units u WHERE u.name_plain = n.name_plain);
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO unit_names (name_plain)
        SELECT DISTINCT n.name_plain FROM new_units n
        ON CONFLICT DO NOTHING;
        PERFORM gin_clean_pending_list('unit_names_trgm'::regclass);
        PERFORM gin_clean_pending_list('admin_units_name_trgm'::regclass);
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER unit_names_insert AFTER INSERT ON admin_units
      REFERENCING NEW TABLE AS new_units FOR EACH STATEMENT EXECUTE FUNCTION unit_names_sync();
    CREATE TRIGGER unit_names_update AFTER UPDATE ON admin_units
      REFERENCING OLD TABLE AS old_units NEW TABLE AS new_units FOR EACH STATEMENT EXECUTE FUNCTION unit_names_sync();
    CREATE TRIGGER unit_names_delete AFTER DELETE ON admin_units
      REFERENCING OLD TABLE AS old_units FOR EACH STATEMENT EXECUTE FUNCTION unit_names_sync();
    CREATE FUNCTION unit_names_clear() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM unit_names;
      RETURN NULL;
    END $$;
    CREATE TRIGGER unit_names_truncate AFTER TRUNCATE ON admin_units
      FOR EACH STATEMENT EXECUTE FUNCTION unit_names_clear();
  `.execute(db);
}
