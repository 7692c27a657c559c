/**
 * Starts the service: prepare the database (unless SKIP_PREPARE=1), build the
 * app, listen, and drain on SIGTERM/SIGINT.
 *
 *   tsx server/main.ts
 */
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { connect } from './db/connect.ts';
import { readUrls } from './db/replica.ts';
import { migrateAndSeed, prepareServer } from './prepare.ts';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = pino({ level: config.LOG_LEVEL });
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
  const app = createApp({ config, database, logger });
  const server = app.listen(config.PORT, config.HOST, () => {
    const { port } = server.address() as AddressInfo;
    logger.info({ port, database: prepared.origin }, `Border Atlas listening on http://127.0.0.1:${port}/`);
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
