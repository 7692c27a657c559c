/**
 * Several server processes behind one port (issue 13), with node:cluster.
 *
 *   npm start -- --workers 2      # or WORKERS=2; --workers alone or 0: one per core
 *
 *   primary ── prepare the database once (find/start PostgreSQL, migrate, seed)
 *      │       size the pools so N workers fit in max_connections
 *      ├─ fork worker 1 ─┐  each: server/main.ts with SKIP_PREPARE=1, its own pools,
 *      └─ fork worker N ─┘  listening on the shared port (the primary hands out connections)
 *
 * The primary serves nothing and holds no pool. A worker that dies is
 * forked again after a backoff (doubling from RESTART_MIN_MS up to
 * RESTART_MAX_MS while workers keep dying young; a worker that lived
 * STABLE_MS resets it). SIGTERM (or SIGINT) is passed to every worker,
 * which drains like a single process does (server/main.ts); the primary
 * exits when they have, killing any still there after SHUTDOWN_GRACE_MS
 * plus a margin.
 *
 * Nothing that matters lives in one worker: sessions are the token itself
 * checked against the database (server/auth/session.ts), CSRF and cursor
 * keys live in app_secrets, the data version is PostgreSQL's (LISTEN/NOTIFY),
 * rate-limit counters are in Redis when REDIS_URL is set (server/auth/rate-limit.ts).
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import pg from 'pg';
import type { Logger } from 'pino';
import { type Config, ConfigError } from './config.ts';
import { migrateAndSeed, prepareServer } from './prepare.ts';

export const RESTART_MIN_MS = 250;
export const RESTART_MAX_MS = 10_000;
export const STABLE_MS = 10_000;
/** Connections left for psql, migrations, imports run beside the service. */
const HEADROOM = 10;

/**
 * The number of workers asked for, or null for the plain single process.
 * `--workers N` / `--workers=N` win over WORKERS; `--workers` alone, or 0,
 * means one per core (os.availableParallelism()).
 *
 *   workerCount(['--workers', '2'], '') // 2
 *   workerCount([], '')                 // null
 */
export function workerCount(argv: readonly string[], env: string): number | null {
  let raw: string | undefined = env === '' ? undefined : env;
  let from = 'WORKERS';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--workers') {
      const next = argv[i + 1];
      raw = next !== undefined && !next.startsWith('--') ? next : '0';
      from = '--workers';
    } else if (a.startsWith('--workers=')) {
      raw = a.slice('--workers='.length);
      from = '--workers';
    }
  }
  if (raw === undefined) return null;
  if (!/^\d{1,3}$/.test(raw) || Number(raw) > 256)
    throw new ConfigError(
      `invalid configuration:\n  ${from}=${JSON.stringify(raw)}: a number from 0 (one per core) to 256`,
    );
  const n = Number(raw);
  return n === 0 ? availableParallelism() : n;
}

type PoolConfig = Pick<Config, 'PG_POOL_MAX' | 'TILE_PG_POOL_MAX' | 'LIMIT_LARGE_PAGE_CONCURRENCY'>;

/** Connections one worker may open: API pool, tile pool, export pool, and the LISTEN connection. */
export function connectionsPerWorker(c: PoolConfig): number {
  return c.PG_POOL_MAX + c.TILE_PG_POOL_MAX + c.LIMIT_LARGE_PAGE_CONCURRENCY + 1;
}

/**
 * Pool sizes for `workers` processes that together stay within `available`
 * connections: unchanged when they fit, else the API and tile pools are cut
 * in proportion (at least 2 and 1). Returns the env overrides to pass on.
 *
 *   poolBudget({PG_POOL_MAX: 10, TILE_PG_POOL_MAX: 4, LIMIT_LARGE_PAGE_CONCURRENCY: 2}, 8, 87)
 *   // 17 a worker would need 136; → { PG_POOL_MAX: '5', TILE_PG_POOL_MAX: '2' } (10 a worker, 80)
 */
export function poolBudget(c: PoolConfig, workers: number, available: number): Record<string, string> {
  const need = connectionsPerWorker(c);
  if (need * workers <= available) return {};
  const fixed = c.LIMIT_LARGE_PAGE_CONCURRENCY + 1;
  const share = Math.max(3, Math.floor(available / workers) - fixed);
  const scale = share / (c.PG_POOL_MAX + c.TILE_PG_POOL_MAX);
  const api = Math.max(2, Math.floor(c.PG_POOL_MAX * scale));
  const tiles = Math.max(1, Math.min(c.TILE_PG_POOL_MAX, share - api));
  return { PG_POOL_MAX: String(api), TILE_PG_POOL_MAX: String(tiles) };
}

/** max_connections less the superuser reserve and HEADROOM, as the server reports them. */
async function availableConnections(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ max: string; reserved: string }>(
      `SELECT current_setting('max_connections') AS max,
              current_setting('superuser_reserved_connections') AS reserved`,
    );
    const row = rows[0] as { max: string; reserved: string };
    return Number(row.max) - Number(row.reserved) - HEADROOM;
  } finally {
    await client.end();
  }
}

/** The primary: prepares once, forks `workers`, restarts the dead, drains on SIGTERM. Never returns. */
export async function runPrimary(config: Config, logger: Logger, workers: number): Promise<void> {
  const log = (m: string) => logger.info(m);
  const skip = process.env.SKIP_PREPARE === '1' && config.DATABASE_URL !== '';
  const url = skip ? config.DATABASE_URL : (await prepareServer(config, log)).url;
  if (!skip) await migrateAndSeed(url, log);

  const available = await availableConnections(url);
  const pools = poolBudget(config, workers, available);
  if (Object.keys(pools).length > 0)
    logger.warn(
      { workers, perWorker: connectionsPerWorker(config), available, ...pools },
      'pools cut so that every worker fits in max_connections (set PG_POOL_MAX/TILE_PG_POOL_MAX, or raise max_connections)',
    );
  // The workers serve the prepared database as it is.
  const env = { DATABASE_URL: url, SKIP_PREPARE: '1', ...pools };

  let stopping = false;
  let failures = 0;
  const born = new Map<Worker, number>();
  const fork = () => {
    const worker = cluster.fork(env);
    born.set(worker, Date.now());
    logger.info({ worker: worker.id, workerPid: worker.process.pid }, 'worker started');
  };

  let announced = false;
  cluster.on('listening', (_worker, address) => {
    if (announced) return;
    announced = true;
    logger.info(
      { port: address.port, workers },
      `Border Atlas listening on http://127.0.0.1:${address.port}/ (${workers} workers)`,
    );
  });

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (born.get(worker) ?? Date.now());
    born.delete(worker);
    if (stopping) {
      if (born.size === 0) {
        logger.info('stopped');
        process.exit(0);
      }
      return;
    }
    failures = lived >= STABLE_MS ? 0 : failures + 1;
    const delay = Math.min(RESTART_MIN_MS * 2 ** Math.max(0, failures - 1), RESTART_MAX_MS);
    logger.warn(
      { worker: worker.id, workerPid: worker.process.pid, code, signal, restartInMs: delay },
      'worker exited; starting another',
    );
    // Not unref'd: with every worker dead this timer is what keeps the primary alive.
    setTimeout(() => {
      if (!stopping) fork();
    }, delay);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: born.size }, 'draining requests');
    if (born.size === 0) process.exit(0);
    for (const w of born.keys()) w.process.kill('SIGTERM');
    setTimeout(() => {
      logger.warn('workers still running after the grace period; killing them');
      for (const w of born.keys()) w.process.kill('SIGKILL');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS + 5000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  for (let i = 0; i < workers; i++) fork();
}
