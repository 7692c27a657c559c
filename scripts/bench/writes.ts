/**
 * Write throughput of the write API: PATCHes per second
 *
 *   one feature      sequential, each PATCH sending the ETag the previous one returned (If-Match chain)
 *   distinct         CONCURRENCY clients at once, each on its own feature, each its own If-Match chain
 *
 * against a baseline in the same run: the same change as one UPDATE through
 * pg alone (sequential on one row, then CONCURRENCY connections on distinct
 * rows). A PATCH does much more than the UPDATE (token check, row lock, ETag,
 * staging and checks of the write path, audit row, data-version bump, the
 * answer read back), so the ratio says what that costs.
 *
 * Runs against a scratch database of its own (migrated, seeded from data/,
 * dropped at the end), so the bench and run databases are never written.
 *
 *   npm run bench:writes                 # BENCH_WRITE_S=8 seconds per phase, BENCH_WRITE_CONCURRENCY=8
 */
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { seed } from '../../seeds/index.ts';
import { createApp } from '../../server/app.ts';
import { createToken } from '../../server/auth/tokens.ts';
import { loadConfig } from '../../server/config.ts';
import { connect } from '../../server/db/connect.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import { dropDatabase, ensureDatabase } from '../../server/db/postgis.ts';
import { postgisServer } from '../../server/prepare.ts';

const SECONDS = Number(process.env.BENCH_WRITE_S ?? 8);
const CONCURRENCY = Number(process.env.BENCH_WRITE_CONCURRENCY ?? 8);
const STATUSES = ['planned', 'licensed', 'under_construction', 'completed'];

const log = (m: string) => process.stderr.write(`${m}\n`);

/** Runs `step` in a loop for SECONDS; returns how many steps finished. */
async function loop(step: (i: number) => Promise<void>): Promise<number> {
  const until = performance.now() + SECONDS * 1000;
  let n = 0;
  while (performance.now() < until) await step(n++);
  return n;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const located = await postgisServer(config, log);
  const name = `border_atlas_writes_${process.pid}_${Date.now().toString(36)}`;
  const url = await ensureDatabase(located.adminUrl, name);
  const database = connect(url, { max: CONCURRENCY + 4 });
  try {
    await migrateToLatest(database.db);
    await seed(database.db);
    const { token } = await createToken(database.db, { name: 'bench writes', role: 'editor' });
    const { rows } = await sql<{ id: number }>`
      SELECT id::int FROM projects ORDER BY id LIMIT ${CONCURRENCY + 1}`.execute(database.db);
    const ids = rows.map((r) => r.id);
    if (ids.length < CONCURRENCY + 1) throw new Error('not enough seeded projects');
    const source = (
      await sql<{ id: string }>`SELECT id FROM sources ORDER BY id LIMIT 1`.execute(database.db)
    ).rows[0]!.id;

    const app = createApp({
      // The write path's own speed: the per-token rate limit (WRITE_RATE_LIMIT, 120 a minute) off.
      config: { BODY_LIMIT: '1mb', RETRY_AFTER_S: 5, WRITE_RATE_LIMIT: 0 },
      database,
      logger: pino({ level: 'silent' }),
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const item = (id: number) => `${base}/ogc/collections/projects/items/${id}`;

    /** A client's If-Match chain on one feature. */
    const chain = async (id: number) => {
      let etag = (await fetch(item(id))).headers.get('etag')!;
      return loop(async (i) => {
        const res = await fetch(item(id), {
          method: 'PATCH',
          headers: {
            Authorization: `Bearer ${token}`,
            'Content-Type': 'application/merge-patch+json',
            'If-Match': etag,
          },
          body: JSON.stringify({
            properties: { status: STATUSES[i % STATUSES.length], source: { id: source } },
          }),
        });
        const text = await res.text();
        if (res.status !== 200) throw new Error(`PATCH ${id}: ${res.status} ${text}`);
        etag = res.headers.get('etag')!;
      });
    };

    /** The same change through pg alone, one connection per client. */
    const pool = new pg.Pool({ connectionString: url, max: CONCURRENCY });
    const baseline = async (id: number) => {
      const client = await pool.connect();
      try {
        return await loop(async (i) => {
          await client.query('UPDATE projects SET status = $1 WHERE id = $2', [
            STATUSES[i % STATUSES.length],
            id,
          ]);
        });
      } finally {
        client.release();
      }
    };

    try {
      const oneApi = (await chain(ids[0]!)) / SECONDS;
      const oneSql = (await baseline(ids[0]!)) / SECONDS;
      const rest = ids.slice(1, CONCURRENCY + 1);
      const manyApi = (await Promise.all(rest.map(chain))).reduce((a, b) => a + b, 0) / SECONDS;
      const manySql = (await Promise.all(rest.map(baseline))).reduce((a, b) => a + b, 0) / SECONDS;
      const line = (what: string, api: number, base_: number) =>
        `${what.padEnd(42)} ${api.toFixed(1).padStart(8)} PATCH/s   ${base_.toFixed(0).padStart(8)} UPDATE/s (pg alone)   ratio ${(base_ / api).toFixed(1)}×`;
      console.log(`writes: ${SECONDS} s per phase, seeded scratch database`);
      console.log(line('one feature, sequential If-Match chain', oneApi, oneSql));
      console.log(line(`${CONCURRENCY} distinct features, concurrent`, manyApi, manySql));
    } finally {
      await pool.end();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await app.close();
    }
  } finally {
    await database.close();
    await dropDatabase(located.adminUrl, name);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
