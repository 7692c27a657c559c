/**
 * Seeding: validate data/, then load it in one transaction.
 *
 *   const r = await seed(db, 'data') // { changed, version, counts }
 *
 * A bad record throws a SeedError naming file, record and field, and the
 * database is left exactly as it was.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../server/db/types.ts';
import { type LoadResult, loadData } from './load.ts';
import { readData, readGazetteer, unitFilesDigest } from './read.ts';

export { SeedError } from './errors.ts';

export const defaultDataDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'data');

/**
 * The gazetteer's CSV is read (and checked) only when the units files
 * changed since the last seed, or the units it wrote are no longer all there.
 */
export async function seed(db: Kysely<DB>, dataDir: string = defaultDataDir): Promise<LoadResult> {
  const data = readData(dataDir, { gazetteer: false });
  const r = await loadData(db, data, {
    unitFiles: unitFilesDigest(dataDir),
    readGazetteer: () => readGazetteer(dataDir),
  });
  // A seed that wrote something gives the planner the statistics of what it wrote: without them a fresh
  // database (a new deploy, a test's database) plans search on guesses until autovacuum comes by
  // (issue 12; a fresh seed of the gazetteer left admin_units, unit_names and unit_successors unanalysed).
  if (r.changed) await sql`ANALYZE`.execute(db);
  return r;
}
