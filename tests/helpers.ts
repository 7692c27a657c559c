/**
 * Shared test plumbing: the run's database, scratch databases, a private
 * PostgreSQL cluster a test may stop, and the app on port 0 (useApp).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, pino } from 'pino';
import { afterAll, beforeAll, inject } from 'vitest';
import { type App, type AppDeps, createApp } from '../server/app.ts';
import { type ConnectOptions, connect, type Database } from '../server/db/connect.ts';
import type { DataVersion } from '../server/db/data-version.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { dropDatabase, ensureDatabase } from '../server/db/postgis.ts';
import type { HttpTimeouts } from '../server/http/server.ts';

export function runDatabase(opts: ConnectOptions = {}): Database {
  return connect(inject('dbUrl'), { max: 4, ...opts });
}

let scratchCount = 0;

/** A new, migrated, empty database of the test's own; `drop` removes it. */
export async function scratchDatabase(opts: ConnectOptions = {}): Promise<{
  database: Database;
  url: string;
  drop: () => Promise<void>;
}> {
  const name = `border_atlas_scratch_${process.pid}_${Date.now().toString(36)}_${scratchCount++}`;
  const url = await ensureDatabase(inject('adminUrl'), name);
  // Migrations run without the options (a short statement timeout under test would stop them).
  const migrator = Object.keys(opts).length ? connect(url, { max: 1 }) : undefined;
  const database = connect(url, { max: 4, ...opts });
  await migrateToLatest((migrator ?? database).db);
  await migrator?.close();
  return {
    database,
    url,
    drop: async () => {
      await database.close();
      await dropDatabase(inject('adminUrl'), name);
    },
  };
}

// freePort, waitFor and privateCluster live in scripts/lib/cluster.ts (npm run chaos uses them too).
import { type PrivateCluster, privateCluster } from '../scripts/lib/cluster.ts';

export { freePort, type PrivateCluster, privateCluster, waitFor } from '../scripts/lib/cluster.ts';

interface Running {
  base: string;
  app: App;
  close: () => Promise<void>;
}

/** The real app (server/app.ts: the whole handler) on a free port against `database`; tests reach it through useApp. */
async function startApp(
  database: Database,
  retryAfterS = 5,
  http: Partial<HttpTimeouts> = {},
  config: Partial<AppDeps['config']> = {},
  logger?: Logger,
): Promise<Running> {
  const app = createApp({
    config: { BODY_LIMIT: '100kb', RETRY_AFTER_S: retryAfterS, ...http, ...config },
    database,
    logger: logger ?? pino({ level: 'silent' }),
  });
  const server: Server = app.listen(0, '127.0.0.1');
  // Longer than any pause between two requests of a loaded run: fetch keeps
  // connections alive, and one the server closes while a request is being
  // sent on it fails that request with ECONNRESET (seen in a full run).
  server.keepAliveTimeout = http.HTTP_KEEP_ALIVE_TIMEOUT_MS ?? 120_000;
  await new Promise<void>((r) => server.once('listening', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    app,
    close: async () => {
      await new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      });
      await app.close();
    },
  };
}

export interface AppOptions {
  /**
   * The database the app serves: the run's seeded one (default), a scratch
   * one (migrated, empty, dropped afterwards) or a private cluster the test
   * may stop and start (`app.cluster`).
   */
  database?: 'run' | 'scratch' | 'cluster';
  /** Fills the database before the app starts. */
  setup?: (database: Database) => Promise<void>;
  /** Retry-After of 503 answers. */
  retryAfterS?: number;
  /** A server already running (the E2E_BASE of tests/e2e): nothing is started, `base` is this. */
  base?: string;
  /** Instances of the app on the one database (several hosts behind a proxy): `bases`. Default 1. */
  instances?: number;
  /** HTTP server timeouts (config.ts's HTTP_*_TIMEOUT_MS), for tests of slow clients. */
  http?: Partial<HttpTimeouts>;
  /** More of the app's configuration (limits, for tests/limits.test.ts; WRITE_RATE_LIMIT, CORS_WRITE_ORIGINS, IMPORT_MAX_BYTES). */
  config?: Partial<AppDeps['config']>;
  /** Options of the 'run' or 'scratch' database handle (statement timeouts, pool sizes). */
  connect?: ConnectOptions;
  /** The app's logger (default: silent), for tests that read the log. */
  logger?: Logger;
}

export interface UsedApp {
  readonly base: string;
  /** Every instance's base URL (`instances` option); `base` is the first. */
  readonly bases: string[];
  readonly database: Database;
  /** The app's data-version listener: `await app.version.waitFor(v)` after a write. */
  readonly version: DataVersion;
  /** Every instance's listener, in the order of `bases`. */
  readonly versions: DataVersion[];
  /** With `database: 'cluster'` only. */
  readonly cluster: PrivateCluster;
  /** With `database: 'scratch'` or `'cluster'`: where the database is. */
  readonly url: string;
}

/**
 * The real app on a free port, for a whole test file: started in beforeAll,
 * closed (with its database) in afterAll. Call it at module level, after
 * any beforeAll the app must wait for.
 *
 *   const app = useApp();
 *   const scratch = useApp({ database: 'scratch', setup: (d) => fill(d.db) });
 *   it('…', async () => { await fetch(`${app.base}/health`); });
 */
export function useApp(options: AppOptions = {}): UsedApp {
  const kind = options.database ?? 'run';
  let database: Database | undefined = kind === 'run' ? runDatabase(options.connect) : undefined;
  let url: string | undefined = kind === 'run' ? inject('dbUrl') : undefined;
  let cluster: PrivateCluster | undefined;
  let scratchDrop: (() => Promise<void>) | undefined;
  let instances: Running[] = [];
  const started = (what: string) =>
    new Error(`useApp: ${what} is known once beforeAll has run; read it inside a test`);

  beforeAll(async () => {
    if (kind === 'scratch') {
      const s = await scratchDatabase(options.connect);
      ({ database, url } = s);
      scratchDrop = s.drop;
    } else if (kind === 'cluster') {
      cluster = await privateCluster();
      ({ database, url } = cluster);
    }
    await options.setup?.(database!);
    if (options.base === undefined)
      for (let i = 0; i < (options.instances ?? 1); i++)
        instances.push(
          await startApp(database!, options.retryAfterS, options.http, options.config, options.logger),
        );
  });
  afterAll(async () => {
    await Promise.all(instances.map((r) => r.close()));
    instances = [];
    if (scratchDrop) await scratchDrop();
    else if (cluster) await cluster.remove();
    else await database?.close();
  });

  return {
    get base() {
      if (options.base !== undefined) return options.base.replace(/\/$/, '');
      if (!instances[0]) throw started('base');
      return instances[0].base;
    },
    get bases() {
      if (options.base !== undefined) return [this.base];
      if (!instances[0]) throw started('bases');
      return instances.map((r) => r.base);
    },
    get database() {
      if (!database) throw started('database');
      return database;
    },
    get version() {
      if (!instances[0]) throw started('version');
      return instances[0].app.version;
    },
    get versions() {
      if (!instances[0]) throw started('versions');
      return instances.map((r) => r.app.version);
    },
    get cluster() {
      if (!cluster) throw started('cluster');
      return cluster;
    },
    get url() {
      if (!url) throw started('url');
      return url;
    },
  };
}
