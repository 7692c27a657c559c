/**
 * GET /api/search?q=muong%20nha&limit=10
 * → { query, results: [{ layer, entity, id, name, kind, level, code, parent, valid_to, point, score, successor_of? }] }
 */
import { Router } from 'express';
import { z } from 'zod';
import type { DataVersion } from '../db/data-version.ts';
import { AnswerCache } from '../http/answer-cache.ts';
import { type Input, int, readParams, text } from '../http/params.ts';
import { type SearchDb, searchPlaces } from './search.ts';

/** The query of /api/search, declared once: validation and the OpenAPI document. */
export const searchQuery = z.object({
  q: text({
    description: 'Words of a place name (accents and case optional)',
    required: true,
    max: 100,
    example: 'muong nha',
  }),
  limit: int({ description: 'Most results returned', min: 1, max: 50, default: 10 }),
});

/**
 * `version` (the app's data-version listener) keeps answers until the data
 * changes, up to `cacheMb` megabytes (http/answer-cache.ts); without it every
 * request searches.
 */
export function searchRouter(db: SearchDb, version?: DataVersion, cacheMb = 32): Router {
  const r = Router();
  const answers = version && new AnswerCache(version, cacheMb);
  r.get('/api/search', async (req, res) => {
    const { q, limit } = readParams(searchQuery, req.query as Input);
    const search = async () => JSON.stringify({ query: q, results: await searchPlaces(db, q!, limit) });
    if (!answers || !version) {
      res.type('json').send(await search());
      return;
    }
    const { body, hit } = await answers.through(await version.read(), `${q}\u0000${limit}`, search);
    if (hit) res.setHeader('Server-Timing', 'cache;desc="hit"');
    res.type('json').send(body);
  });
  return r;
}
