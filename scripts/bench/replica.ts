/**
 * npm run bench:replica — read throughput with a streaming standby
 * (DATABASE_READ_URL) against the primary alone, in the same run.
 *
 *   npm run bench:replica                      # 2 rounds of 10 s per setup, 16 clients
 *   npm run bench:replica -- --seconds 5 --rounds 1 --clients 8
 *
 * A private primary (initdb in a temp dir, random port) gets a copy of the
 * benchmark data (border_atlas_bench, `npm run bench:data`, through
 * pg_dump | psql); `pg_basebackup -R` of it is started as a hot standby on
 * another port. Two servers (server/main.ts, SKIP_PREPARE=1, each a process
 * of its own) serve that database: one with DATABASE_URL only, one with
 * DATABASE_READ_URL = the standby too. Rounds alternate between them so the
 * machine's load weighs on both alike.
 *
 * The load: `--clients` requests in flight, each a random choice of a cold
 * tile (all layers, z 10-13 over Vietnam: a new tile almost every time), a
 * page of 100 projects in a random 0.5° bbox (ANSWER_CACHE_MB=0: pages are
 * not kept), or investment statistics over a random span of years
 * (a report cache of 1 MB). So nearly every request reads PostgreSQL.
 *
 * What it measures, honestly: on one machine the standby shares the same
 * cores and disk as the primary, so it cannot add CPU. What it adds is
 * connections: each replica gets pools as large as the primary's
 * (PG_POOL_MAX, TILE_PG_POOL_MAX), so with more clients than one pool's
 * connections, requests wait less for a connection. The ratio printed is
 * that effect plus the cost of routing (one `SELECT version` per session
 * and data version); across machines the standby's own CPU comes on top.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { findPgBin, startPrivateCluster, stopPrivateCluster } from '../../server/db/postgres-local.ts';
import { projectRoot } from '../../server/prepare.ts';
import { freePort, waitFor } from '../lib/cluster.ts';
import { benchDatabase } from './generate.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) || fallback : fallback;
};
const SECONDS = arg('seconds', 10);
const ROUNDS = arg('rounds', 2);
const CLIENTS = arg('clients', 16);
const log = (m: string) => process.stderr.write(`[bench replica] ${m}\n`);
const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });

function asPostgres(cmd: string, args: string[]): string[] {
  return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', cmd, ...args] : [cmd, ...args];
}

async function query(url: string, text: string): Promise<pg.QueryResultRow[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}

/** server/main.ts on the given database(s) and a free port; resolves with its base URL once /ready answers. */
async function serve(env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'server/main.ts')], {
    cwd: projectRoot,
    env: {
      ...process.env,
      SKIP_PREPARE: '1',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ANSWER_CACHE_MB: '0',
      REPORT_CACHE_MB: '1',
      TILE_CACHE_MB: '1',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const up = await waitFor(
    async () => exited || (await get(`${base}/ready`).catch(() => 0)) === 200,
    120_000,
  );
  if (!up || exited) throw new Error('the server did not start');
  return { child, base };
}

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

const rand = (a: number, b: number) => a + Math.random() * (b - a);

/** One read that reaches PostgreSQL: a cold tile, a bbox page, or statistics over a random span. */
function randomRead(): string {
  const r = Math.random();
  if (r < 0.5) {
    const z = 10 + Math.floor(Math.random() * 4);
    const n = 2 ** z;
    const lon = rand(102.2, 109.4);
    const lat = rand(8.6, 23.3);
    const x = Math.floor(((lon + 180) / 360) * n);
    const rad = (lat * Math.PI) / 180;
    const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
    return `/tiles/all/${z}/${x}/${y}.mvt`;
  }
  if (r < 0.85) {
    const lon = rand(102.2, 109);
    const lat = rand(8.6, 23);
    const bbox = [lon, lat, lon + 0.5, lat + 0.5].map((v) => v.toFixed(3)).join(',');
    return `/ogc/collections/projects/items?limit=100&bbox=${bbox}`;
  }
  const from = 2000 + Math.floor(Math.random() * 20);
  const to = from + Math.floor(Math.random() * 10);
  return `/api/stats/investment?by=province&from=${from}&to=${to}`;
}

/** `CLIENTS` requests in flight for `SECONDS`: completed requests per second, and failures. */
async function load(base: string): Promise<{ rps: number; failed: number }> {
  const until = Date.now() + SECONDS * 1000;
  let done = 0;
  let failed = 0;
  const worker = async () => {
    while (Date.now() < until) {
      const status = await get(base + randomRead()).catch(() => 0);
      if (status === 200 || status === 204) done++;
      else failed++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, worker));
  return { rps: (done * 1000) / (performance.now() - t0), failed };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const source = await benchDatabase();
  const stamp = `${process.pid}-${Date.now().toString(36)}`;
  const primaryDir = path.join(tmpdir(), `border-atlas-bench-primary-${stamp}`);
  const standbyDir = path.join(tmpdir(), `border-atlas-bench-standby-${stamp}`);
  const servers: ChildProcess[] = [];
  try {
    const primaryPort = await freePort();
    const primaryAdmin = await startPrivateCluster(primaryDir, primaryPort, log);
    await query(primaryAdmin, 'CREATE DATABASE atlas');
    const primaryUrl = primaryAdmin.replace(/\/postgres$/, '/atlas');
    log(`copying ${new URL(source).pathname.slice(1)} to the private primary (pg_dump | psql)`);
    const bin = findPgBin();
    execFileSync(
      'sh',
      ['-c', `"${bin}/pg_dump" --no-owner "${source}" | psql -q -v ON_ERROR_STOP=1 "${primaryUrl}"`],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
        maxBuffer: 1 << 26,
      },
    );
    await query(primaryUrl, 'ANALYZE');
    log('pg_basebackup -R of the primary, started as a hot standby');
    const [cmd, ...args] = asPostgres(`${bin}/pg_basebackup`, [
      ...['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres'],
      ...['-D', standbyDir, '-R', '-X', 'stream', '-c', 'fast'],
    ]);
    execFileSync(cmd!, args, { stdio: 'inherit' });
    const standbyAdmin = await startPrivateCluster(standbyDir, await freePort(), log);
    const standbyUrl = standbyAdmin.replace(/\/postgres$/, '/atlas');
    const version = async (url: string) => (await query(url, 'SELECT version FROM data_version'))[0]?.version;
    const v = await version(primaryUrl);
    if (!(await waitFor(async () => (await version(standbyUrl)) === v, 60_000)))
      throw new Error('the standby did not reach the primary within a minute');

    const alone = await serve({ DATABASE_URL: primaryUrl });
    const replicated = await serve({ DATABASE_URL: primaryUrl, DATABASE_READ_URL: standbyUrl });
    servers.push(alone.child, replicated.child);
    // One request each first: data version known, connections and statements warm.
    for (const s of [alone, replicated])
      await Promise.all(Array.from({ length: 8 }, () => get(s.base + randomRead())));

    const results = { alone: [] as number[], replicated: [] as number[] };
    let failed = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, s] of [
        ['alone', alone],
        ['replicated', replicated],
      ] as const) {
        const r = await load(s.base);
        results[name].push(r.rps);
        failed += r.failed;
        log(
          `round ${round + 1}, ${name}: ${r.rps.toFixed(1)} req/s${r.failed ? `, ${r.failed} failed` : ''}`,
        );
      }
    }
    const onStandby = await query(
      standbyUrl,
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE 'border-atlas%'",
    );
    // Where the replicated server's read connections came from (docs/replicas.md).
    const counted = await new Promise<string>((resolve, reject) => {
      http
        .get(`${replicated.base}/metrics`, { agent }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            text += d;
          });
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    const a = median(results.alone);
    const b = median(results.replicated);
    console.log(
      [
        `read throughput, ${CLIENTS} clients, ${ROUNDS} × ${SECONDS} s each, mix: 50% cold tiles, 35% bbox pages, 15% statistics`,
        `  primary alone:        ${a.toFixed(1)} req/s (median)`,
        `  primary + standby:    ${b.toFixed(1)} req/s (median); the service's sessions on the standby: ${onStandby[0]?.n}`,
        `  ratio (with / without): ${(b / a).toFixed(2)}`,
        `  failed requests: ${failed}; load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
        "  one machine: the standby adds connections (pools as large as the primary's), not CPU",
        ...counted
          .split('\n')
          .filter((l) => l.startsWith('border_atlas_read_connections_total'))
          .map((l) => `  ${l}`),
      ].join('\n'),
    );
  } finally {
    for (const c of servers) {
      c.kill('SIGTERM');
      await new Promise((r) => (c.exitCode === null ? c.once('exit', r) : r(undefined)));
    }
    for (const dir of [standbyDir, primaryDir]) {
      try {
        stopPrivateCluster(dir);
      } catch {
        // not started
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

await main();
