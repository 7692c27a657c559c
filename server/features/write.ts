/**
 * Streaming a page: batches from a cursor go out as they arrive; the socket
 * must take one before the one after next is asked for.
 */
import type { Response } from 'express';
import type { OpenCursor } from './sql-cursor.ts';

/** Rows per round trip to PostgreSQL: big enough to amortise it, small enough to stay light. */
export const BATCH = 1000;

/**
 * The cursor's batches, each next one requested before the current one is
 * handed out: PostgreSQL computes and sends batch n+1 while batch n is
 * written. At most two batches are in memory. A short batch is the last.
 */
export async function* batches<R>(rows: OpenCursor<R>): AsyncGenerator<R[]> {
  let batch = rows.first;
  while (batch.length) {
    const upcoming = batch.length < BATCH ? Promise.resolve<R[]>([]) : rows.next();
    // Handled when awaited below; this only keeps a failure during the write from counting as unhandled.
    upcoming.catch(() => undefined);
    yield batch;
    batch = await upcoming;
  }
}

/** Writes, waiting for the socket to drain; false once the client has gone. */
export function write(res: Response, chunk: string): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (res.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}
