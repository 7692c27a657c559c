/**
 * Level 2 of the tile cache: compressed tiles in Redis (REDIS_URL), shared
 * by every instance, below each process's in-process LRU (cache.ts). A miss
 * in one process that another has already rendered costs one Redis round
 * trip instead of a PostGIS statement.
 *
 *   key   ba:tile:<namespace>:v<version>:<layers>/<z>/<x>/<y>   (value: encode() below, TTL REDIS_TILE_TTL_S)
 *   lock  ba:tile-lock:<same suffix>                            (SET NX PX REDIS_TILE_LOCK_MS)
 *
 * A miss in Redis takes the tile's lock and renders; an instance that finds
 * the lock taken polls for the key (5 ms, doubling to 50 ms) until it
 * appears, the lock goes (its holder failed, or read a newer version and
 * filed the tile there) or REDIS_TILE_LOCK_MS has passed, and then renders
 * itself: concurrent misses of one tile across instances render it once,
 * and a holder that died costs a bounded wait, never a hang.
 *
 * Never stale: the version in the key is the one the render's own statement
 * read, in the same snapshot as the data (server/tiles/sql.ts), so a render
 * racing an edit files its bytes under the version they show, never under a
 * newer one. Every instance learns a bump through LISTEN/NOTIFY
 * (server/db/data-version.ts) and asks for the new version's keys from
 * then on; older keys are never read again and expire. The namespace is a
 * random value kept in the database (app_secrets 'tile-cache-namespace'),
 * so two databases served through one Redis (or one database dropped and
 * created again, whose versions start over) never share keys.
 *
 * Redis down: every operation fails at once (server/redis.ts: no offline
 * queue) or after its command timeout, and the tile is rendered as without
 * Redis; nothing is logged here (redis.ts logs "down" and "up" once each),
 * failures are counted in /metrics.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Counter } from 'prom-client';
import { appSecret } from '../db/app-secrets.ts';
import type { DB } from '../db/types.ts';
import { type Redis, redisReady } from '../redis.ts';
import type { CachedTile } from './cache.ts';

export interface RedisTileOptions {
  /** Seconds a tile stays in Redis (REDIS_TILE_TTL_S). */
  ttlS: number;
  /** How long a render's lock lives, and the longest another instance waits on it (REDIS_TILE_LOCK_MS). */
  lockMs: number;
}

export interface RedisTileCounters {
  hits: Counter;
  misses: Counter;
  /** Tiles another instance rendered while this one waited on its lock. */
  waited: Counter;
  errors: Counter;
}

export interface Rendered {
  /** The data version the tile was read at (its key's version). */
  version: number;
  tile: CachedTile;
}

/** Where a tile came from: Redis (another instance rendered it) or a render of ours. */
export type TileSource = 'redis' | 'render';

// value: 'T' 1, uncompressed length (u32 BE), ETag length (u16 BE), ETag (ASCII), gzip bytes.
const MAGIC = 0x54;
const FORMAT = 1;

export function encodeTile(tile: CachedTile): Buffer {
  const etag = Buffer.from(tile.etag, 'latin1');
  const head = Buffer.alloc(8);
  head.writeUInt8(MAGIC, 0);
  head.writeUInt8(FORMAT, 1);
  head.writeUInt32BE(tile.bytes, 2);
  head.writeUInt16BE(etag.length, 6);
  return Buffer.concat([head, etag, tile.gzip]);
}

/** The tile, or undefined for a value this version of the code did not write. */
export function decodeTile(value: Buffer): CachedTile | undefined {
  if (value.length < 8 || value[0] !== MAGIC || value[1] !== FORMAT) return undefined;
  const bytes = value.readUInt32BE(2);
  const etagLength = value.readUInt16BE(6);
  if (value.length < 8 + etagLength) return undefined;
  const etag = value.toString('latin1', 8, 8 + etagLength);
  // A copy, so that the cache does not keep Redis's whole reply buffer alive.
  const gzip = Buffer.from(value.subarray(8 + etagLength));
  if ((bytes === 0) !== (gzip.length === 0)) return undefined;
  return { gzip, bytes, etag };
}

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class RedisTileCache {
  private namespace: () => Promise<string>;

  constructor(
    private readonly redis: Redis,
    private readonly db: Kysely<DB>,
    private readonly options: RedisTileOptions,
    private readonly counters: RedisTileCounters,
  ) {
    this.namespace = appSecret(db, 'tile-cache-namespace');
  }

  /**
   * The data version went back: the database was created again, and its
   * versions repeat numbers the old one used. Read the namespace afresh (a
   * new database has a new one).
   */
  forgetNamespace(): void {
    this.namespace = appSecret(this.db, 'tile-cache-namespace');
  }

  /** The key of a tile (`id` is `<layers>/<z>/<x>/<y>`). */
  async key(version: number, id: string): Promise<string> {
    const ns = (await this.namespace()).slice(0, 12);
    return `ba:tile:${ns}:v${version}:${id}`;
  }

  /**
   * The tile `id` at `version`: from Redis, or from `render()` (run once
   * across instances when they miss together), which is then stored under
   * the version it read. Without Redis, just `render()`.
   */
  async through(
    version: number,
    id: string,
    render: () => Promise<Rendered>,
  ): Promise<Rendered & { source: TileSource }> {
    const rendered = async (lock?: { key: string; token: string }) => {
      let r: Rendered;
      try {
        r = await render();
      } catch (e) {
        // Those waiting on the lock render themselves now rather than at its expiry.
        if (lock) await this.release(lock.key, lock.token);
        throw e;
      }
      await this.store(r, id, lock);
      return { ...r, source: 'render' as const };
    };
    if (!redisReady(this.redis)) return { ...(await render()), source: 'render' };
    let key: string;
    try {
      key = await this.key(version, id);
    } catch {
      // The namespace comes from the database: away, so is the render (which answers 503).
      return { ...(await render()), source: 'render' };
    }
    const lockKey = key.replace('ba:tile:', 'ba:tile-lock:');
    const token = randomBytes(9).toString('base64url');
    let locked: string | null;
    try {
      const [found, lock] = await this.getOrLock(key, lockKey, token);
      if (found) {
        this.counters.hits.inc();
        return { version, tile: found, source: 'redis' };
      }
      locked = lock;
    } catch {
      this.counters.errors.inc();
      return rendered();
    }
    this.counters.misses.inc();
    if (locked === 'OK') return rendered({ key: lockKey, token });
    // Another instance is rendering it: wait for its bytes, within bounds.
    const deadline = Date.now() + this.options.lockMs;
    let pause = 5;
    try {
      while (Date.now() < deadline) {
        await sleep(pause);
        pause = Math.min(pause * 2, 50);
        const [found, held] = await this.poll(key, lockKey);
        if (found) {
          this.counters.waited.inc();
          return { version, tile: found, source: 'redis' };
        }
        if (!held) break;
      }
    } catch {
      this.counters.errors.inc();
    }
    return rendered();
  }

  /** GET the tile and, in the same round trip, try to take its lock (only useful on a miss). */
  private async getOrLock(
    key: string,
    lockKey: string,
    token: string,
  ): Promise<[CachedTile | undefined, string | null]> {
    const replies = await this.redis
      .pipeline()
      .getBuffer(key)
      .set(lockKey, token, 'PX', this.options.lockMs, 'NX')
      .exec();
    const [[getError, value] = [], [setError, lock] = []] = replies ?? [];
    if (getError || setError) throw getError ?? setError;
    const found = value ? decodeTile(value as Buffer) : undefined;
    // Found: a lock we took for nothing is given back at once.
    if (found && lock === 'OK') void this.release(lockKey, token);
    return [found, lock as string | null];
  }

  private async poll(key: string, lockKey: string): Promise<[CachedTile | undefined, boolean]> {
    const replies = await this.redis.pipeline().getBuffer(key).exists(lockKey).exec();
    const [[getError, value] = [], [existsError, held] = []] = replies ?? [];
    if (getError || existsError) throw getError ?? existsError;
    return [value ? decodeTile(value as Buffer) : undefined, held === 1];
  }

  /** Stores a render under the version it read; a failure only costs a later render. */
  private async store(r: Rendered, id: string, lock?: { key: string; token: string }): Promise<void> {
    try {
      if (!redisReady(this.redis)) return;
      const key = await this.key(r.version, id);
      await this.redis.set(key, encodeTile(r.tile), 'EX', this.options.ttlS);
    } catch {
      this.counters.errors.inc();
    } finally {
      if (lock) await this.release(lock.key, lock.token);
    }
  }

  /** Deletes the lock if it is still ours (it may have expired and been taken by another). */
  private async release(lockKey: string, token: string): Promise<void> {
    try {
      if (redisReady(this.redis)) await this.redis.eval(RELEASE, 1, lockKey, token);
    } catch {
      // It expires by itself.
    }
  }
}
