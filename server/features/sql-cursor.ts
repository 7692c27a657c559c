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
 */
import type { CompiledQuery } from 'kysely';
import type pg from 'pg';
import Cursor from 'pg-cursor';

export interface OpenCursor<R> {
  first: R[];
  next(): Promise<R[]>;
  /** Closes the cursor and returns the connection; safe to call twice. */
  close(): Promise<void>;
}

export async function openCursor<R>(
  pool: pg.Pool,
  query: CompiledQuery,
  opts: { batch: number; rowMode?: 'array'; types?: Cursor.CursorQueryConfig['types'] },
): Promise<OpenCursor<R>> {
  const client = await pool.connect();
  const cursor = client.query(
    new Cursor<R>(query.sql, query.parameters as unknown[], { rowMode: opts.rowMode, types: opts.types }),
  );
  let closed = false;
  let failed = false;
  let pending: Promise<unknown> | undefined;
  const close = async () => {
    if (closed) return;
    closed = true;
    // A read still in flight (prefetched for a client that went away) finishes first.
    await pending?.catch(() => undefined);
    try {
      if (!failed) await cursor.close();
    } catch {
      failed = true;
    }
    // A connection whose cursor failed is dropped rather than reused in an unknown state.
    client.release(failed ? true : undefined);
  };
  const read = async () => {
    try {
      return await cursor.read(opts.batch);
    } catch (e) {
      failed = true;
      if (!closed) {
        closed = true;
        client.release(true);
      }
      throw e;
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
