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
  opts: { batch: number; rowMode?: 'array' },
): Promise<OpenCursor<R>> {
  const client = await pool.connect();
  const cursor = client.query(
    new Cursor<R>(query.sql, query.parameters as unknown[], opts.rowMode ? { rowMode: opts.rowMode } : {}),
  );
  let closed = false;
  let failed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
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
      await close();
      throw e;
    }
  };
  const first = await read();
  return { first, next: read, close };
}
