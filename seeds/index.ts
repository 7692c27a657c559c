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
import type { Kysely } from 'kysely';
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
  return loadData(db, data, {
    unitFiles: unitFilesDigest(dataDir),
    readGazetteer: () => readGazetteer(dataDir),
  });
}
