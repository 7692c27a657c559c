/**
 * GET /api/search?q=muong%20nha&limit=10
 * → { query, results: [{ layer, entity, id, name, kind, level, code, parent, valid_to, point, score, successor_of? }] }
 */
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { intParam, onlyParams, stringParam } from '../http/params.ts';
import { searchPlaces } from './search.ts';

export function searchRouter(db: Kysely<DB>): Router {
  const r = Router();
  r.get('/api/search', async (req, res) => {
    const query = req.query as Record<string, unknown>;
    onlyParams(query, ['q', 'limit']);
    const q = stringParam(query, 'q', { required: true, maxLength: 100 })!;
    const limit = intParam(query, 'limit', { min: 1, max: 50, default: 10 });
    const results = await searchPlaces(db, q, limit);
    res.json({ query: q, results });
  });
  return r;
}
