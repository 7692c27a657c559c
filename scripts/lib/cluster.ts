/**
 * A PostgreSQL cluster of one's own (initdb/pg_ctl, as the machine's
 * postgres user when root), migrated and empty, so that stopping it
 * disturbs nothing else: tests/chaos.test.ts and npm run chaos stop and
 * start it under load. Plus the two small helpers they share: a free TCP
 * port, and polling until a condition holds.
 */
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, type Database } from '../../server/db/connect.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import { startPrivateCluster, stopPrivateCluster } from '../../server/db/postgres-local.ts';

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Polls `check` every 250 ms until it holds (true) or `ms` have passed (false). */
export async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/**
 * A PostgreSQL cluster of the test's own (initdb/pg_ctl, as the machine's
 * postgres user when root), migrated and empty, so that stopping it
 * disturbs nothing else. `remove` stops it if running and deletes its files.
 */
export interface PrivateCluster {
  url: string;
  database: Database;
  stop(): void;
  start(): Promise<void>;
  remove(): Promise<void>;
}

export async function privateCluster(): Promise<PrivateCluster> {
  const dir = path.join(tmpdir(), `border-atlas-cluster-${process.pid}-${Date.now().toString(36)}`);
  const quiet = () => {};
  const port = await freePort();
  const url = await startPrivateCluster(dir, port, quiet);
  const database = connect(url, { max: 4, onError: quiet });
  await migrateToLatest(database.db);
  return {
    url,
    database,
    stop: () => stopPrivateCluster(dir),
    start: async () => {
      await startPrivateCluster(dir, port, quiet);
    },
    remove: async () => {
      await database.close();
      try {
        stopPrivateCluster(dir);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
