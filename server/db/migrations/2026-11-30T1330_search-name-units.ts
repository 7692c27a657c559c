/**
 * unit_names counts its units (issue 12: p99 < 20 ms).
 *
 * Search joins to their units only the names that can still rank: those
 * scoring at least the cut, a score that `limit` units are known to reach.
 * Knowing only that every name has a unit, the cut was the `limit`-th best
 * name score. Many names tie there: for "tan trung" the 10th best name
 * scores 0.667, the score of 145 names that hold the word "trung", and all
 * 145 were looked up to break the tie. With the count of units of each
 * name the cut is the score at which the best names hold `limit` units
 * ("tan trung": 5 units, then 6 names at 0.778 holding 9, so the cut is
 * 0.778 and 7 names are read instead of 154).
 *
 * The statement triggers of migration 2026-11-30T1320 now recount the
 * names a write touched (a seed of 14,000 units: once, set-based).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Filled anew rather than updated: an UPDATE of every row left 7,115 entries in the trigram index's
    -- pending list and as many dead rows, and the units statement ran 2.5 times slower (p50 20.7 -> 50.8 ms).
    ALTER TABLE unit_names ADD COLUMN units integer NOT NULL DEFAULT 0;
    TRUNCATE unit_names;
    INSERT INTO unit_names (name_plain, units) SELECT name_plain, count(*)::int FROM admin_units GROUP BY name_plain;
    SELECT gin_clean_pending_list('unit_names_trgm'::regclass);

    -- The names a write touched, recounted from admin_units (btree on name_plain); a name no unit holds goes.
    CREATE FUNCTION unit_names_recount(names text[]) RETURNS void LANGUAGE sql AS $$
      INSERT INTO unit_names AS n (name_plain, units)
        SELECT t.name_plain, count(*)::int FROM unnest(names) t (name_plain)
        JOIN admin_units u ON u.name_plain = t.name_plain
        GROUP BY t.name_plain
      ON CONFLICT (name_plain) DO UPDATE SET units = EXCLUDED.units WHERE n.units <> EXCLUDED.units;
      DELETE FROM unit_names n WHERE n.name_plain = ANY (names)
        AND NOT EXISTS (SELECT 1 FROM admin_units u WHERE u.name_plain = n.name_plain);
    $$;

    CREATE OR REPLACE FUNCTION unit_names_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        PERFORM unit_names_recount(ARRAY(SELECT DISTINCT n.name_plain FROM new_units n));
      ELSIF TG_OP = 'DELETE' THEN
        PERFORM unit_names_recount(ARRAY(SELECT DISTINCT o.name_plain FROM old_units o));
      ELSE
        PERFORM unit_names_recount(ARRAY(SELECT o.name_plain FROM old_units o UNION SELECT n.name_plain FROM new_units n));
      END IF;
      -- A count changed is a new row version: its trigram entries leave the pending list too.
      PERFORM gin_clean_pending_list('unit_names_trgm'::regclass);
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM gin_clean_pending_list('admin_units_name_trgm'::regclass);
      END IF;
      RETURN NULL;
    END $$;
  `.execute(db);
}
