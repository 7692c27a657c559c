/**
 * What the tile subsystem keeps between requests, in one object: the data
 * version, the tile cache, the connections tiles are rendered on, the
 * learnt common headers, and the counters /metrics shows.
 */
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { Counter, Gauge, Histogram, type Metric } from 'prom-client';
import type { DataVersion } from '../db/data-version.ts';
import type { DB } from '../db/types.ts';
import type { Basemap } from './basemap.ts';
import type { TileCache } from './cache.ts';
import type { RedisTileCache, RedisTileCounters } from './redis-cache.ts';
import type { Bounds } from './tilejson.ts';

export interface TileCounters {
  /** One cache hit answered by the fast path: a plain increment, added to the counter when /metrics reads it. */
  hit: () => void;
  renders: Counter;
  renderSeconds: Histogram;
  redis: RedisTileCounters;
}

export interface TileState {
  db: Kysely<DB>;
  /** Tile connections: no parallel workers, no JIT (see server/tiles/index.ts). */
  pool: pg.Pool;
  version: DataVersion;
  cache: TileCache;
  /** Level 2, shared by every instance (REDIS_URL); undefined without Redis. */
  redis: RedisTileCache | undefined;
  cacheControl: string;
  /** The basemap's layers of the composite tiles: labels and rivers (server/tiles/basemap.ts). */
  basemap: Basemap;
  /** Layer extents for TileJSON, per data version. */
  extents: { version: number | undefined; byLayer: Map<string, Promise<Bounds | undefined>> };
  counters: TileCounters;
  metrics: Metric[];
}

export function tileMetrics(
  cache: TileCache,
  version: DataVersion,
): { counters: TileCounters; metrics: Metric[] } {
  // Registered by createApp on the app's own registry (tests build many apps).
  let unread = 0;
  const hits = new Counter({
    name: 'border_atlas_tile_cache_hits_total',
    help: 'Tiles answered from the in-process cache',
    registers: [],
    collect() {
      if (unread > 0) this.inc(unread);
      unread = 0;
    },
  });
  const renders = new Counter({
    name: 'border_atlas_tile_renders_total',
    help: 'Tiles rendered (cache misses): by PostGIS, or cut from a GeoJSON source',
    registers: [],
  });
  const renderSeconds = new Histogram({
    name: 'border_atlas_tile_render_seconds',
    help: 'Time to render, compress and cache one tile',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [],
  });
  const redisCounter = (name: string, help: string) =>
    new Counter({ name: `border_atlas_tile_redis_${name}_total`, help, registers: [] });
  const redis: RedisTileCounters = {
    hits: redisCounter('hits', 'In-process misses answered from Redis (level 2) without a render'),
    misses: redisCounter('misses', 'In-process misses that Redis did not hold either'),
    waited: redisCounter(
      'waited',
      "Tiles another instance rendered while this one waited on the tile's lock",
    ),
    errors: redisCounter(
      'errors',
      'Redis operations that failed (Redis down or slow): the tile was rendered here',
    ),
  };
  const cacheBytes = new Gauge({
    name: 'border_atlas_tile_cache_bytes',
    help: 'Bytes held by the tile cache (compressed tiles and bookkeeping)',
    registers: [],
    collect() {
      this.set(cache.size.bytes);
    },
  });
  const dataVersion = new Gauge({
    name: 'border_atlas_data_version',
    help: 'Data version this process serves (tiles, features, analysis)',
    registers: [],
    collect() {
      if (version.current !== undefined) this.set(version.current);
    },
  });
  return {
    counters: {
      hit: () => {
        unread++;
      },
      renders,
      renderSeconds,
      redis,
    },
    metrics: [hits, renders, renderSeconds, ...Object.values(redis), cacheBytes, dataVersion],
  };
}
