/**
 * Whole answers kept until the data changes: a page of features or a search
 * reads nothing but the data, so at one data version the same request gives
 * the same bytes. Keys start with the version the answer was computed at,
 * as the tile and report caches' do; the cache also empties when the
 * version moves, to give the memory back. Bounded in bytes (LRU); 0
 * megabytes turns it off. Concurrent misses of one key share one run.
 *
 *   const pages = new AnswerCache(version, 32);
 *   const hit = pages.get(v, key);               // string body or undefined
 *   pages.set(v, key, body);
 */
import type { DataVersion } from '../db/data-version.ts';
import { SharedCache } from '../tiles/cache.ts';

/** Bytes per entry besides the body: key, object, LRU links. */
const OVERHEAD = 300;

export class AnswerCache {
  private readonly shared: SharedCache<string> | undefined;

  constructor(version: DataVersion, maxMegabytes: number) {
    if (maxMegabytes <= 0) return;
    this.shared = new SharedCache<string>({
      maxSize: maxMegabytes * 1024 * 1024,
      // JavaScript strings: up to two bytes a character.
      size: (body) => 2 * body.length + OVERHEAD,
    });
    version.onChange(() => this.shared?.clear());
  }

  get(version: number, key: string): string | undefined {
    return this.shared?.get(`${version}\u0000${key}`);
  }

  /** Keeps `body` under the version it was computed at. */
  set(version: number, key: string, body: string): void {
    const k = `${version}\u0000${key}`;
    this.shared?.through(k, async () => ({ key: k, value: body }));
  }

  /** The answer at `version`, or `compute()`'s, shared with every concurrent caller of the same key. */
  async through(
    version: number,
    key: string,
    compute: () => Promise<string>,
  ): Promise<{ body: string; hit: boolean }> {
    if (!this.shared) return { body: await compute(), hit: false };
    const k = `${version}\u0000${key}`;
    const cached = this.shared.get(k);
    if (cached !== undefined) return { body: cached, hit: true };
    return {
      body: await this.shared.through(k, async () => ({ key: k, value: await compute() })),
      hit: false,
    };
  }

  get size(): { entries: number; bytes: number } {
    return this.shared?.size ?? { entries: 0, bytes: 0 };
  }
}
