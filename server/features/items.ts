/**
 * GET /ogc/collections/{id}/items: a page of features, streamed as GeoJSON
 * (geojson.ts) or CSV (csv.ts).
 *
 * The count (numberMatched) and the page's first batch are fetched before
 * anything is sent, so a filter PostgreSQL cannot evaluate is still a 400
 * and not a cut-off body. Then rows go out batch by batch as PostgreSQL
 * writes them, waiting for the socket to drain: memory stays flat whatever
 * the page size. Deep pages reached through next links resume after the
 * previous page's last id instead of re-walking the offset (resume.ts).
 */
import type { RequestHandler } from 'express';
import type { Database } from '../db/connect.ts';
import type { DataVersion } from '../db/data-version.ts';
import { badRequest } from '../http/problem.ts';
import { sendCsv } from './csv.ts';
import { openCursor } from './cursor.ts';
import { findLayer } from './find-layer.ts';
import { sendGeoJson } from './geojson.ts';
import { type ItemsParams, parseItems } from './items-params.ts';
import { csvSql, featuresSql, whereClause } from './items-sql.ts';
import { matchedCounter } from './matched.ts';
import { RAW_TEXT } from './raw-values.ts';
import { resumePoints } from './resume.ts';
import { BATCH } from './write.ts';

export function itemsRoute({ db, pool }: Database, dataVersion: DataVersion): RequestHandler {
  const count = matchedCounter(db);
  const resume = resumePoints(db);
  return async (req, res) => {
    const layer = findLayer(req.params.collectionId);
    const p = parseItems(req, layer);
    const where = whereClause(p, layer);
    const version = await dataVersion.read();
    const csv = p.format === 'csv';
    const key = resume.key(layer.id, where, p, version);
    const query = (csv ? csvSql : featuresSql)(layer, where, p, resume.after(key, p.offset)).compile(db);
    // Count first, then open the cursor: a request holds one connection at a
    // time, so any number of them can share the pool without waiting on each
    // other. The count is cached, so only a result's first page pays for it.
    const matched = await asFilterError(count(layer, where, version), p);
    const rows = await asFilterError(
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
 * An error PostgreSQL raised while evaluating the request's own expressions
 * (an overflowing product, a filter nested too deep for its stack) becomes a
 * 400 naming `filter`; anything else passes through. The count runs the
 * filter over every candidate row, so it meets such errors before any byte
 * of the page is sent.
 */
async function asFilterError<T>(work: Promise<T>, p: ItemsParams): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const code = String((err as { code?: unknown })?.code ?? '');
    if (p.filter && (code.startsWith('22') || code.startsWith('54'))) {
      throw badRequest('filter', `a filter PostgreSQL can evaluate (${(err as Error).message})`);
    }
    throw err;
  }
}
