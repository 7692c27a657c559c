/**
 * The Express app, built from configuration and a database handle.
 * `listen` lives in server/main.ts, so tests start this on port 0.
 *
 *   const app = createApp({ config, database, logger })
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { analysisRouter } from './analysis/route.ts';
import type { Config } from './config.ts';
import type { Database } from './db/connect.ts';
import { featuresRouter } from './features/index.ts';
import { fontsRouter } from './fonts/route.ts';
import { errorHandler, notFoundHandler } from './http/errors.ts';
import { healthRouter } from './http/health.ts';
import { createMetrics } from './http/metrics.ts';
import { openapiRouter } from './openapi.ts';
import { searchRouter } from './search/route.ts';
import { sourcesRouter } from './sources/route.ts';
import { createTiles, type TileService } from './tiles/index.ts';

export const clientDist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'client');

export interface AppDeps {
  config: Pick<Config, 'BODY_LIMIT' | 'RETRY_AFTER_S'>;
  database: Database;
  logger: Logger;
  /** Vector tiles; made here when not given. server/main.ts gives one, to answer cache hits before Express. */
  tiles?: TileService;
}

export function createApp({ config, database, logger, tiles }: AppDeps): Express {
  const app = express();
  const metrics = createMetrics();
  const tileService = tiles ?? createTiles({ database, logger });
  for (const m of tileService.metrics) metrics.registry.registerMetric(m);
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.set('query parser', 'simple');

  app.use(pinoHttp({ logger, autoLogging: { ignore: (req) => req.url === '/health' } }));
  app.use(metrics.middleware);
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
          'connect-src': ["'self'"],
        },
      },
    }),
  );
  // Open for reads from any origin; writes (later) are not.
  app.use(
    cors({
      origin: '*',
      methods: ['GET', 'HEAD', 'OPTIONS'],
      exposedHeaders: ['ETag', 'Content-Crs', 'Link'],
    }),
  );
  app.use(express.json({ limit: config.BODY_LIMIT }));

  app.use(healthRouter(database.db, config.RETRY_AFTER_S));
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use(searchRouter(database.db));
  app.use(openapiRouter());
  app.use(featuresRouter(database));
  app.use(analysisRouter(database.db));
  app.use(sourcesRouter(database.db));
  app.use(tileService.router);
  app.use(fontsRouter(path.join(clientDist, '..', 'fonts')));

  if (existsSync(clientDist)) {
    app.use(express.static(clientDist, { index: 'index.html', maxAge: '1h' }));
  }

  app.use(notFoundHandler);
  app.use(errorHandler(config.RETRY_AFTER_S));
  return app;
}
