/**
 * GET /ogc/collections/{id}/items: a page of features, streamed as GeoJSON
 * (geojson.ts) or CSV (csv.ts).
 *
 * The count (numberMatched) and the page's first batch are fetched together
 * before anything is sent, so a filter PostgreSQL cannot evaluate is still a
 * 400 and not a cut-off body. Then rows go out batch by batch as PostgreSQL
 * writes them, waiting for the socket to drain: memory stays flat whatever
 * the page size. Deep pages reached through next links resume after the
 * previous page's last id instead of re-walking the offset (resume.ts).
 */
import type { RequestHandler } from 'express';
import type { Database } from '../db/connect.ts';
import { badRequest } from '../http/problem.ts';
import { sendCsv } from './csv.ts';
import { type OpenCursor, openCursor } from './cursor.ts';
import { dataVersion } from './data-version.ts';
import { findLayer } from './find-layer.ts';
import { sendGeoJson } from './geojson.ts';
import { type ItemsParams, parseItems } from './items-params.ts';
import { csvSql, featuresSql, whereClause } from './items-sql.ts';
import { matchedCounter } from './matched.ts';
import { RAW_TEXT } from './raw-values.ts';
import { resumePoints } from './resume.ts';
import { BATCH } from './write.ts';

export function itemsRoute({ db, pool }: Database): RequestHandler {
  const count = matchedCounter(db);
  const resume = resumePoints(db);
  return async (req, res) => {
    const layer = findLayer(req.params.collectionId);
    const p = parseItems(req, layer);
    const where = whereClause(p, layer);
    const version = await dataVersion(db);
    const csv = p.format === 'csv';
    const key = resume.key(layer.id, where, p, version);
    const query = (csv ? csvSql : featuresSql)(layer, where, p, resume.after(key, p.offset)).compile(db);
    const [matched, rows] = await both(
      count(layer, where, version),
      openCursor<unknown[]>(pool, query, { batch: BATCH, rowMode: 'array', types: RAW_TEXT }),
      p,
    );
    try {
      const sent = await (csv ? sendCsv : sendGeoJson)(req, res, layer, p, rows, matched);
      if (sent?.returned === p.limit) resume.remember(key, p.offset + p.limit, sent.lastId);
    } finally {
      await rows.close();
    }
  };
}

/**
 * Waits for the count and the first batch together; if either fails, the
 * other is cleaned up, and an error PostgreSQL raised while evaluating the
 * request's own expressions (an overflowing product, a too deep filter)
 * becomes a 400 naming `filter`.
 */
async function both<R>(
  matched: Promise<number>,
  cursor: Promise<OpenCursor<R>>,
  p: ItemsParams,
): Promise<[number, OpenCursor<R>]> {
  const [m, c] = await Promise.allSettled([matched, cursor]);
  if (m.status === 'fulfilled' && c.status === 'fulfilled') return [m.value, c.value];
  if (c.status === 'fulfilled') await c.value.close();
  const err = m.status === 'rejected' ? m.reason : (c as PromiseRejectedResult).reason;
  const code = String((err as { code?: unknown })?.code ?? '');
  if (p.filter && (code.startsWith('22') || code.startsWith('54'))) {
    throw badRequest('filter', `a filter PostgreSQL can evaluate (${(err as Error).message})`);
  }
  throw err;
}
