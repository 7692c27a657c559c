/**
 * Everything between "a machine with PostgreSQL somewhere" and "a database
 * ready to serve": find or start the server, make sure PostGIS is there,
 * create the database, migrate, seed.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seed } from '../seeds/index.ts';
import type { Config } from './config.ts';
import { connect } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { ensureDatabase, ensurePostgis } from './db/postgis.ts';
import { locateServer } from './db/postgres-local.ts';

export const projectRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Prepared {
  url: string;
  adminUrl: string;
  origin: 'env' | 'local' | 'private';
}

/**
 * The PostgreSQL server the configuration points at (DATABASE_URL, else
 * 127.0.0.1:5432, else the private cluster under .data/), with PostGIS
 * installed when allowed: what the server, the tests and the scripts that
 * make databases of their own all start from.
 */
export async function postgisServer(
  config: Pick<Config, 'DATABASE_URL' | 'PRIVATE_PG_PORT' | 'AUTO_INSTALL_POSTGIS'>,
  log: (m: string) => void,
): Promise<Omit<Prepared, 'url'>> {
  const located = await locateServer({
    databaseUrl: config.DATABASE_URL,
    privateDir: path.join(projectRoot, '.data', 'pg'),
    privatePort: config.PRIVATE_PG_PORT,
    log,
  });
  await ensurePostgis(located.adminUrl, config.AUTO_INSTALL_POSTGIS, log);
  return { adminUrl: located.adminUrl, origin: located.origin };
}

/** Finds the server, installs PostGIS when allowed, and creates the database when missing. */
export async function prepareServer(config: Config, log: (m: string) => void): Promise<Prepared> {
  const located = await postgisServer(config, log);
  const url = config.DATABASE_URL || (await ensureDatabase(located.adminUrl, config.DATABASE_NAME));
  return { url, adminUrl: located.adminUrl, origin: located.origin };
}

/** Applies pending migrations and loads data/ (a no-op when nothing changed). */
export async function migrateAndSeed(url: string, log: (m: string) => void): Promise<void> {
  const database = connect(url, { max: 2 });
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length) log(`migrations applied: ${applied.join(', ')}`);
    const r = await seed(database.db);
    log(
      r.changed
        ? `seed data loaded (data version ${r.version})`
        : `seed data unchanged (data version ${r.version})`,
    );
  } finally {
    await database.close();
  }
}
