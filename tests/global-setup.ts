/**
 * One fresh database per test run: created on the server npm start would use
 * (DATABASE_URL's server, 127.0.0.1:5432, or the private cluster), migrated
 * and seeded here, dropped at the end.
 */
import type { TestProject } from 'vitest/node';
import { seed } from '../seeds/index.ts';
import { loadConfig } from '../server/config.ts';
import { connect } from '../server/db/connect.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { dropDatabase, ensureDatabase } from '../server/db/postgis.ts';
import { postgisServer } from '../server/prepare.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dbUrl: string;
    adminUrl: string;
  }
}

let cleanup: (() => Promise<void>) | undefined;

export async function setup(project: TestProject): Promise<void> {
  const config = loadConfig();
  const log = (m: string) => process.stderr.write(`[test setup] ${m}\n`);
  const located = await postgisServer(config, log);
  const name = `border_atlas_test_${process.pid}_${Date.now().toString(36)}`;
  const url = await ensureDatabase(located.adminUrl, name);
  cleanup = () => dropDatabase(located.adminUrl, name);
  const database = connect(url, { max: 2 });
  try {
    await migrateToLatest(database.db);
    await seed(database.db);
  } finally {
    await database.close();
  }
  project.provide('dbUrl', url);
  project.provide('adminUrl', located.adminUrl);
}

export async function teardown(): Promise<void> {
  await cleanup?.();
}
