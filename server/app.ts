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
 * `app.listen` makes the server with the HTTP timeouts of config.ts
 * (HTTP_HEADERS_TIMEOUT_MS...) and answers requests Node's parser refuses
 * (a head over 16 KiB, a malformed request line, a head too slow to arrive)
 * with a problem document too (clientError); server/main.ts listens so.
 */
import { existsSync, statSync } from 'node:fs';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { nearBorderTileSource } from './analysis/near-border-tiles.ts';
import { analysisRouter } from './analysis/route.ts';
import { type Config, defaults } from './config.ts';
import type { Database } from './db/connect.ts';
import { DataVersion } from './db/data-version.ts';
import { featuresRouter } from './features/index.ts';
import { fontsRouter } from './fonts/route.ts';
import { errorHandler, notFoundHandler } from './http/errors.ts';
import { healthRouter } from './http/health.ts';
import { createMetrics } from './http/metrics.ts';
import { parseQuery } from './http/params.ts';
import { PROBLEM_TYPE_BASE } from './http/problem.ts';
import { openapiRouter } from './openapi.ts';
import { searchRouter } from './search/route.ts';
import { sourcesRouter } from './sources/route.ts';
import { createTiles, type TileConfig, type TileService } from './tiles/index.ts';

export const clientDist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'client');

export interface AppDeps {
  /** The tile settings and DATA_VERSION_POLL_MS default to server/config.ts's defaults. */
  config: Pick<Config, 'BODY_LIMIT' | 'RETRY_AFTER_S'> &
    Partial<TileConfig & Pick<Config, 'DATA_VERSION_POLL_MS' | 'CURSOR_SECRET'> & HttpTimeouts>;
  database: Database;
  logger: Logger;
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

export function createApp({ config, database, logger }: AppDeps): App {
  const version = new DataVersion(database.pool, {
    pollMs: config.DATA_VERSION_POLL_MS ?? Number(defaults.DATA_VERSION_POLL_MS),
    onError: (e) => logger.debug({ err: e.message }, 'data version listener'),
  });
  const tiles = createTiles({
    database,
    version,
    config,
    logger,
    sources: [nearBorderTileSource(database.db)],
  });
  const app = expressApp(config, database, logger, version, tiles);
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
      closing ??= Promise.all([tiles.close(), version.stop()]).then(() => {});
      return closing;
    },
  });
}

export type HttpTimeouts = Pick<
  Config,
  'HTTP_HEADERS_TIMEOUT_MS' | 'HTTP_REQUEST_TIMEOUT_MS' | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'
>;

/**
 * The node:http server of `handler`: a request whose head is not in within
 * HTTP_HEADERS_TIMEOUT_MS, or whole within HTTP_REQUEST_TIMEOUT_MS, is
 * answered 408 and its connection closed; an idle keep-alive connection is
 * closed after HTTP_KEEP_ALIVE_TIMEOUT_MS.
 */
function httpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  config: Partial<HttpTimeouts>,
): Server {
  const headersTimeout = config.HTTP_HEADERS_TIMEOUT_MS ?? Number(defaults.HTTP_HEADERS_TIMEOUT_MS);
  const requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS ?? Number(defaults.HTTP_REQUEST_TIMEOUT_MS);
  const server = createServer(
    {
      headersTimeout,
      requestTimeout,
      keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS ?? Number(defaults.HTTP_KEEP_ALIVE_TIMEOUT_MS),
      // Node checks the two timeouts above every this often (30 s by default, longer than they are).
      connectionsCheckingInterval: Math.min(1000, headersTimeout, requestTimeout || 1000),
    },
    handler,
  );
  server.on('clientError', answerClientError);
  return server;
}

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'headers-too-large', 'the request head is larger than 16 KiB'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request-timeout', 'the request did not arrive in time'],
};

/**
 * A request Node's HTTP parser refused (or that timed out) has no response
 * object: the answer is written on the socket, a problem document, and the
 * connection closed.
 */
function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  const sent = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (err.code === 'ECONNRESET' || !socket.writable || sent) {
    socket.destroy();
    return;
  }
  const [status, code, detail] = CLIENT_ERRORS[err.code ?? ''] ?? [
    400,
    'malformed-request',
    `the request is not valid HTTP/1.1 (${err.code ?? err.message})`,
  ];
  const body = JSON.stringify({
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title: STATUS_CODES[status],
    status,
    detail,
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/problem+json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** The methods every path takes besides its routes' (cors answers OPTIONS). */
const ALWAYS = ['OPTIONS'];

/**
 * 405 with Allow for a method no route of the path takes (POST on a
 * read-only path), before the body is read; paths no route or file serves
 * go on to 404. GET, HEAD and OPTIONS never stop here.
 */
function methodNotAllowed(app: Express, staticDir: string): express.RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const methods = new Set<string>();
    routeMethods((app as unknown as { router: Router }).router.stack, req.path, methods);
    if (methods.size === 0 && isStaticFile(staticDir, req.path)) methods.add('GET');
    if (methods.size === 0 || methods.has(req.method)) return next();
    if (methods.has('GET')) methods.add('HEAD');
    const allow = [...methods, ...ALWAYS].join(', ');
    res.setHeader('Allow', allow);
    res.status(405).type('application/problem+json');
    res.send(
      JSON.stringify({
        type: `${PROBLEM_TYPE_BASE}method-not-allowed`,
        title: 'Method not allowed',
        status: 405,
        detail: `${req.path} takes ${allow}, not ${req.method}`,
        instance: req.originalUrl,
      }),
    );
  };
}

interface RouterLayer {
  match(path: string): { path: string } | false;
  route?: { methods: Record<string, boolean> };
  handle: { stack?: RouterLayer[] };
}
interface Router {
  stack: RouterLayer[];
}

/** Adds the methods of the routes under `stack` that match `p` (routers included, mounted or not). */
function routeMethods(stack: RouterLayer[], p: string, out: Set<string>): void {
  for (const layer of stack) {
    let m: ReturnType<RouterLayer['match']>;
    try {
      m = layer.match(p);
    } catch {
      continue; // a parameter that does not decode: not this route's
    }
    if (!m) continue;
    if (layer.route) {
      for (const [k, on] of Object.entries(layer.route.methods))
        if (on && k !== '_all') out.add(k.toUpperCase());
    } else if (layer.handle.stack) {
      routeMethods(layer.handle.stack, p.slice(m.path.length) || '/', out);
    }
  }
}

/** A file express.static would serve for GET `p` (the client's index for a directory). */
function isStaticFile(dir: string, p: string): boolean {
  let rel: string;
  try {
    rel = decodeURIComponent(p);
  } catch {
    return false;
  }
  const file = path.join(dir, rel);
  if (file !== dir && !file.startsWith(dir + path.sep)) return false;
  try {
    const st = statSync(file);
    return st.isFile() || (st.isDirectory() && existsSync(path.join(file, 'index.html')));
  } catch {
    return false;
  }
}

function expressApp(
  config: AppDeps['config'],
  database: Database,
  logger: Logger,
  version: DataVersion,
  tiles: TileService,
): Express {
  const app = express();
  const metrics = createMetrics();
  for (const m of tiles.metrics) metrics.registry.registerMetric(m);
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  // node:querystring, as 'simple', and the names whose bytes are not UTF-8 (readParams refuses them).
  app.set('query parser', parseQuery);

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
  app.use(methodNotAllowed(app, clientDist));
  app.use(express.json({ limit: config.BODY_LIMIT }));

  app.use(healthRouter(database.db, config.RETRY_AFTER_S));
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use(searchRouter(database.db));
  app.use(openapiRouter());
  app.use(featuresRouter(database, version, { cursorSecret: config.CURSOR_SECRET }));
  app.use(analysisRouter(database.db));
  app.use(sourcesRouter(database.db));
  app.use(tiles.router);
  app.use(fontsRouter(path.join(clientDist, '..', 'fonts')));

  if (existsSync(clientDist)) {
    app.use(express.static(clientDist, { index: 'index.html', maxAge: '1h' }));
  }

  app.use(notFoundHandler);
  app.use(errorHandler(config.RETRY_AFTER_S));
  return app;
}
