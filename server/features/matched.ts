/**
 * numberMatched: count(*) under the same WHERE as the page, cached by data
 * version and query so that paging through next links counts once, not once
 * per page (the count is the costly part of a deep page).
 */
import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { DB } from '../db/types.ts';
import { watchCache } from '../http/caches.ts';
import type { LayerDef } from '../layers/index.ts';
import { countSql } from './items-sql.ts';

export type Counter = (
  layer: LayerDef,
  where: Parameters<typeof countSql>[1],
  version: number,
) => Promise<number>;

export function matchedCounter(db: Kysely<DB>): Counter {
  const cache = watchCache('features.matched', new LRUCache<string, number>({ max: 1000, ttl: 10 * 60_000 }));
  return async (layer, where, version) => {
    const query = countSql(layer, where).compile(db);
    const key = `${version}\u0000${query.sql}\u0000${JSON.stringify(query.parameters)}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const { rows } = await db.executeQuery<{ n: number }>(query);
    const n = Number(rows[0]?.n ?? 0);
    cache.set(key, n);
    return n;
  };
}
