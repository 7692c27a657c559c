/**
 * Runs a report's query in a read-only transaction with JIT off and room to
 * sort in memory.
 *
 * PostGIS declares its functions expensive, so the planner's estimates for a
 * spatial join over the benchmark data pass jit_above_cost and PostgreSQL
 * spends 0.5 to 2 s compiling a plan that then runs in 0.3 s (measured on
 * the 10 km near-border query). SET LOCAL keeps the change to this one
 * transaction; the pool's other users keep the server's settings.
 *
 * A report only reads, so when its connection is lost under it (PostgreSQL
 * restarting, pg_terminate_backend) it runs once more on a fresh connection;
 * if that fails too, the error reaches the error handler, which answers 503
 * with Retry-After. The broken connection is dropped by the pool on release.
 *
 *   const rows = await analysisQuery(db, sql`SELECT …`)
 *   const { plans } = await explainReports(() => report.run(db, params)) // EXPLAIN ANALYZE text of each query
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { isLostConnection, timeoutsOf } from '../db/connect.ts';
import type { DB } from '../db/types.ts';

const explaining = new AsyncLocalStorage<string[]>();

export async function analysisQuery<R>(db: Kysely<DB>, query: RawBuilder<R>): Promise<R[]> {
  const plans = explaining.getStore()?.length;
  try {
    return await inTransaction(db, query);
  } catch (e) {
    if (!isLostConnection(e)) throw e;
    explaining.getStore()?.splice(plans ?? 0);
    return inTransaction(db, query);
  }
}

function inTransaction<R>(db: Kysely<DB>, query: RawBuilder<R>): Promise<R[]> {
  return db.connection().execute(async (conn) => {
    // One round trip to open the transaction and set it up: a statement
    // without parameters goes by the simple protocol, which takes several.
    await sql
      .raw(
        `BEGIN READ ONLY; SET LOCAL jit = off; SET LOCAL work_mem = '64MB'; SET LOCAL statement_timeout = ${timeoutsOf(db).analysis}`,
      )
      .execute(conn);
    try {
      const plans = explaining.getStore();
      if (plans) {
        const { rows } = await sql<{ 'QUERY PLAN': string }>`EXPLAIN (ANALYZE, COSTS OFF) ${query}`.execute(
          conn,
        );
        plans.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
      }
      const { rows } = await query.execute(conn);
      await sql.raw('COMMIT').execute(conn);
      return rows;
    } catch (e) {
      await sql
        .raw('ROLLBACK')
        .execute(conn)
        .catch(() => {});
      throw e;
    }
  });
}

/** Runs `f` and also collects the EXPLAIN ANALYZE plan of every report query it makes (benchmarks, by hand). */
export async function explainReports<T>(f: () => Promise<T>): Promise<{ result: T; plans: string[] }> {
  const plans: string[] = [];
  const result = await explaining.run(plans, f);
  return { result, plans };
}
