/**
 * /health: the process is alive (always 200 while it can answer).
 * /ready: the database answers; 503 with Retry-After while it does not.
 */
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { unavailable } from './problem.ts';

export function healthRouter(db: Kysely<DB>, retryAfterS: number): Router {
  const r = Router();
  r.get('/health', (_req, res) => {
    res.json({ status: 'ok', uptime_s: Math.round(process.uptime()) });
  });
  r.get('/ready', async (_req, res) => {
    try {
      const rows = await db.selectFrom('data_version').select('version').execute();
      res.json({ status: 'ready', database: 'reachable', data_version: rows[0]?.version ?? null });
    } catch (e) {
      const p = unavailable(retryAfterS);
      res.setHeader('Retry-After', String(retryAfterS));
      res
        .status(503)
        .type('application/problem+json')
        .send(
          JSON.stringify({
            type: 'https://border-atlas.example/problems/database-unavailable',
            title: 'Not ready',
            status: 503,
            detail: `${p.message} (${(e as Error).message})`,
          }),
        );
    }
  });
  return r;
}
