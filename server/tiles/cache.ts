/**
 * The tile cache: an in-process LRU of gzip-compressed tiles, bounded in
 * bytes (level 1; Redis, when REDIS_URL is set, is level 2:
 * server/tiles/redis-cache.ts). Keys start with the data version the tile was read at, so a bump
 * (seed, import, write) makes every older entry unreachable; the cache also
 * empties itself when told the version changed, to give the memory back.
 *
 * Concurrent misses for the same key share one render (a map opening fires
 * the same tiles from many clients at once). The same sharing serves the
 * GeoJSON sources' indexes (server/tiles/geojson.ts) through `SharedCache`.
 *
 *   const cache = new TileCache(64);            // MB
 *   cache.get(tileKey(7, 'all', 8, 203, 112))   // → CachedTile | undefined
 */
import { gunzipSync } from 'node:zlib';
import { LRUCache } from 'lru-cache';
import type { TileHeads } from './respond.ts';

export interface CachedTile {
  /** Gzip-compressed MVT; empty for a tile without features (answered 204). */
  gzip: Buffer;
  /** Uncompressed size, for Content-Length of identity responses and the benchmark. */
  bytes: number;
  /** Weak validator from the content, so an unchanged tile keeps its ETag across versions. */
  etag: string;
  /**
   * The uncompressed MVT, kept once a client that does not accept gzip has
   * asked for this tile (TileCache.identity), so that such clients do not
   * cost a gunzip per request; absent until then (most clients take gzip).
   */
  identity?: Buffer;
  /** Its answers' header lists, built by its first answer (server/tiles/respond.ts). */
  heads?: TileHeads;
}

/** Per-entry bookkeeping on top of the bytes (key, object, LRU links). */
const OVERHEAD = 200;

export function tileKey(version: number, layers: string, z: number, x: number, y: number): string {
  return `${version}/${layers}/${z}/${x}/${y}`;
}

/**
 * An LRU whose misses are loaded once however many callers ask at the same
 * time. A load says under which key its value is filed: a tile read at a
 * newer data version than the one asked for is filed under the newer one.
 */
export class SharedCache<V extends {}> {
  private readonly lru: LRUCache<string, V>;
  private readonly pending = new Map<string, Promise<V>>();

  constructor(options: { maxSize: number; size: (value: V) => number; max?: number }) {
    this.lru = new LRUCache<string, V>({
      maxSize: Math.max(1, Math.floor(options.maxSize)),
      sizeCalculation: (v) => Math.max(1, options.size(v)),
      ...(options.max ? { max: options.max } : {}),
    });
  }

  get(key: string): V | undefined {
    return this.lru.get(key);
  }

  /** The entry without touching its recency. */
  peek(key: string): V | undefined {
    return this.lru.peek(key);
  }

  /** Files `value` under `key` (replacing an entry re-counts its size). */
  set(key: string, value: V): void {
    this.lru.set(key, value);
  }

  /** The cached value, or `load()`'s, shared with every concurrent caller of the same key. */
  async through(key: string, load: () => Promise<{ key: string; value: V }>): Promise<V> {
    const hit = this.lru.get(key);
    if (hit) return hit;
    let p = this.pending.get(key);
    if (!p) {
      p = load()
        .then(({ key: filed, value }) => {
          this.lru.set(filed, value);
          return value;
        })
        .finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p;
  }

  clear(): void {
    this.lru.clear();
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.lru.size, bytes: this.lru.calculatedSize };
  }
}

export class TileCache {
  private readonly shared: SharedCache<CachedTile>;

  constructor(maxMegabytes: number) {
    this.shared = new SharedCache<CachedTile>({
      maxSize: maxMegabytes * 1024 * 1024,
      size: (t) => t.gzip.length + (t.identity?.length ?? 0) + OVERHEAD,
    });
  }

  get(key: string): CachedTile | undefined {
    return this.shared.get(key);
  }

  /**
   * The tile's uncompressed bytes. The first identity request of a tile
   * gunzips it and, when `key` still holds that tile, files a copy holding
   * both encodings (so the byte bound counts them); later ones are a copy
   * of the kept bytes. A tile gzip clients only ask for stays compressed.
   */
  identity(key: string, tile: CachedTile): Buffer {
    if (tile.identity) return tile.identity;
    const identity = gunzipSync(tile.gzip);
    if (this.shared.peek(key) === tile) this.shared.set(key, { ...tile, identity });
    return identity;
  }

  /** The cached tile, or `render()`'s, shared with every concurrent caller of the same key. */
  through(key: string, render: () => Promise<{ key: string; tile: CachedTile }>): Promise<CachedTile> {
    return this.shared.through(key, async () => {
      const { key: filed, tile } = await render();
      return { key: filed, value: tile };
    });
  }

  clear(): void {
    this.shared.clear();
  }

  get size(): { entries: number; bytes: number } {
    return this.shared.size;
  }
}
