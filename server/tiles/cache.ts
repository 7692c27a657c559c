/**
 * The tile cache: an in-process LRU of gzip-compressed tiles, bounded in
 * bytes. Keys start with the data version the tile was read at, so a bump
 * (seed, import, write) makes every older entry unreachable; the cache also
 * empties itself when told the version changed, to give the memory back.
 *
 * Concurrent misses for the same key share one render (a map opening fires
 * the same tiles from many clients at once).
 *
 *   const cache = new TileCache(64);            // MB
 *   cache.get(tileKey(7, 'all', 8, 203, 112))   // → CachedTile | undefined
 */
import { LRUCache } from 'lru-cache';

export interface CachedTile {
  /** Gzip-compressed MVT; empty for a tile without features (answered 204). */
  gzip: Buffer;
  /** Uncompressed size, for Content-Length of identity responses and the benchmark. */
  bytes: number;
  /** Weak validator from the content, so an unchanged tile keeps its ETag across versions. */
  etag: string;
}

/** Per-entry bookkeeping on top of the bytes (key, object, LRU links). */
const OVERHEAD = 200;

export function tileKey(version: number, layers: string, z: number, x: number, y: number): string {
  return `${version}/${layers}/${z}/${x}/${y}`;
}

export class TileCache {
  private readonly lru: LRUCache<string, CachedTile>;
  private readonly pending = new Map<string, Promise<CachedTile>>();

  constructor(maxMegabytes: number) {
    this.lru = new LRUCache<string, CachedTile>({
      maxSize: Math.max(1, Math.floor(maxMegabytes * 1024 * 1024)),
      sizeCalculation: (t) => t.gzip.length + OVERHEAD,
    });
  }

  get(key: string): CachedTile | undefined {
    return this.lru.get(key);
  }

  /** The cached tile, or `render()`'s, shared with every concurrent caller of the same key. */
  async through(key: string, render: () => Promise<{ key: string; tile: CachedTile }>): Promise<CachedTile> {
    const hit = this.lru.get(key);
    if (hit) return hit;
    let p = this.pending.get(key);
    if (!p) {
      p = render()
        .then(({ key: filed, tile }) => {
          // Filed under the version the data was read at, which may be newer than the asked one.
          this.lru.set(filed, tile);
          return tile;
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
