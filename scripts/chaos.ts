/**
 * npm run chaos: the database goes away under the mixed load, and comes
 * back; then every session of the service is killed mid-request. Prints a
 * timeline and how long the service took to get back to 0 errors.
 *
 *   npm run chaos                                  # 32 connections, PostgreSQL down 5 s, 3 rounds of kills
 *   npm run chaos -- --connections 64 --down 10 --bucket 250 --kills 5
 *
 * A private PostgreSQL cluster (scripts/lib/cluster.ts) so that stopping it
 * disturbs nothing else; the app in a child process on it, prepared as npm
 * start prepares it (scripts/lib/serve.ts); the load of
 * scripts/lib/scenario.ts (plus cold tiles, which need the tile pool) from
 * `--connections` request loops. Then:
 *
 *   (a) pg_ctl stop -m fast, `--down` seconds, pg_ctl start;
 *   (b) `--kills` times, pg_terminate_backend of every session of the
 *       service (application_name border-atlas and border-atlas-tiles).
 *
 * Checked (exit 1 when one fails): the server process stays up; every answer
 * is a 200/204 or a 503 problem with Retry-After; while PostgreSQL is down,
 * warm (cached) tiles are 200 and /ready is 503; after each disturbance the
 * errors stop. Reported, not checked: the recovery time from "PostgreSQL
 * accepts connections" (and from the last kill) to the last error (issue
 * 15's target: < 5 s).
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { privateCluster, waitFor } from './lib/cluster.ts';
import { answered, type Outcome, request, wrong } from './lib/outcome.ts';
import { mixedScenario, warmUp } from './lib/scenario.ts';
import { startServer } from './lib/server-process.ts';

const USAGE =
  'usage: npm run chaos -- [--connections 32] [--down 5] [--kills 3] [--bucket 1000] [--settle 3]';
const { values: v } = parseArgs({
  options: {
    connections: { type: 'string', default: '32' },
    down: { type: 'string', default: '5' },
    kills: { type: 'string', default: '3' },
    bucket: { type: 'string', default: '1000' },
    settle: { type: 'string', default: '3' },
    help: { type: 'boolean', default: false },
  },
});
if (v.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const connections = Number(v.connections);
const downS = Number(v.down);
const kills = Number(v.kills);
const bucketMs = Number(v.bucket);
const settleS = Number(v.settle);
if (
  ![connections, downS, kills, bucketMs, settleS].every((x) => Number.isFinite(x) && x >= 0) ||
  connections < 1
) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

const log = (m: string) => process.stderr.write(`${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const events: { t: number; what: string }[] = [];
let t0 = 0;
const now = () => performance.now() - t0;
const event = (what: string) => {
  events.push({ t: now(), what });
  log(`${(now() / 1000).toFixed(2).padStart(7)} s  ${what}`);
};

log('starting a private PostgreSQL cluster…');
const cluster = await privateCluster();
let server: Awaited<ReturnType<typeof startServer>> | undefined;
const problems: string[] = [];
try {
  server = await startServer({ DATABASE_URL: cluster.url, LOG_LEVEL: 'warn' }, () => {});
  const base = server.base;
  const scenario = await mixedScenario(base);
  await warmUp(base, scenario);
  const names = [...scenario.names, 'cold-tile'];

  const outcomes: Outcome[] = [];
  const ready: { t: number; status: number | string }[] = [];
  let running = true;
  t0 = performance.now();
  let n = 0;
  const loops = Array.from({ length: connections }, async () => {
    while (running) {
      const i = n++;
      const kind = names[i % names.length]!;
      const o = await request(base, kind, scenario.kinds[kind]!(Math.floor(i / names.length)));
      outcomes.push({ ...o, start: o.start - t0, end: o.end - t0 });
    }
  });
  const readyLoop = (async () => {
    while (running) {
      // Recorded when the answer came: what /ready said at that moment.
      try {
        const r = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(5000) });
        await r.arrayBuffer();
        ready.push({ t: now(), status: r.status });
      } catch (e) {
        ready.push({ t: now(), status: (e as Error).name });
      }
      await sleep(250);
    }
  })();

  /**
   * Waits until no request has failed for `settleS` seconds (30 s at most)
   * after `since`; then the last failure that ended after `since` (whenever
   * it started: one waiting on the pool since before counts) and the first
   * answer from the database (not a warm tile) that started after it.
   */
  async function settle(since: number): Promise<{ lastError?: number; firstAnswer?: number }> {
    const failedSince = () => outcomes.filter((o) => o.end >= since && !answered(o));
    await waitFor(
      async () => now() - Math.max(since, ...failedSince().map((o) => o.end)) >= settleS * 1000,
      30_000,
    );
    const errors = failedSince().map((o) => o.end);
    const answers = outcomes
      .filter((o) => o.start >= since && answered(o) && o.kind !== 'warm-tile')
      .map((o) => o.end);
    return {
      lastError: errors.length ? Math.max(...errors) : undefined,
      firstAnswer: answers.length ? Math.min(...answers) : undefined,
    };
  }

  // Before: the load alone.
  await sleep(3000);

  // (a) PostgreSQL stopped for downS seconds, then started.
  event('pg_ctl stop -m fast');
  cluster.stop();
  const downFrom = now();
  event('PostgreSQL stopped');
  await sleep(downS * 1000);
  const downTo = now();
  event('pg_ctl start');
  await cluster.start();
  const accepting = now();
  event('PostgreSQL accepts connections');
  const a = await settle(accepting);
  if (a.firstAnswer !== undefined) events.push({ t: a.firstAnswer, what: 'first 200 from the database' });
  if (a.lastError !== undefined) events.push({ t: a.lastError, what: 'last error after the restart' });
  const recoveryA = Math.max(0, (a.lastError ?? accepting) - accepting);

  // (b) every session of the service killed, `kills` times, mid-request.
  const admin = new pg.Client({ connectionString: cluster.url, application_name: 'chaos' });
  await admin.connect();
  let lastKill = now();
  for (let k = 0; k < kills; k++) {
    const r = await admin.query<{ active: number; all: number }>(
      `SELECT count(*) FILTER (WHERE state = 'active')::int AS active, count(*)::int AS all,
              count(pg_terminate_backend(pid)) AS killed
       FROM pg_stat_activity WHERE application_name IN ('border-atlas', 'border-atlas-tiles')`,
    );
    lastKill = now();
    event(`pg_terminate_backend: ${r.rows[0]!.all} sessions (${r.rows[0]!.active} mid-query)`);
    await sleep(1500);
  }
  await admin.end();
  const b = await settle(lastKill);
  if (b.lastError !== undefined) events.push({ t: b.lastError, what: 'last error after the kills' });
  const recoveryB = Math.max(0, (b.lastError ?? lastKill) - lastKill);

  running = false;
  await Promise.all([...loops, readyLoop]);
  event('load stopped');

  // ------------------------------------------------------------ checks
  if (!server.alive()) problems.push('the server process died');
  const bad = outcomes.filter((o) => wrong(o));
  if (bad.length) {
    problems.push(`${bad.length} answers neither 200/204 nor a 503 problem with Retry-After`);
    for (const o of bad.slice(0, 10)) problems.push(`  ${JSON.stringify(o)}`);
  }
  // While down (from the stop to the start command, a second's margin at each end).
  const during = outcomes.filter((o) => o.start >= downFrom + 1000 && o.end <= downTo);
  const warm = during.filter((o) => o.kind === 'warm-tile');
  if (!warm.length || !warm.every(answered))
    problems.push(`warm tiles while down: ${warm.filter(answered).length} of ${warm.length} answered`);
  const others = during.filter((o) => o.kind !== 'warm-tile');
  const otherAnswers = others.filter(answered).length;
  const readyDown = ready.filter((r) => r.t >= downFrom + 1000 && r.t <= downTo);
  if (!readyDown.length || readyDown.some((r) => r.status !== 503))
    problems.push(`/ready while down: ${readyDown.map((r) => r.status).join(',')}`);
  const readyEnd = ready.at(-1);
  if (readyEnd?.status !== 200) problems.push(`/ready at the end: ${readyEnd?.status}`);

  // ------------------------------------------------------------ timeline
  const end = now();
  const rows: string[] = [];
  rows.push(
    `${'t (s)'.padStart(7)}  ${'req'.padStart(5)} ${'200'.padStart(5)} ${'204'.padStart(4)} ${'503'.padStart(5)} ${'other'.padStart(5)} ${'err'.padStart(4)}  ready  events`,
  );
  for (let t = 0; t < end; t += bucketMs) {
    const inB = outcomes.filter((o) => o.end >= t && o.end < t + bucketMs);
    const c = (f: (o: Outcome) => boolean) => inB.filter(f).length;
    const r = ready.filter((x) => x.t >= t && x.t < t + bucketMs).map((x) => x.status);
    const ev = events
      .filter((e) => e.t >= t && e.t < t + bucketMs)
      .sort((x, y) => x.t - y.t)
      .map((e) => `${e.what} (${(e.t / 1000).toFixed(2)})`);
    rows.push(
      `${(t / 1000).toFixed(2).padStart(7)}  ${String(inB.length).padStart(5)} ${String(c((o) => o.status === 200)).padStart(5)} ${String(c((o) => o.status === 204)).padStart(4)} ${String(c((o) => o.status === 503)).padStart(5)} ${String(c((o) => o.status !== undefined && ![200, 204, 503].includes(o.status))).padStart(5)} ${String(c((o) => o.error !== undefined)).padStart(4)}  ${String([...new Set(r)].join('/') || '-').padEnd(5)}  ${ev.join('; ')}`,
    );
  }
  const byStatus: Record<string, number> = {};
  for (const o of outcomes) {
    const k = o.error ? 'error' : String(o.status);
    byStatus[k] = (byStatus[k] ?? 0) + 1;
  }
  const out = [
    `chaos: ${connections} connections of the mixed load (${names.length} kinds), PostgreSQL down ${downS} s, ${kills} rounds of kills`,
    '',
    ...rows,
    '',
    `requests: ${outcomes.length}; by status: ${Object.entries(byStatus)
      .map(([s, c]) => `${s}: ${c}`)
      .join(', ')}`,
    `while down: warm tiles ${warm.filter(answered).length}/${warm.length} answered; other kinds ${others.length - otherAnswers} refused (503), ${otherAnswers} answered from a cache; /ready ${[...new Set(readyDown.map((r) => r.status))].join('/')}`,
    `recovery after the restart: ${(recoveryA / 1000).toFixed(2)} s from "PostgreSQL accepts connections" to the last error (target < 5 s)`,
    `recovery after the kills: ${(recoveryB / 1000).toFixed(2)} s from the last pg_terminate_backend to the last error`,
    problems.length
      ? `FAILED:\n${problems.join('\n')}`
      : 'checks: all passed (process up, only 200/204 or 503 + Retry-After, warm tiles served and /ready 503 while down, 0 errors at the end)',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
} catch (e) {
  problems.push(String((e as Error).stack ?? e));
  log(`chaos: ${(e as Error).stack ?? e}`);
} finally {
  await server?.stop();
  await cluster.remove();
}
process.exitCode = problems.length ? 1 : 0;
