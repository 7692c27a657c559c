/**
 * Near-border on the ~100,000 benchmark projects (border_atlas_bench), for
 * 1, 10 and 50 km, measured three ways in the same run:
 *
 *   endpoint   GET /api/analysis/near-border?km=… through HTTP, body read in full
 *   raw SQL    the same statement the endpoint runs, through pg (same settings:
 *              JIT off, read-only transaction), rows fetched in full; target: endpoint ≤ 1.2 × this
 *   naive SQL  the textbook query (ST_DWithin + ST_Distance on geography for every
 *              pair, DISTINCT ON), server defaults: context for the plan we chose
 *   Turf       brute force in Node: every project against every border segment
 *              (turf.pointToLineDistance); timed on a sample, scaled to all
 *              projects; target: endpoint ≥ 20 × faster
 *
 * Then EXPLAIN ANALYZE of each report on the same data, showing the indexes
 * they use. Times are medians of RUNS runs after one warm-up; the endpoint
 * and the raw SQL run alternately, so the machine's load weighs on both alike.
 *
 *   npm run bench:analysis
 */
import type { AddressInfo } from 'node:net';
import * as turf from '@turf/turf';
import type { LineString } from 'geojson';
import { sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { getReport } from '../../server/analysis/index.ts';
import { nearBorder, nearBorderQuery } from '../../server/analysis/near-border.ts';
import { explainReports } from '../../server/analysis/transaction.ts';
import { createApp } from '../../server/app.ts';
import { connect } from '../../server/db/connect.ts';
import { benchDatabase } from './generate.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const KMS = [1, 10, 50];
const TURF_SAMPLE = Number(process.env.BENCH_TURF_SAMPLE ?? 300);

const log = (m: string) => process.stderr.write(`${m}\n`);

/**
 * Medians of `a` and `b`, run alternately (a, b, a, b, …) so that a change in
 * the machine's load hits both alike.
 */
async function paired(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  runs = RUNS,
): Promise<[number, number]> {
  await a();
  await b();
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    for (const [f, t] of [
      [a, ta],
      [b, tb],
    ] as const) {
      const start = performance.now();
      await f();
      t.push(performance.now() - start);
    }
  }
  const mid = (t: number[]) => t.sort((x, y) => x - y)[Math.floor(t.length / 2)]!;
  return [mid(ta), mid(tb)];
}

async function median(f: () => Promise<unknown>, runs = RUNS): Promise<number> {
  await f();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const ms = (x: number) => `${x.toFixed(0)} ms`;

async function main(): Promise<void> {
  const url = await benchDatabase();
  const database = connect(url, { max: 4, statementTimeoutMs: 10 * 60_000 });
  const db = database.db;
  const app = createApp({
    // The computed answer is what is measured: no answer fits a report cache of 0 MB
    // (npm start keeps answers per data version, server/analysis/cache.ts).
    config: { BODY_LIMIT: '100kb', RETRY_AFTER_S: 5, REPORT_CACHE_MB: 0 },
    database,
    logger: pino({ level: 'silent' }),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();

  const { rows: count } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM projects`.execute(db);
  const projects = count[0]!.n;
  log(`benchmark database: ${projects} projects; ${RUNS} runs per figure after a warm-up`);

  // Turf brute force: the time per project is the same for every km (each
  // project is measured against every segment; the km filter is free).
  const { rows: segs } = await sql<{
    geojson: string;
  }>`SELECT ST_AsGeoJSON(geom) AS geojson FROM border_segments`.execute(db);
  const lines = segs.map((s) => turf.lineString((JSON.parse(s.geojson) as LineString).coordinates));
  const { rows: sample } = await sql<{ lon: number; lat: number }>`
    SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM projects ORDER BY id LIMIT ${TURF_SAMPLE}`.execute(db);
  const t0 = performance.now();
  for (const p of sample) {
    let best = Number.POSITIVE_INFINITY;
    for (const l of lines)
      best = Math.min(best, turf.pointToLineDistance([p.lon, p.lat], l, { units: 'meters' }));
  }
  const turfAll = ((performance.now() - t0) / sample.length) * projects;
  log(
    `Turf brute force: ${sample.length} projects × ${lines.length} segments, scaled to ${projects}: ${ms(turfAll)}`,
  );

  const table: string[][] = [
    ['km', 'features', 'endpoint', 'raw SQL', 'ratio', 'naive SQL', 'Turf', 'Turf/endpoint'],
  ];
  for (const km of KMS) {
    const features = (await nearBorder(db, { km, layers: ['projects'] })).rows.length;
    // The endpoint's own statement, compiled by Kysely, run through pg.
    const full = nearBorderQuery({ km, layers: ['projects'] }).compile(db);
    const [endpoint, raw] = await paired(
      async () => {
        const res = await fetch(`${base}/api/analysis/near-border?km=${km}`);
        await res.arrayBuffer();
      },
      async () => {
        await client.query("BEGIN READ ONLY; SET LOCAL jit = off; SET LOCAL work_mem = '64MB'");
        await client.query(full.sql, full.parameters as unknown[]);
        await client.query('COMMIT');
      },
    );
    const naive = await median(
      () =>
        client.query(
          `SELECT DISTINCT ON (p.id) p.id, p.name, s.id AS segment, s.neighbour,
                  ST_Distance(p.geom::geography, s.geom::geography) AS d, ST_X(p.geom), ST_Y(p.geom)
           FROM border_segments s JOIN projects p ON ST_DWithin(p.geom::geography, s.geom::geography, $1)
           ORDER BY p.id, d`,
          [km * 1000],
        ),
      Math.min(RUNS, 3),
    );
    table.push([
      String(km),
      String(features),
      ms(endpoint),
      ms(raw),
      (endpoint / raw).toFixed(2),
      ms(naive),
      ms(turfAll),
      `${(turfAll / endpoint).toFixed(0)}×`,
    ]);
    log(`near-border ${km} km done`);
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  process.stdout.write(
    `\n${table.map((r) => r.map((c, i) => c.padStart(widths[i]!)).join('  ')).join('\n')}\n`,
  );

  process.stdout.write('\nEXPLAIN ANALYZE on the benchmark data (indexes used, execution time):\n');
  for (const [name, input] of [
    ['near-border', { km: '10', layers: 'projects,markets' }],
    ['distance-bands', { bands: '0,5,20,50', by: 'province' }],
    ['investment', { by: 'province', within_km: '20' }],
    ['border-length', { by: 'commune' }],
    ['accessibility', {}],
  ] as const) {
    const report = getReport(name)!;
    const t = performance.now();
    const { plans } = await explainReports(() => report.run(db, report.parse(input)));
    const took = performance.now() - t;
    const plan = plans.join('\n');
    const indexes = [...new Set([...plan.matchAll(/using (\w+)/g)].map((m) => m[1]!))];
    const exec = plan.match(/Execution Time: ([\d.]+) ms/)?.[1];
    process.stdout.write(
      `  ${name.padEnd(15)} ${JSON.stringify(input).padEnd(42)} ${exec ? `${Number(exec).toFixed(0)} ms` : '?'} (run + explain ${ms(took)}); indexes: ${indexes.join(', ') || 'none'}\n`,
    );
  }
  process.stdout.write(`\nmemory: rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB\n`);

  await client.end();
  server.closeAllConnections();
  server.close();
  await app.close();
  await database.close();
}

main().catch((e) => {
  log(`bench failed: ${e instanceof Error ? e.stack : String(e)}`);
  process.exit(1);
});
