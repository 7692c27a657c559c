/**
 * The tile subsystem, wired in request order:
 *
 *   fast-path.ts  cache hit? answer before Express
 *   route.ts      Express: parse (params.ts) → cache (cache.ts) → Redis
 *                 (redis-cache.ts, with REDIS_URL) → render
 *                 (render.ts: sql.ts + generalise.ts in PostGIS) → respond.ts
 *   tilejson.ts   /tiles/{layers}.json
 *   geojson.ts    GeoJSON sources (near-border), through the same cache and answers
 *   basemap.ts    the labels and rivers layers of the composite tiles (`all`)
 *
 * createApp (server/app.ts) makes it, with the app's one data-version
 * listener, and puts `serveHit` in front of Express:
 *
 *   const tiles = createTiles({ database, version, config, logger, sources });
 *   (req, res) => tiles.serveHit(req, res) || express(req, res)
 *   …
 *   await tiles.close();   // its own pool; the listener is the app's to stop
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler, Router } from 'express';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Metric } from 'prom-client';
import { type Config, defaults } from '../config.ts';
import { type Database, guardPool, withReplicas } from '../db/connect.ts';
import type { DataVersion } from '../db/data-version.ts';
import type { Redis } from '../redis.ts';
import { createBasemap } from './basemap.ts';
import { TileCache } from './cache.ts';
import { fastPath } from './fast-path.ts';
import type { GeoJsonSource } from './geojson.ts';
import { ogcTilesRouter } from './ogc.ts';
import { parseLayers } from './params.ts';
import { RedisTileCache } from './redis-cache.ts';
import { warmStatements } from './render.ts';
import { earlyTileRoute, tilesRouter } from './route.ts';
import { type TileState, tileMetrics } from './state.ts';

export type TileConfig = Pick<
  Config,
  'TILE_CACHE_MB' | 'TILE_CACHE_CONTROL' | 'TILE_PG_POOL_MAX' | 'REDIS_TILE_TTL_S' | 'REDIS_TILE_LOCK_MS'
>;

export const tileDefaults: TileConfig = {
  TILE_CACHE_MB: Number(defaults.TILE_CACHE_MB),
  TILE_CACHE_CONTROL: defaults.TILE_CACHE_CONTROL,
  TILE_PG_POOL_MAX: Number(defaults.TILE_PG_POOL_MAX),
  REDIS_TILE_TTL_S: Number(defaults.REDIS_TILE_TTL_S),
  REDIS_TILE_LOCK_MS: Number(defaults.REDIS_TILE_LOCK_MS),
};

export interface TileService {
  router: Router;
  /**
   * GET /tiles/{layers}/{z}/{x}/{y}.mvt alone, to mount at TILE_PATH before the page middleware
   * (route.ts, earlyTileRoute); `router` still answers the same path for what it refuses.
   */
  tileRoute: RequestHandler;
  /** Answers a cache hit and returns true, or returns false and leaves the request alone. */
  serveHit: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** For the app's /metrics registry. */
  metrics: Metric[];
  version: DataVersion;
  state: TileState;
  close(): Promise<void>;
}

export function createTiles(deps: {
  database: Database;
  /** The app's data-version listener (started and stopped by its owner). */
  version: DataVersion;
  config?: Partial<TileConfig>;
  logger?: Logger;
  /** Query results served as tiles (server/tiles/geojson.ts). */
  sources?: readonly GeoJsonSource[];
  /** The process's Redis client (REDIS_URL, server/redis.ts): level 2 of the cache. Closed by its owner. */
  redis?: Redis;
}): TileService {
  const config = { ...tileDefaults, ...deps.config };
  const base = deps.database.pool.options;
  // Tiles get connections of their own: a burst of cold tiles cannot take
  // every connection from the API, and these sessions turn off two planner
  // features that only cost here. A parallel worker must load PostGIS on
  // start (~0.5 s measured on the benchmark data, longer than most tiles),
  // and JIT compiles for statements whose estimated cost is high but whose
  // run is short.
  const primaryPool = new pg.Pool({
    ...base,
    max: config.TILE_PG_POOL_MAX,
    application_name: 'border-atlas-tiles',
    statement_timeout: deps.database.timeouts.tile,
    // Idle tile connections do not keep a process alive (scripts that build an app and return).
    allowExitOnIdle: true,
    options: [base.options, '-c max_parallel_workers_per_gather=0 -c jit=off'].filter(Boolean).join(' '),
  });
  const lost = (e: Error) => deps.logger?.warn({ err: e.message }, 'tile connection lost');
  guardPool(primaryPool, lost);
  // With DATABASE_READ_URL, the same pool on each replica, the primary when they lag or are down (server/db/replica.ts).
  const pool = withReplicas(deps.database, primaryPool, lost);

  const cache = new TileCache(config.TILE_CACHE_MB);
  const version = deps.version;
  const { counters, metrics } = tileMetrics(cache, version);
  const redis = deps.redis
    ? new RedisTileCache(
        deps.redis,
        deps.database.db,
        { ttlS: config.REDIS_TILE_TTL_S, lockMs: config.REDIS_TILE_LOCK_MS },
        counters.redis,
      )
    : undefined;
  version.onChange((now, previous) => {
    // Entries of older versions can never be asked for again.
    cache.clear();
    // Gone back: a database created afresh, whose versions repeat old numbers.
    if (previous !== undefined && now < previous) redis?.forgetNamespace();
  });
  const state: TileState = {
    db: deps.database.db,
    pool,
    version,
    cache,
    redis,
    cacheControl: config.TILE_CACHE_CONTROL,
    basemap: createBasemap(deps.database.db, version),
    extents: { version: undefined, byLayer: new Map() },
    counters,
    metrics,
  };
  // The composite layer's statements, built before its first tiles are asked for (render.ts).
  const stopWarming = warmStatements(deps.database.db, parseLayers('all').layers);
  let closed = false;
  return {
    router: tilesRouter(state, deps.sources ?? []).use(ogcTilesRouter(state)),
    tileRoute: earlyTileRoute(state),
    serveHit: fastPath(state),
    metrics,
    version,
    state,
    async close() {
      if (closed) return;
      closed = true;
      stopWarming();
      await pool.end();
    },
  };
}
