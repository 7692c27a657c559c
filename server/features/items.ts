/**
 * GET /ogc/collections/{id}/items: a page of features, streamed as GeoJSON
 * (geojson.ts) or CSV (csv.ts).
 *
 * The count (numberMatched) and the page's first batch are fetched before
 * anything is sent, so a filter PostgreSQL cannot evaluate is still a 400
 * and not a cut-off body. Then rows go out batch by batch as PostgreSQL
 * writes them, waiting for the socket to drain: memory stays flat whatever
 * the page size. Next and prev links carry a signed cursor (cursor.ts): the
 * page they open starts from the sort keys of the row next to it, on any
 * instance, however deep; `offset` still works for clients that send it.
 */
import type { RequestHandler } from 'express';
import type { Database } from '../db/connect.ts';
import type { DataVersion } from '../db/data-version.ts';
import { AnswerCache } from '../http/answer-cache.ts';
import { badRequest } from '../http/problem.ts';
import { sendCsv } from './csv.ts';
import { cursorBinding, cursorCodec, cursorSecret, type PageCursor } from './cursor.ts';
import { findLayer } from './find-layer.ts';
import { sendCachedPage, sendGeoJson } from './geojson.ts';
import { type ItemsParams, parseItems } from './items-params.ts';
import { csvSql, featuresSql, rowKeys, sortKeys, whereClause } from './items-sql.ts';
import { matchedCounter } from './matched.ts';
import { firstPageHref, type PageLinks, pageLinks } from './page-links.ts';
import { RAW_TEXT } from './raw-values.ts';
import { openCursor } from './sql-cursor.ts';
import { BATCH } from './write.ts';

/**
 * Large pages (more rows than largePageRows) are planned for what they are: a slice
 * of the layer's rows in key order. Left to itself, PostgreSQL plans a
 * keyset page of 10,000 projects as a hash join of every row after the
 * cursor (the view's joins to communes and provinces) and a sort, so the
 * ten pages of an export join 550,000 rows instead of 100,000; without
 * hash joins it walks the key's index and joins only the page's rows (a
 * full export by next links: 1.5 s of PostgreSQL CPU → 1.05 s, measured on
 * the benchmark data). Filtered and sorted pages were measured unchanged.
 * No JIT either: compiling costs more than these plans run. Small pages
 * keep one round trip and the server's settings.
 */
const LARGE_PAGE_SETTINGS = 'SET LOCAL enable_hashjoin = off; SET LOCAL jit = off';

export function itemsRoute(
  { db: primary, read }: Database,
  dataVersion: DataVersion,
  /** largePageRows: pages with more rows read through the export pool (its own statement timeout), as the limiter counts them. */
  opts: { cursorSecret?: string; largePageRows?: number; pageCacheMb?: number } = {},
): RequestHandler {
  // Pages and counts read on a replica when there is one (server/db/replica.ts); the key
  // that signs cursors may have to be written, so it is the primary's.
  const { db, pool, exportPool } = read;
  const count = matchedCounter(db);
  const pages = new AnswerCache(dataVersion, opts.pageCacheMb ?? 32);
  const secret = cursorSecret(primary, opts.cursorSecret);
  return async (req, res) => {
    const layer = findLayer(req.params.collectionId);
    const p = parseItems(req, layer);
    if (p.cursor !== undefined && (req.query as Record<string, unknown>).offset !== undefined) {
      throw badRequest('offset', 'left out when cursor is given (the cursor says where the page starts)');
    }
    const where = whereClause(p, layer);
    const version = await dataVersion.read();
    const cursors = cursorCodec(await secret());
    const compiled = where.compile(db);
    const binding = cursorBinding([
      layer.id,
      compiled.sql,
      compiled.parameters,
      sortKeys(p),
      p.crs,
      p.properties.map((q) => q.name),
    ]);
    const at =
      p.cursor === undefined
        ? undefined
        : cursors.open(p.cursor, binding, version, firstPageHref(req, layer, p));
    const csv = p.format === 'csv';
    const large = p.limit > (opts.largePageRows ?? 1000);
    // A GeoJSON page of one batch is kept whole for this data version (links name this request's host).
    const cacheKey =
      !csv && !large && p.limit < BATCH
        ? `${layer.id}\u0000${p.format}\u0000${req.protocol}://${req.get('host')}${req.originalUrl}`
        : undefined;
    const cached = cacheKey && pages.get(version, cacheKey);
    if (cached) return sendCachedPage(res, p, cached);
    const query = (csv ? csvSql : featuresSql)(layer, where, p, at).compile(db);
    // Count first, then open the cursor: a request holds one connection at a
    // time, so any number of them can share the pool without waiting on each
    // other. The count is cached, so only a result's first page pays for it.
    const matched = await asFilterError(count(layer, where, version), p);
    const rows = await asFilterError(
      openCursor<unknown[]>(large ? exportPool : pool, query, {
        batch: BATCH,
        rowMode: 'array',
        types: RAW_TEXT,
        atMost: p.limit,
        prelude: large ? LARGE_PAGE_SETTINGS : undefined,
      }),
      p,
    );
    const keys = rowKeys(layer, p);
    const links: PageLinks = (returned, first, last) => {
      const start = startRow(p, at, returned);
      const seal = (forward: boolean, boundary: number, row: (string | null)[]) =>
        cursors.seal({ version, forward, boundary, keys: row }, binding);
      const lastKeys = keys.last && first ? keys.last(first) : last && keys.own(last);
      return pageLinks(req, layer, p, {
        start,
        matched,
        returned,
        next: lastKeys && start + returned < matched ? seal(true, start + returned, lastKeys) : undefined,
        prev: first && start > 0 ? seal(false, start, keys.own(first)) : undefined,
      });
    };
    try {
      if (csv) await sendCsv(res, layer, p, rows, expectedRows(p, at, matched), matched, links);
      else
        await sendGeoJson(
          res,
          p,
          rows,
          matched,
          links,
          cacheKey ? (body) => pages.set(version, cacheKey, body) : undefined,
        );
    } finally {
      await rows.close();
    }
  };
}

/** Row of the result set the page starts at: a backward page ends at its cursor. */
function startRow(p: ItemsParams, at: PageCursor | undefined, returned: number): number {
  if (!at) return p.offset;
  return at.forward ? at.boundary : at.boundary - returned;
}

/** The page's size as the count says, for CSV, whose links go out before its rows. */
function expectedRows(p: ItemsParams, at: PageCursor | undefined, matched: number): number {
  const available = at && !at.forward ? at.boundary : matched - (at ? at.boundary : p.offset);
  return Math.max(0, Math.min(p.limit, available));
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
