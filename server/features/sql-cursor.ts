/**
 * Rows of a query read in batches through a server-side cursor (pg-cursor),
 * so a page of 10,000 features never sits in memory: the caller writes each
 * batch out before reading the next.
 *
 *   const rows = await openCursor(pool, compiled, { batch: 500 })
 *   for (let b = rows.first; b.length; b = await rows.next()) write(b)
 *   await rows.close()
 *
 * `first` is read before the caller answers, so an error in the query is
 * still a proper problem response and not a cut-off body.
 *
 * A connection lost under the cursor (PostgreSQL restarting,
 * pg_terminate_backend) is dropped, and the query runs once more on a fresh
 * connection, skipping the rows already read, so a page being streamed still
 * completes. The rows after that point come from a new snapshot: if the data
 * changed in between, the page may repeat or miss a row at the seam. A
 * second loss is thrown: before the answer started, the error handler makes
 * it a 503 with Retry-After; after, the response is cut off.
 */
import type { CompiledQuery } from 'kysely';
import type pg from 'pg';
import Cursor from 'pg-cursor';
import { isLostConnection } from '../db/connect.ts';

export interface OpenCursor<R> {
  first: R[];
  next(): Promise<R[]>;
  /** Closes the cursor and returns the connection; safe to call twice. */
  close(): Promise<void>;
}

export async function openCursor<R>(
  pool: pg.Pool,
  query: CompiledQuery,
  opts: { batch: number; rowMode?: 'array'; types?: Cursor.CursorQueryConfig['types']; atMost?: number },
): Promise<OpenCursor<R>> {
  if (opts.atMost !== undefined && opts.atMost <= opts.batch) return wholeResult(pool, query, opts);
  const open = async () => {
    const client = await pool.connect();
    const cursor = client.query(
      new Cursor<R>(query.sql, query.parameters as unknown[], { rowMode: opts.rowMode, types: opts.types }),
    );
    return { client, cursor };
  };
  let { client, cursor } = await open();
  let closed = false;
  let failed = false;
  let retried = false;
  let delivered = 0;
  let pending: Promise<unknown> | undefined;
  const close = async () => {
    if (closed) return;
    closed = true;
    // A read still in flight (prefetched for a client that went away) finishes first.
    await pending?.catch(() => undefined);
    if (failed) return; // its connection is already dropped
    try {
      await closeOrLose(client, cursor);
    } catch {
      failed = true;
    }
    // A connection whose cursor failed is dropped rather than reused in an unknown state.
    client.release(failed ? true : undefined);
  };
  /** Drops the connection of a cursor that failed. */
  const drop = () => {
    if (failed) return;
    failed = true;
    client.release(true);
  };
  const read = async (): Promise<R[]> => {
    try {
      const rows = await untilLost(client, cursor.read(opts.batch));
      delivered += rows.length;
      return rows;
    } catch (e) {
      drop();
      if (closed || retried || !isLostConnection(e)) {
        closed = true;
        throw e;
      }
      retried = true;
      ({ client, cursor } = await open().catch((err) => {
        closed = true;
        throw err;
      }));
      failed = false;
      try {
        for (let skip = delivered; skip > 0; ) {
          const rows = await untilLost(client, cursor.read(Math.min(skip, opts.batch)));
          if (!rows.length) break;
          skip -= rows.length;
        }
      } catch (err) {
        drop();
        closed = true;
        throw err;
      }
      return read();
    }
  };
  const next = () => {
    const p = read();
    pending = p;
    return p;
  };
  const first = await read();
  return { first, next, close };
}

/**
 * pg-cursor hands a batch over at the server's ReadyForQuery and its close
 * waits for one too; when the connection is lost between the end of the rows
 * and that message, the cursor ignores the error (it counts itself done) and
 * the promise never settles. So each of them also fails when the client ends
 * or reports an error, and its connection is dropped rather than held out of
 * the pool for ever.
 */
function untilLost<T>(client: pg.PoolClient, work: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const lost = () => reject(new Error('Connection terminated unexpectedly'));
    client.once('end', lost);
    client.once('error', lost);
    work.then(resolve, reject).finally(() => {
      client.off('end', lost);
      client.off('error', lost);
    });
  });
}

/** Closes the cursor; fails at once when its connection is already known lost. */
function closeOrLose(client: pg.PoolClient, cursor: Cursor): Promise<void> {
  if ((client as unknown as { _queryable?: boolean })._queryable === false) {
    return Promise.reject(new Error('Connection terminated unexpectedly'));
  }
  return untilLost(client, cursor.close());
}

/**
 * A result no larger than one batch (a small page) is read by one plain
 * query: one round trip and no cursor to close, and no more rows in memory
 * than the cursor's first batch would hold. A lost connection: once more on
 * a fresh one, as for the cursor.
 */
async function wholeResult<R>(
  pool: pg.Pool,
  query: CompiledQuery,
  opts: { rowMode?: 'array'; types?: Cursor.CursorQueryConfig['types'] },
): Promise<OpenCursor<R>> {
  const run = () =>
    pool.query({
      text: query.sql,
      values: query.parameters as unknown[],
      rowMode: opts.rowMode,
      types: opts.types,
    } as pg.QueryConfig);
  let result: pg.QueryResult;
  try {
    result = await run();
  } catch (e) {
    if (!isLostConnection(e)) throw e;
    result = await run();
  }
  return { first: result.rows as R[], next: async () => [], close: async () => {} };
}
