/** The tile cache on its own (server/tiles/cache.ts): bounded in bytes, one render per key at a time. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cacheSizes } from '../server/http/caches.ts';
import { type CachedTile, TileCache, tileKey } from '../server/tiles/cache.ts';
import { fastPath } from '../server/tiles/fast-path.ts';
import type { TileState } from '../server/tiles/state.ts';

const tile = (kb: number): CachedTile => ({ gzip: Buffer.alloc(kb * 1024), bytes: kb * 1024, etag: 'W/"x"' });

describe('tile cache', () => {
  it('holds no more bytes than its bound, dropping the least recently used first', async () => {
    const cache = new TileCache(1); // 1 MB
    for (let i = 0; i < 30; i++) {
      await cache.through(`k${i}`, async () => ({ key: `k${i}`, tile: tile(100) }));
      if (i === 5) cache.get('k0'); // k0 is used again, k1 is now the oldest
    }
    expect(cache.size.bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(cache.size.entries).toBeLessThan(30);
    expect(cache.get('k29')).toBeDefined();
    expect(cache.get('k1')).toBeUndefined();
  });

  it('renders a key once for concurrent callers', async () => {
    const cache = new TileCache(1);
    let renders = 0;
    const render = async () => {
      renders++;
      await new Promise((r) => setTimeout(r, 20));
      return { key: 'k', tile: tile(1) };
    };
    const got = await Promise.all([
      cache.through('k', render),
      cache.through('k', render),
      cache.through('k', render),
    ]);
    expect(renders).toBe(1);
    expect(new Set(got).size).toBe(1);
  });

  it('files a tile under the version it was read at', async () => {
    const cache = new TileCache(1);
    await cache.through(tileKey(3, 'all', 1, 0, 0), async () => ({
      key: tileKey(4, 'all', 1, 0, 0),
      tile: tile(1),
    }));
    expect(cache.get(tileKey(3, 'all', 1, 0, 0))).toBeUndefined();
    expect(cache.get(tileKey(4, 'all', 1, 0, 0))).toBeDefined();
  });

  it('does not remember a failed render', async () => {
    const cache = new TileCache(1);
    await expect(cache.through('k', () => Promise.reject(new Error('database away')))).rejects.toThrow();
    const t = await cache.through('k', async () => ({ key: 'k', tile: tile(1) }));
    expect(t.bytes).toBe(1024);
  });

  it('keeps the uncompressed bytes after the first identity request, and counts them in its bound', async () => {
    const cache = new TileCache(1);
    const mvt = Buffer.alloc(50 * 1024, 7);
    const gz: CachedTile = { gzip: gzipSync(mvt), bytes: mvt.length, etag: 'W/"m"' };
    await cache.through('m', async () => ({ key: 'm', tile: gz }));
    const before = cache.size.bytes;
    expect(cache.identity('m', gz).equals(mvt)).toBe(true);
    const kept = cache.get('m')!;
    expect(kept.identity?.equals(mvt)).toBe(true);
    expect(cache.size.bytes).toBe(before + mvt.length);
    // The next identity request is the kept copy, not a new gunzip.
    expect(cache.identity('m', kept)).toBe(kept.identity);
  });

  it('the fast path remembers at most 10,000 URLs, and a miss leaves the request to Express', () => {
    const state = {
      version: { current: 1 },
      cache: new TileCache(1),
      counters: { hit: () => {} },
      cacheControl: 'public, max-age=300',
    } as unknown as TileState;
    const serve = fastPath(state);
    for (let i = 0; i < 10_050; i++) {
      const req = { url: `/tiles/roads/5/25/14.mvt?${i}`, method: 'GET' } as IncomingMessage;
      expect(serve(req, {} as ServerResponse)).toBe(false);
    }
    const size = cacheSizes()['tiles.fast-path-urls'];
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThanOrEqual(10_000);
  });
});
