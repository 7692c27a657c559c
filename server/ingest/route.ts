/**
 * POST /api/ingest (editor): an article in, its candidates out
 * (docs/ingest.md). The body is JSON `{ text | html, source: { title, url,
 * publisher? }, published?, lang? }`, at most BODY_LIMIT (413 above it);
 * a bad field is a 400 naming it. Nothing is written: accepting candidates
 * is another request.
 */
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Auth } from '../auth/index.ts';
import type { DB } from '../db/types.ts';
import { ingest } from './index.ts';
import { ingestInput } from './input.ts';

export function ingestRouter(db: Kysely<DB>, auth: Auth): Router {
  const router = Router();
  router.post('/api/ingest', auth.require('editor'), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const input = ingestInput(req.is('application/json') ? req.body : undefined);
    res.json(await ingest(db, input));
  });
  return router;
}
