/**
 * The whole service as one request handler, built from configuration and a
 * database handle: tile cache hits answered before Express
 * (server/tiles/fast-path.ts), everything else by the Express app. It makes
 * the one data-version listener and hands it to tiles, features and
 * analysis (near-border tiles), and `close()` ends everything it opened
 * (the listener, the tile pool); the database handle stays the caller's.
 *
 *   const app = createApp({ config, database, logger });
 *   const server = http.createServer(app);          // or app.listen(0, '127.0.0.1')
 *   …
 *   server.close(async () => { await app.close(); await database.close(); });
 *
 * `app.listen` makes the server with the HTTP timeouts of config.ts and a
 * problem document for requests Node's parser refuses (server/http/server.ts);
 * server/main.ts listens so.
 */
import { existsSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { nearBorderTileSource } from './analysis/near-border-tiles.ts';
import { analysisRouter } from './analysis/route.ts';
import { audit } from './audit/log.ts';
import { auditRouter } from './audit/route.ts';
import { corsPolicy } from './auth/cors.ts';
import { authOptions, createAuth } from './auth/index.ts';
import { sessionRouter } from './auth/session.ts';
import { type Config, defaults } from './config.ts';
import type { Database } from './db/connect.ts';
import { DataVersion } from './db/data-version.ts';
import { editRouter, featureOptions } from './features/edit.ts';
import { featuresRouter } from './features/index.ts';
import { fontsRouter } from './fonts/route.ts';
import { unitsRouter } from './gazetteer/route.ts';
import { compressAnswers, precompressedAssets } from './http/compress.ts';
import { errorHandler, notFoundHandler } from './http/errors.ts';
import { healthRouter } from './http/health.ts';
import { type LimitsConfig, limitsFromConfig } from './http/limits.ts';
import { methodNotAllowed } from './http/methods.ts';
import { createMetrics } from './http/metrics.ts';
import { parseQuery } from './http/params.ts';
import { requestLog } from './http/request-log.ts';
import { type HttpTimeouts, httpServer } from './http/server.ts';
import { serverTiming } from './http/timing.ts';
import { importRouter } from './import/http.ts';
import { acceptRouter } from './ingest/accept.ts';
import { ingestRouter } from './ingest/route.ts';
import { openapiRouter } from './openapi.ts';
import type { Redis } from './redis.ts';
import { searchRouter } from './search/route.ts';
import { sourcesRouter } from './sources/route.ts';
import { stylesRouter } from './styles/route.ts';
import { createTiles, type TileConfig, type TileService } from './tiles/index.ts';
import { TILE_PATH } from './tiles/route.ts';

/** Where credentials could appear in a log line: bearer tokens and the session cookie. */
const REDACTED = [
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export const clientDist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'client');

export interface AppDeps {
  /** The tile settings and DATA_VERSION_POLL_MS default to server/config.ts's defaults. */
  config: Pick<Config, 'BODY_LIMIT' | 'RETRY_AFTER_S'> &
    Partial<
      TileConfig &
        Pick<Config, 'DATA_VERSION_POLL_MS' | 'CURSOR_SECRET' | 'REPORT_CACHE_MB' | 'ANSWER_CACHE_MB'> &
        HttpTimeouts &
        LimitsConfig
    > &
    Partial<Pick<Config, 'WRITE_RATE_LIMIT' | 'CORS_WRITE_ORIGINS' | 'IMPORT_MAX_BYTES'>> &
    Partial<Pick<Config, 'PMTILES_ORIGINS'>>;
  database: Database;
  logger: Logger;
  /** REDIS_URL's client (server/redis.ts), one per process: rate-limit counters shared by instances. The caller closes it. */
  redis?: Redis;
}

/** A node:http request handler with the parts tests and scripts reach for. */
export interface App {
  (req: IncomingMessage, res: ServerResponse): void;
  /** The Express app behind the tile fast path. */
  express: Express;
  /** The one data-version listener (tests wait on it after a write: `app.version.waitFor(v)`). */
  version: DataVersion;
  tiles: TileService;
  /** `http.createServer(app).listen(...)`, with the HTTP timeouts and problem answers to clientError. */
  listen(port: number, host: string, onListening?: () => void): Server;
  /** Stops the listener and closes the tile pool; idempotent. The database is the caller's. */
  close(): Promise<void>;
}

export function createApp({ config, database, logger, redis }: AppDeps): App {
  const version = new DataVersion(database.pool, {
    pollMs: config.DATA_VERSION_POLL_MS ?? Number(defaults.DATA_VERSION_POLL_MS),
    onError: (e) => logger.debug({ err: e.message }, 'data version listener'),
  });
  // Reads on a replica must reach the version this listener knows (server/db/replica.ts).
  const unfollow = database.read.replicas?.follow(version);
  const tiles = createTiles({
    database,
    version,
    config,
    logger,
    sources: [nearBorderTileSource(database.read.db)],
    // Level 2 of the tile cache (server/tiles/redis-cache.ts).
    redis,
  });
  const app = expressApp(config, database, logger, version, tiles, redis);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (!tiles.serveHit(req, res)) app(req, res);
  };
  let closing: Promise<void> | undefined;
  return Object.assign(handler, {
    express: app,
    version,
    tiles,
    listen: (port: number, host: string, onListening?: () => void) =>
      httpServer(handler, config).listen(port, host, onListening),
    close: () => {
      unfollow?.();
      closing ??= Promise.all([tiles.close(), version.stop()]).then(() => {});
      return closing;
    },
  });
}

function expressApp(
  config: AppDeps['config'],
  database: Database,
  logger: Logger,
  version: DataVersion,
  tiles: TileService,
  redis?: Redis,
): Express {
  const app = express();
  const metrics = createMetrics();
  const auth = createAuth(database.db, {
    ...authOptions(config),
    sharedCounters: redis ? { redis, log: logger } : null,
  });
  for (const m of tiles.metrics) metrics.registry.registerMetric(m);
  for (const m of database.read.replicas?.metrics ?? []) metrics.registry.registerMetric(m);
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  // node:querystring, as 'simple', and the names whose bytes are not UTF-8 (readParams refuses them).
  app.set('query parser', parseQuery);

  // First, so that its `total` counts every middleware after it.
  app.use(serverTiming());
  // Tokens never reach the log: the request's headers (logged at debug) lose their credentials.
  const redacted = logger.child({}, { redact: { paths: REDACTED, censor: '[redacted]' } });
  app.use(requestLog(redacted, (url) => url === '/health'));
  app.use(metrics.middleware);
  // A tile the cache did not hold, before the page middleware below: a tile drops their
  // headers and is compressed already (server/tiles/route.ts, earlyTileRoute).
  app.get(TILE_PATH, tiles.tileRoute);
  // Brotli or gzip for every answer that is not compressed already (tiles are), except NDJSON progress.
  app.use(compressAnswers());
  app.use(
    helmet({
      // GIS clients and other sites' maps fetch our tiles and features.
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          // MapLibre runs its workers from blob: URLs and sets inline styles.
          'worker-src': ["'self'", 'blob:'],
          'child-src': ["'self'", 'blob:'],
          'img-src': ["'self'", 'data:', 'blob:'],
          'style-src': ["'self'", "'unsafe-inline'"],
          // PMTILES_ORIGINS: where the map may read .pmtiles archives from (client/pmtiles.ts, docs/offline.md).
          'connect-src': ["'self'", ...(config.PMTILES_ORIGINS ?? [])],
        },
      },
    }),
  );
  // OPTIONS on a collection's items answers Allow (not a CORS preflight, which corsPolicy answers).
  app.use(featureOptions);
  // Open for reads from any origin; writes only from ours and CORS_WRITE_ORIGINS (server/auth/cors.ts).
  app.use(corsPolicy(config.CORS_WRITE_ORIGINS ?? []));
  app.use(methodNotAllowed(app, clientDist));
  app.use(express.json({ limit: config.BODY_LIMIT }));
  // Expensive requests (analysis, large pages): a few at a time, a short queue, then 503.
  const limiter = limitsFromConfig(config, metrics.registry);
  app.use(limiter.middleware);

  app.use(healthRouter(database.db, config.RETRY_AFTER_S));
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  const answerCacheMb = config.ANSWER_CACHE_MB ?? Number(defaults.ANSWER_CACHE_MB);
  app.use(searchRouter(database.read, version, answerCacheMb));
  app.use(unitsRouter(database.read.db));
  app.use(openapiRouter());
  app.use(
    featuresRouter(database, version, {
      cursorSecret: config.CURSOR_SECRET,
      largePageRows: config.LARGE_PAGE_ROWS ?? Number(defaults.LARGE_PAGE_ROWS),
      pageCacheMb: answerCacheMb,
    }),
  );
  app.use(
    analysisRouter(database.read.db, version, { ...config, acquire: () => limiter.acquire('analysis') }),
  );
  app.use(sourcesRouter(database.db));
  app.use(sessionRouter(database.db, auth));
  app.use(
    importRouter(database.db, auth, {
      maxBytes: config.IMPORT_MAX_BYTES ?? Number(defaults.IMPORT_MAX_BYTES),
      // One audit row per import, in the import's own transaction when it commits.
      audit: async (db, e) => {
        await audit(db, {
          actor: e.actor,
          layer: e.layer,
          featureId: null,
          operation: 'import',
          outcome: e.outcome,
          sourceId: e.sourceId,
          detail: JSON.stringify(e.detail),
        });
      },
    }),
  );
  app.use(tiles.router);
  app.use(editRouter(database, auth, config.BODY_LIMIT));
  // Ingestion's review: the candidates an editor accepted (server/ingest/accept.ts).
  app.use(acceptRouter(database, auth));
  app.use(ingestRouter(database.db, auth));
  app.use(auditRouter(database.db, auth));
  app.use(fontsRouter(path.join(clientDist, '..', 'fonts')));
  // The label points are the tiles' own (one computation per data version for both).
  app.use(stylesRouter(database.db, version, tiles.state.basemap.labels));

  if (existsSync(clientDist)) {
    // The build's .br/.gz copies of the scripts (client/precompress.ts), for browsers that take them.
    app.use(precompressedAssets(clientDist));
    app.use(express.static(clientDist, { index: 'index.html', maxAge: '1h' }));
  }

  app.use(notFoundHandler);
  app.use(errorHandler(config.RETRY_AFTER_S));
  return app;
}
