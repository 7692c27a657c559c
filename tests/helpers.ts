/** Shared test plumbing: the run's database, scratch databases, and the app on port 0. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, inject } from 'vitest';
import { createApp } from '../server/app.ts';
import { connect, type Database } from '../server/db/connect.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { dropDatabase, ensureDatabase } from '../server/db/postgis.ts';
import { createTiles, type TileService } from '../server/tiles/index.ts';

export function runDatabase(): Database {
  return connect(inject('dbUrl'), { max: 4 });
}

let scratchCount = 0;

/** A new, migrated, empty database of the test's own; `drop` removes it. */
export async function scratchDatabase(): Promise<{
  database: Database;
  url: string;
  drop: () => Promise<void>;
}> {
  const name = `border_atlas_scratch_${process.pid}_${Date.now().toString(36)}_${scratchCount++}`;
  const url = await ensureDatabase(inject('adminUrl'), name);
  const database = connect(url, { max: 4 });
  await migrateToLatest(database.db);
  return {
    database,
    url,
    drop: async () => {
      await database.close();
      await dropDatabase(inject('adminUrl'), name);
    },
  };
}

export interface Running {
  base: string;
  close: () => Promise<void>;
}

/**
 * Starts the real app on a free port against `database`, wired as
 * server/main.ts does (tile cache hits before Express); `tiles` is that
 * tile subsystem.
 */
export async function startApp(
  database: Database,
  retryAfterS = 5,
): Promise<Running & { tiles: TileService }> {
  const logger = pino({ level: 'silent' });
  const tiles = createTiles({ database, logger });
  const app = createApp({
    config: { BODY_LIMIT: '100kb', RETRY_AFTER_S: retryAfterS },
    database,
    logger,
    tiles,
  });
  const server = createServer((req, res) => {
    if (!tiles.serveHit(req, res)) app(req, res);
  }).listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    tiles,
    close: async () => {
      await new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      });
      await tiles.close();
    },
  };
}

/**
 * The real app on a free port against the run's database, for a whole test
 * file: started before its tests, closed (with the database handle) after.
 *
 *   const app = useApp();
 *   it('…', async () => { await fetch(`${app.base}/health`); });
 */
export function useApp(): { readonly base: string; database: Database } {
  const database = runDatabase();
  let running: Running | undefined;
  beforeAll(async () => {
    running = await startApp(database);
  });
  afterAll(async () => {
    await running?.close();
    await database.close();
  });
  return {
    database,
    get base() {
      if (!running) throw new Error('useApp: the app starts in beforeAll; read base inside a test');
      return running.base;
    },
  };
}
