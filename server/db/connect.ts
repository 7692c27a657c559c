/**
 * The database handle: one pg Pool wrapped by Kysely.
 *
 * Pool errors on idle connections (the server restarting, a network cut) are
 * logged and swallowed so they never crash the process; the next query opens
 * a fresh connection, which is how the service recovers by itself.
 */
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
  pool.on('error', (e) => opts.onError?.(e));
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

/** SQLSTATE classes and node errors that mean "the database is not reachable right now". */
export function isUnavailable(e: unknown): boolean {
  const err = e as { code?: string; message?: string } | null;
  if (!err) return false;
  const code = err.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code))
    return true;
  if (code.startsWith('08')) return true; // connection exception
  if (['57P01', '57P02', '57P03', '53300'].includes(code)) return true; // shutdown, crash, starting, too many
  const m = err.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    m,
  );
}
