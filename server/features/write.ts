/**
 * Streaming a page: batches from a cursor go out as they arrive, and the
 * next batch is read only once the socket has taken the last one.
 */
import type { Response } from 'express';
import type { OpenCursor } from './cursor.ts';

/** Rows per round trip to PostgreSQL: big enough to amortise it, small enough to stay light. */
export const BATCH = 1000;

/** The next batch, or none when the last one was short (the cursor is then exhausted). */
export function more<R>(rows: OpenCursor<R>, last: R[]): Promise<R[]> {
  return last.length < BATCH ? Promise.resolve([]) : rows.next();
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
