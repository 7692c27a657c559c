/**
 * Where the next page starts, remembered: a client that follows our `next`
 * link asks for offset N right after it read the page ending at row N. When
 * the order is the default one (by id), the server remembers the last id of
 * each page it sent, keyed by data version, layer and filter, and answers
 * offset N with `id > last` instead of walking N rows again. The answer is
 * the one OFFSET gives (same data version, same order); a miss, another
 * order or another server instance simply falls back to OFFSET.
 */
import type { Kysely, RawBuilder } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { DB } from '../db/types.ts';
import type { ItemsParams } from './items-params.ts';

export interface Resume {
  /** Cache key of this request's result set, or undefined when its order is not by id. */
  key(layerId: string, where: RawBuilder<unknown>, p: ItemsParams, version: number): string | undefined;
  /** The id after which row `offset` of the result set comes, if known. */
  after(key: string | undefined, offset: number): string | undefined;
  /** Remembers that row `offset` of the result set comes after `lastId`. */
  remember(key: string | undefined, offset: number, lastId: string | undefined): void;
}

export function resumePoints(db: Kysely<DB>): Resume {
  const cache = new LRUCache<string, string>({ max: 5000, ttl: 10 * 60_000 });
  return {
    key(layerId, where, p, version) {
      const byId = p.sortby.every((k) => k.name === 'id' && !k.desc);
      if (!byId) return undefined;
      const q = where.compile(db);
      return `${version}\u0000${layerId}\u0000${q.sql}\u0000${JSON.stringify(q.parameters)}`;
    },
    after(key, offset) {
      return key === undefined || offset === 0 ? undefined : cache.get(`${key}\u0000${offset}`);
    },
    remember(key, offset, lastId) {
      if (key !== undefined && lastId !== undefined) cache.set(`${key}\u0000${offset}`, lastId);
    },
  };
}
