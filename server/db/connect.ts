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
 *
 * Statement timeouts differ by kind of request (docs/architecture.md,
 * "Limits"): the pool's own for API reads, a pool of its own for large
 * pages and exports, SET LOCAL in the report transaction for analysis
 * (analysis/transaction.ts reads `timeoutsOf(db)`), the tile pool's for
 * tiles. `guardPool` also times every query of a request run inside
 * `queryTime.run(…)`, for Server-Timing (server/http/timing.ts).
 *
 * Place search has a small pool of its own whose sessions plan prepared
 * statements once, generically (`plan_cache_mode = force_generic_plan`):
 * its unit statement took longer to plan than to run, and a GUC set on the
 * main pool would also give generic plans to every other parameterised
 * query, tiles included (server/search/search.ts, "Prepared").
 *
 * With read replicas (DATABASE_READ_URL, server/db/replica.ts), `read`
 * holds the pools and the Kysely handle reads go through: the same kinds
 * (API, export, search; tiles through `withReplicas`) on each replica, falling back to
 * the primary. Without replicas `read` is the primary's own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventEmitter } from 'node:events';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type ReplicaOptions, ReplicaSet } from './replica.ts';
import type { DB } from './types.ts';

// numeric and bigint arrive as strings by default; our numerics are small
// enough for doubles, and bigint ids stay below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/** Statement timeouts in milliseconds by kind of request (0: none). */
export interface StatementTimeouts {
  /** API reads: the pool's own setting. */
  read: number;
  /** Analysis and statistics: SET LOCAL in the report's transaction. */
  analysis: number;
  /** Large pages and exports: the export pool's setting (applies to each batch fetched). */
  export: number;
  /** Tile renders: the tile pool's setting (server/tiles/index.ts). */
  tile: number;
}

export interface Database {
  pool: pg.Pool;
  /** Connections for large pages and exports: their own statement timeout, opened on first use. */
  exportPool: pg.Pool;
  /** Place search's prepared statements, planned generically; opened on first use. */
  searchPool: pg.Pool;
  db: Kysely<DB>;
  timeouts: StatementTimeouts;
  /** Where reads go: replicas when DATABASE_READ_URL names some, else `pool`, `exportPool` and `db` themselves. */
  read: ReadSide;
  close(): Promise<void>;
}

/** Tiles, feature pages, analysis and search read through these; writes, sessions, the audit and the version listener never do. */
export interface ReadSide {
  pool: pg.Pool;
  exportPool: pg.Pool;
  searchPool: pg.Pool;
  db: Kysely<DB>;
  /** Undefined without replicas. */
  replicas: ReplicaSet | undefined;
}

export interface ConnectOptions {
  max?: number;
  /** Connections of the export pool; the large-page limiter lets no more than this many run (server/http/limits.ts). */
  exportMax?: number;
  /** API reads; also the default of the other kinds. */
  statementTimeoutMs?: number;
  analysisTimeoutMs?: number;
  exportTimeoutMs?: number;
  tileTimeoutMs?: number;
  onError?: (e: Error) => void;
  /** Read replicas (DATABASE_READ_URL: one URL or a comma-separated list); none by default. */
  readUrls?: readonly string[];
  /** Their retry delay and the log of their outages (server/db/replica.ts). */
  replicaOptions?: ReplicaOptions;
}

const timeoutsByDb = new WeakMap<Kysely<DB>, StatementTimeouts>();

/** The statement timeouts of the database handle `db` belongs to (defaults for a handle made elsewhere). */
export function timeoutsOf(db: Kysely<DB>): StatementTimeouts {
  return timeoutsByDb.get(db) ?? { read: 30000, analysis: 30000, export: 30000, tile: 30000 };
}

export function connect(url: string, opts: ConnectOptions = {}): Database {
  const read = opts.statementTimeoutMs ?? 30000;
  const timeouts: StatementTimeouts = {
    read,
    analysis: opts.analysisTimeoutMs ?? read,
    export: opts.exportTimeoutMs ?? read,
    tile: opts.tileTimeoutMs ?? read,
  };
  const options = {
    connectionString: url,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30000,
  };
  const pool = new pg.Pool({
    ...options,
    max: opts.max ?? 10,
    statement_timeout: timeouts.read,
    application_name: 'border-atlas',
  });
  guardPool(pool, (e) => opts.onError?.(e));
  const exportPool = new pg.Pool({
    ...options,
    max: opts.exportMax ?? 2,
    statement_timeout: timeouts.export,
    // The same name as the main pool: operators (and tests/chaos.test.ts) find the service's sessions by it.
    application_name: 'border-atlas',
    allowExitOnIdle: true,
  });
  guardPool(exportPool, (e) => opts.onError?.(e));
  const searchPool = new pg.Pool({
    ...options,
    // Two statements a search, run together: two searches at a time, the rest wait their turn.
    max: 4,
    statement_timeout: timeouts.read,
    application_name: 'border-atlas',
    options: '-c plan_cache_mode=force_generic_plan',
    allowExitOnIdle: true,
  });
  guardPool(searchPool, (e) => opts.onError?.(e));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  timeoutsByDb.set(db, timeouts);
  const urls = opts.readUrls ?? [];
  let readSide: ReadSide = { pool, exportPool, searchPool, db, replicas: undefined };
  if (urls.length > 0) {
    const replicas = new ReplicaSet(urls, opts.replicaOptions);
    const like = (primary: pg.Pool) => routed(replicas, primary, (e) => opts.onError?.(e), false);
    const readPool = like(pool);
    readSide = {
      pool: readPool,
      exportPool: like(exportPool),
      searchPool: like(searchPool),
      db: new Kysely<DB>({ dialect: new PostgresDialect({ pool: readPool }) }),
      replicas,
    };
    timeoutsByDb.set(readSide.db, timeouts);
  }
  let closed = false;
  return {
    pool,
    exportPool,
    searchPool,
    db,
    timeouts,
    read: readSide,
    async close() {
      if (closed) return;
      closed = true;
      // The read pools end their replica pools only; the primary's are ended here.
      await Promise.all([
        db.destroy(),
        exportPool.end(),
        searchPool.end(),
        ...(readSide.replicas
          ? [readSide.db.destroy(), readSide.exportPool.end(), readSide.searchPool.end()]
          : []),
      ]);
    },
  };
}

/**
 * `primary` as it is without replicas; with them, a pool routed as the read
 * pools are (server/db/replica.ts) over `primary` and one pool of the same
 * options on each replica. Its `end()` ends them all, `primary` included.
 * The tile service makes its tile pool so:
 *
 *   const pool = withReplicas(database, new pg.Pool({ ...database.pool.options, max: 4 }), onLost);
 */
export function withReplicas(database: Database, primary: pg.Pool, onLost: (e: Error) => void): pg.Pool {
  const replicas = database.read.replicas;
  return replicas ? routed(replicas, primary, onLost, true) : primary;
}

/** `primary` routed with a pool of its options (sizes, timeouts, application_name) on each replica. */
function routed(
  replicas: ReplicaSet,
  primary: pg.Pool,
  onLost: (e: Error) => void,
  ownsPrimary: boolean,
): pg.Pool {
  const make = (url: string) => {
    const p = new pg.Pool({ ...primary.options, connectionString: url });
    guardPool(p, onLost);
    return p;
  };
  return replicas.pool(primary, make, ownsPrimary);
}

/** Time spent in PostgreSQL by the queries of one request (summed; overlapping queries both count). */
export interface QueryTime {
  ms: number;
  queries: number;
}

/** Set by server/http/timing.ts around each request; queries outside any request are not timed. */
export const queryTime = new AsyncLocalStorage<QueryTime>();

type Query = (...args: unknown[]) => unknown;
type Readable = { read: (rows: number, cb?: (e: Error | undefined, r: unknown) => void) => unknown };

/**
 * Times every query of `client` made inside `queryTime.run`: a promise until
 * it settles, a callback until it is called, a cursor (pg-cursor) each read
 * until its batch arrives. Outside a request it costs one lookup.
 */
function timeQueries(client: pg.PoolClient): void {
  const query = client.query as unknown as Query;
  (client as unknown as { query: Query }).query = function timedQuery(this: unknown, ...args: unknown[]) {
    const store = queryTime.getStore();
    if (!store) return query.apply(this, args);
    store.queries++;
    const t0 = performance.now();
    const add = () => {
      store.ms += performance.now() - t0;
    };
    const last = args.length - 1;
    const cb = args[last];
    if (typeof cb === 'function') {
      args[last] = (...r: unknown[]) => {
        add();
        return (cb as (...r: unknown[]) => unknown)(...r);
      };
      return query.apply(this, args);
    }
    const result = query.apply(this, args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      (result as Promise<unknown>).then(add, add);
    } else if (result && typeof (result as Readable).read === 'function') {
      timeReads(result as Readable, store);
    }
    return result;
  };
}

function timeReads(cursor: Readable, store: QueryTime): void {
  const read = cursor.read;
  cursor.read = function timedRead(this: unknown, rows, cb) {
    const t0 = performance.now();
    const add = () => {
      store.ms += performance.now() - t0;
    };
    if (cb) {
      return read.call(this, rows, (e, r) => {
        add();
        cb(e, r);
      });
    }
    const p = read.call(this, rows) as Promise<unknown>;
    p.then(add, add);
    return p;
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
    timeQueries(client);
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
