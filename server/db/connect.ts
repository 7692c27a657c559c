/**
 * The database handle: one pg Pool wrapped by Kysely.
 *
 * A connection lost while idle in the pool (the server restarting, a network
 * cut) is logged and dropped. One lost while checked out (a Kysely query, a
 * report's transaction, an items cursor, a tile) fails the query running on
 * it, or the next one, with an error `isUnavailable` recognises, which the
 * one error handler answers with 503 + Retry-After; the pool discards the
 * broken client on release and opens a fresh one for the next request, which
 * is how the service recovers by itself. pg-pool listens for a client's
 * 'error' only while it is idle, and an 'error' event nobody listens to ends
 * the process, so `guardPool` gives every client a listener of its own for
 * its whole life: every pool the server makes goes through it.
 */
import type { EventEmitter } from 'node:events';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './types.ts';

// numeric and bigint arrive as strings by default; our numerics are small
// enough for doubles, and bigint ids stay below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export interface Database {
  pool: pg.Pool;
  db: Kysely<DB>;
  close(): Promise<void>;
}

export function connect(
  url: string,
  opts: { max?: number; statementTimeoutMs?: number; onError?: (e: Error) => void } = {},
): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30000,
    statement_timeout: opts.statementTimeoutMs ?? 30000,
    application_name: 'border-atlas',
  });
  guardPool(pool, (e) => opts.onError?.(e));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    pool,
    db,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

/**
 * Every client of `pool`, idle or checked out, has an 'error' listener: a lost
 * backend is reported to `onLost` once per client and never becomes an
 * unhandled 'error' event. The query in flight on it rejects on its own.
 */
export function guardPool(pool: pg.Pool, onLost: (e: Error) => void): void {
  pool.on('error', () => {}); // idle clients: the same error reaches the client's own listener below
  pool.on('connect', (client) => {
    // A FATAL error is the backend's last word (57P01 on pg_terminate_backend
    // or a fast shutdown). The query it ends rejects at once, possibly before
    // the socket's end is read; marked so, the client is dropped when it is
    // released instead of going back to the pool for the next request (the
    // flag pg-pool checks on release; pg sets it itself when the socket ends).
    const connection = (client as unknown as { connection?: EventEmitter }).connection;
    connection?.on('errorMessage', (msg: { severity?: string }) => {
      if (msg.severity === 'FATAL') (client as unknown as { _queryable: boolean })._queryable = false;
    });
    let reported = false;
    client.on('error', (e) => {
      if (reported) return;
      reported = true;
      onLost(e);
    });
  });
}

/**
 * A connection that was working and was lost during the request (the backend
 * terminated or restarted under it), as opposed to one that could not be
 * opened: a read that failed so may be tried once more on a fresh connection.
 */
export function isLostConnection(e: unknown): boolean {
  const err = e as { code?: string; message?: string } | null;
  if (!err) return false;
  if (['57P01', '57P02', 'ECONNRESET', 'EPIPE'].includes(err.code ?? '')) return true;
  return /Connection terminated unexpectedly|Client has encountered a connection error|not queryable/i.test(
    err.message ?? '',
  );
}

/** SQLSTATE classes and node errors that mean "the database is not reachable right now". */
export function isUnavailable(e: unknown): boolean {
  const err = e as { code?: string; message?: string; cause?: unknown } | null;
  if (!err) return false;
  if (err.cause && err.cause !== err && isUnavailable(err.cause)) return true;
  const code = err.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code))
    return true;
  if (code.startsWith('08')) return true; // connection exception
  if (['57P01', '57P02', '57P03', '53300'].includes(code)) return true; // shutdown, crash, starting, too many
  const m = err.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(
    m,
  );
}
