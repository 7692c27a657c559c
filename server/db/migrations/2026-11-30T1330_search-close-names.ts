/**
 * Gazetteer search, fewer trigram candidates (issue 12: p99 < 20 ms).
 *
 * At pg_trgm's default thresholds (similarity 0.3, word similarity 0.6) the
 * trigram index of unit_names returns hundreds of names for a common name
 * ("tan trung": 903 GIN candidates rechecked, 300 + 154 kept), each then
 * scored; yet a page of 10 rarely reaches below a score of 0.5. Measured on
 * unit_names (20 runs each, load 8.6): "tan trung" 3.50 ms at 0.3 against
 * 1.20 ms at 0.5 (37 names); "thanh ngoc" 2.29 → 1.09 ms (26 names).
 *
 * unit_names_close(q) answers the names whose similarity or word similarity
 * to q reaches 0.5, and the names that hold q as a substring (their bonus
 * may lift a low similarity over a page's last score). The thresholds are
 * the function's own SET clause: set on entry, put back on exit, so the
 * caller's `%` and `<%` keep theirs. Search (server/gazetteer/match.ts)
 * takes its page from these names when at least `limit` units score above
 * what a name left out could score (0.5, plus a kind word's 0.1), and
 * falls back to every name otherwise: the page is the same either way.
 * CLOSE_THRESHOLD in match.ts must equal the 0.5 here (tests/search-close.test.ts).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION unit_names_close(q text) RETURNS SETOF text
    LANGUAGE sql STABLE PARALLEL SAFE
    SET pg_trgm.similarity_threshold = 0.5
    SET pg_trgm.word_similarity_threshold = 0.5
    AS $$
      SELECT name_plain FROM unit_names WHERE name_plain % q
      UNION SELECT name_plain FROM unit_names WHERE q <% name_plain
      UNION SELECT name_plain FROM unit_names
        WHERE name_plain LIKE '%' || replace(replace(replace(q, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'
    $$;
  `.execute(db);
}
