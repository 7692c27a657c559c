/**
 * Validates data/ and loads it into the configured database.
 *
 *   npm run seed            # same database as npm start
 *   DATABASE_URL=… npm run seed
 */

import { SeedError } from '../seeds/index.ts';
import { loadConfig } from '../server/config.ts';
import { migrateAndSeed, prepareServer } from '../server/prepare.ts';

const log = (m: string) => process.stderr.write(`${m}\n`);
try {
  const config = loadConfig();
  const prepared = await prepareServer(config, log);
  await migrateAndSeed(prepared.url, log);
} catch (e) {
  log(
    e instanceof SeedError
      ? `seed rejected, nothing written: ${e.message}`
      : `seed failed: ${(e as Error).message}`,
  );
  process.exit(1);
}
