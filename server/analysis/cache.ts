/**
 * Answers of the analysis and statistics reports, kept until the data
 * changes. A report reads nothing but the data, so the same parameters at
 * the same data version give the same bytes: border length recomputes the
 * border's geometry (hundreds of milliseconds), investment and distance
 * bands scan every project. Keys start with the data version, as the tile
 * cache's do (server/tiles/cache.ts); every write path bumps that version
 * (server/import/write.ts), so no write needs to know this cache exists.
 * The cache also empties itself when the version changes, to give the
 * memory back.
 *
 * Bounded in bytes (the serialised bodies); concurrent misses for the same
 * key share one run, so 64 clients asking for the same report at once cost
 * one query.
 *
 *   const cache = new ReportCache(version, 32);          // MB
 *   const body = await cache.through(report, params, 'json', async () => render(await run()));
 *
 * Filed under the version read before the query ran: a write committed
 * while it ran may already be in its snapshot, which only makes the entry
 * newer than its key says; its version's announcement empties the cache.
 */
import type { DataVersion } from '../db/data-version.ts';
import { SharedCache } from '../tiles/cache.ts';
import type { Report } from './report.ts';

/** A report's answer, ready to send. */
export interface RenderedReport {
  type: string;
  body: string;
  /** Content-Disposition, for CSV. */
  disposition?: string;
}

/** Bytes per entry besides the body: key, object, LRU links. */
const OVERHEAD = 300;

export class ReportCache {
  private readonly shared: SharedCache<RenderedReport>;
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly version: DataVersion,
    maxMegabytes: number,
  ) {
    this.shared = new SharedCache<RenderedReport>({
      maxSize: maxMegabytes * 1024 * 1024,
      // JavaScript strings: up to two bytes a character.
      size: (r) => 2 * r.body.length + OVERHEAD,
    });
    version.onChange(() => this.shared.clear());
  }

  /**
   * The answer for `report` with `params` (as parsed) in format `as` at the
   * current data version: from the cache, or `render()`'s, shared with
   * every concurrent caller asking the same. `hit` says which.
   */
  async through(
    report: Report,
    params: unknown,
    as: string,
    render: () => Promise<RenderedReport>,
  ): Promise<{ answer: RenderedReport; hit: boolean }> {
    const version = await this.version.read();
    const key = `${version}\u0000${report.name}\u0000${as}\u0000${JSON.stringify(params)}`;
    const cached = this.shared.get(key);
    if (cached) {
      this.hits++;
      return { answer: cached, hit: true };
    }
    this.misses++;
    const answer = await this.shared.through(key, async () => ({ key, value: await render() }));
    return { answer, hit: false };
  }

  get stats(): { hits: number; misses: number; entries: number; bytes: number } {
    return { hits: this.hits, misses: this.misses, ...this.shared.size };
  }
}
