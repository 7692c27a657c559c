/**
 * Starts the service: prepare the database (unless SKIP_PREPARE=1), build the
 * app, listen, and drain on SIGTERM/SIGINT. With `--workers N` (or WORKERS)
 * this process becomes the cluster primary and N workers run the rest
 * (server/cluster.ts).
 *
 *   tsx server/main.ts [--workers N]
 */
import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createApp } from './app.ts';
import { runPrimary, workerCount } from './cluster.ts';
import { ConfigError, loadConfig } from './config.ts';
import { connect } from './db/connect.ts';
import { readUrls } from './db/replica.ts';
import { migrateAndSeed, prepareServer } from './prepare.ts';
import { closeRedis, connectRedis } from './redis.ts';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  let workers: number | null;
  try {
    config = loadConfig();
    workers = cluster.isPrimary ? workerCount(process.argv.slice(2), config.WORKERS) : null;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = pino({
    level: config.LOG_LEVEL,
    ...(cluster.isWorker ? { base: { pid: process.pid, worker: cluster.worker?.id } } : {}),
  });
  if (workers !== null) return runPrimary(config, logger, workers);
  const log = (m: string) => logger.info(m);

  // SKIP_PREPARE=1 with DATABASE_URL serves a database as it is (the
  // benchmarks serve theirs without the articles' data seeded into it).
  const skip = process.env.SKIP_PREPARE === '1' && config.DATABASE_URL !== '';
  const prepared = skip
    ? { url: config.DATABASE_URL, origin: 'env' as const }
    : await prepareServer(config, log);
  if (!skip) await migrateAndSeed(prepared.url, log);

  const database = connect(prepared.url, {
    max: config.PG_POOL_MAX,
    statementTimeoutMs: config.PG_STATEMENT_TIMEOUT_MS,
    analysisTimeoutMs: config.PG_ANALYSIS_TIMEOUT_MS,
    exportTimeoutMs: config.PG_EXPORT_TIMEOUT_MS,
    tileTimeoutMs: config.PG_TILE_TIMEOUT_MS,
    // Large pages never run more at once than the limiter lets through (server/http/limits.ts).
    exportMax: config.LIMIT_LARGE_PAGE_CONCURRENCY,
    onError: (e) => logger.warn({ err: e.message }, 'database connection lost'),
    readUrls: readUrls(config.DATABASE_READ_URL),
    replicaOptions: {
      onDown: (replica, e) =>
        logger.warn({ replica, err: e.message }, 'read replica down; reading on the primary'),
      onUp: (replica) => logger.info({ replica }, 'read replica back'),
    },
  });
  // The whole handler, tile cache hits before Express included, on a server
  // with the HTTP timeouts and problem answers to unparseable requests (server/app.ts).
  // REDIS_URL: state shared by instances (rate-limit counters); the service runs on while Redis is down.
  const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, logger) : undefined;
  const app = createApp({ config, database, logger, ...(redis ? { redis } : {}) });
  const server = app.listen(config.PORT, config.HOST, () => {
    const { port } = server.address() as AddressInfo;
    logger.info({ port, database: prepared.origin }, `Border Atlas listening on http://127.0.0.1:${port}/`);
    // Follow the data version from the start (it would start with the first request that needs
    // it): the basemap's label points of the version are then made before the first tile asks.
    void app.version.ready();
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining requests');
    const force = setTimeout(() => {
      logger.warn('grace period over; closing remaining connections');
      server.closeAllConnections();
    }, config.SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(async () => {
      await app.close();
      if (redis) await closeRedis(redis);
      await database.close();
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e) => {
  process.stderr.write(`Border Atlas failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
