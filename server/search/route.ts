/**
 * GET /api/search?q=muong%20nha&limit=10
 * → { query, results: [{ layer, entity, id, name, kind, level, code, parent, valid_to, point, score, successor_of? }] }
 */
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/types.ts';
import { type Input, int, readParams, text } from '../http/params.ts';
import { searchPlaces } from './search.ts';

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

export function searchRouter(db: Kysely<DB>): Router {
  const r = Router();
  r.get('/api/search', async (req, res) => {
    const { q, limit } = readParams(searchQuery, req.query as Input);
    const results = await searchPlaces(db, q!, limit);
    res.json({ query: q, results });
  });
  return r;
}
