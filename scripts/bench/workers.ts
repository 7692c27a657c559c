/**
 * npm run bench:workers — 2 workers against 1 on a warm tile (issue 13):
 * `server/main.ts --workers N` (SKIP_PREPARE=1 on the benchmark data), wrk
 * with 32 connections asking for one z10 tile of the composite layer `all`
 * (gzip accepted), both measured in the same run, rounds alternating.
 * Target on two cores: 2 workers ≥ 1.7 × 1 worker. wrk runs on the same
 * machine and takes CPU too, so on two cores the ratio understates it: the
 * script measures the server's and wrk's CPU per request and prints the
 * ratio those allow (about 1.3 here: wrk needs about half the server's CPU
 * per request), which does not depend on the load from elsewhere.
 *
 *   npm run bench:workers
 *   npm run bench:workers -- --seconds 10 --rounds 1 --connections 32
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { sql } from 'kysely';
import { connect } from '../../server/db/connect.ts';
import { projectRoot } from '../../server/prepare.ts';
import { runMain } from '../lib/run-main.ts';
import { benchDatabase } from './generate.ts';

const log = (m: string) => process.stderr.write(`[bench workers] ${m}\n`);
const fmt = (n: number) => n.toFixed(1);

export function arg(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
}

/** The z10 tile holding the most benchmark projects: one busy composite tile. */
export async function busyTile(url: string): Promise<string> {
  const database = connect(url, { max: 1 });
  try {
    const { rows } = await sql<{ x: number; y: number }>`
      SELECT floor((ST_X(g) + 20037508.342789244) / (40075016.68557849 / 1024))::int AS x,
             floor((20037508.342789244 - ST_Y(g)) / (40075016.68557849 / 1024))::int AS y
      FROM (SELECT ST_Transform(geom, 3857) AS g FROM projects WHERE geom IS NOT NULL) p
      GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 1`.execute(database.db);
    const t = rows[0];
    if (!t) throw new Error('no projects in the benchmark database');
    return `/tiles/all/10/${t.x}/${t.y}.mvt`;
  } finally {
    await database.close();
  }
}

export interface Server {
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** server/main.ts with `args` on a free port against `url`, as it is (SKIP_PREPARE=1). */
export function startMain(url: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Server> {
  const child = spawn(path.join(projectRoot, 'node_modules/.bin/tsx'), ['server/main.ts', ...args], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: url, SKIP_PREPARE: '1', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let out = '';
  const want = args.includes('--workers') ? /"port":(\d+),"workers"/ : /"port":(\d+)/;
  return new Promise((resolve, reject) => {
    const look = (d: Buffer) => {
      out = (out + d).slice(-20_000);
      const m = want.exec(out);
      if (!m) return;
      child.stdout?.off('data', look);
      child.stdout?.resume();
      resolve({
        base: `http://127.0.0.1:${m[1]}`,
        child,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', (d) => {
      out += d;
    });
    child.once('exit', (code) =>
      reject(new Error(`server/main.ts exited ${code} before listening:\n${out}`)),
    );
  });
}

/**
 * wrk's requests/s and error count for `url` (gzip accepted, like a browser),
 * with the requests it made and its own CPU time (user + system, ms: bash's
 * `times` after wrk exits), which on the same machine is CPU the server
 * cannot have.
 */
export function wrk(
  url: string,
  seconds: number,
  connections: number,
): { rps: number; errors: number; requests: number; cpuMs: number } {
  const out = execFileSync(
    'bash',
    [
      '-c',
      'wrk "$@"; times',
      'wrk',
      '-t2',
      `-c${connections}`,
      `-d${seconds}s`,
      '-H',
      'Accept-Encoding: gzip',
      '--timeout',
      '10s',
      url,
    ],
    { encoding: 'utf8' },
  );
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: (.*)/.exec(out)?.[1] ?? '';
  const errors = non2xx + [...socket.matchAll(/(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  // The last line of `times`: the children's user and system time, "0m1.234s 0m2.345s".
  const times = [...(out.trim().split('\n').at(-1) ?? '').matchAll(/(\d+)m([\d.]+)s/g)];
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN),
    errors,
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? 0),
    cpuMs: times.reduce((n, m) => n + (Number(m[1]) * 60 + Number(m[2])) * 1000, 0),
  };
}

/** Every process under `pid` and itself (the tsx launcher, the cluster primary, its workers). */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    for (const task of readdirSync(`/proc/${out[i]}/task`)) {
      const children = readFileSync(`/proc/${out[i]}/task/${task}/children`, 'utf8').trim();
      if (children) out.push(...children.split(' ').map(Number));
    }
  }
  return out;
}

/** CPU time (user + system, every thread) each process has used so far, in ms; 0 for one that is gone. */
export function cpuMsOf(pids: readonly number[]): number[] {
  return pids.map((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return 0;
    }
  });
}

/**
 * Enough requests that every worker has rendered and cached the tile; its
 * gzip size in bytes. Each on a connection of its own: the cluster hands
 * out connections, not requests, in turn, and fetch's one kept-alive
 * connection warmed a single worker, so the other rendered the tile under
 * wrk, its connections waiting on the render.
 */
export async function warm(url: string, times = 20): Promise<number> {
  let bytes = 0;
  for (let i = 0; i < times; i++) {
    const { status, length } = await new Promise<{ status: number; length: number }>((resolve, reject) => {
      http
        .get(url, { agent: false, headers: { 'accept-encoding': 'gzip' } }, (res) => {
          let length = 0;
          res.on('data', (c: Buffer) => {
            length += c.length;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, length }));
        })
        .on('error', reject);
    });
    if (status !== 200) throw new Error(`${url}: ${status}`);
    bytes = length;
  }
  return bytes;
}

export function haveWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    // wrk --version exits 1 after printing its version
    return (e as { status?: number }).status === 1;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const seconds = arg(argv, 'seconds', 10);
  const rounds = arg(argv, 'rounds', 1);
  const connections = arg(argv, 'connections', 32);
  if (!haveWrk()) throw new Error('wrk not found (apt-get install -y wrk)');
  const url = process.env.BENCH_DATABASE_URL ?? (await benchDatabase());
  const tile = await busyTile(url);
  log(`tile ${tile}, ${connections} connections, ${seconds} s a run, ${rounds} round(s)`);
  const rps: Record<1 | 2, number[]> = { 1: [], 2: [] };
  // µs of CPU a request: the server's processes together, and wrk's.
  const serverUs: Record<1 | 2, number[]> = { 1: [], 2: [] };
  const wrkUs: Record<1 | 2, number[]> = { 1: [], 2: [] };
  // Each worker's share of the server's CPU (is the load spread evenly?).
  const shares: string[] = [];
  let size = 0;
  for (let round = 0; round < rounds; round++)
    for (const n of [1, 2] as const) {
      const server = await startMain(url, ['--workers', String(n)], { LOG_LEVEL: 'info' });
      try {
        size = await warm(`${server.base}${tile}`);
        const pids = processTree(server.child.pid!);
        const before = cpuMsOf(pids);
        const r = wrk(`${server.base}${tile}`, seconds, connections);
        const used = cpuMsOf(pids).map((v, i) => v - before[i]!);
        if (r.errors > 0) throw new Error(`${r.errors} errors with ${n} worker(s)`);
        const total = used.reduce((a, b) => a + b, 0);
        rps[n].push(r.rps);
        serverUs[n].push((total * 1000) / r.requests);
        wrkUs[n].push((r.cpuMs * 1000) / r.requests);
        // The workers are the last n processes of the tree (launcher, primary, then its forks).
        if (n === 2)
          shares.push(
            used
              .slice(-n)
              .map((v) => `${Math.round((100 * v) / total)} %`)
              .join(' + '),
          );
        log(
          `${n} worker(s): ${Math.round(r.rps)} req/s; CPU per request: server ${fmt(serverUs[n].at(-1)!)} µs, wrk ${fmt(wrkUs[n].at(-1)!)} µs; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`,
        );
      } finally {
        await server.stop();
      }
    }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const one = median(rps[1]);
  const two = median(rps[2]);
  const ratio = two / one;
  // wrk runs on the same two cores. One worker has at most one core (wrk
  // the other): 1 / max(server, wrk µs a request). Two workers share both
  // cores with wrk, every request costing the server's CPU and wrk's: at
  // most 2 cores / (server + wrk µs a request). Their quotient is the best
  // ratio this machine allows, from CPU times alone (so also on a busy machine).
  const oneMax = 1e6 / Math.max(median(serverUs[1]), median(wrkUs[1]));
  const twoMax = 2e6 / (median(serverUs[2]) + median(wrkUs[2]));
  process.stdout.write(
    [
      `warm z10 tile of all (${size} bytes gzip), wrk -c${connections}: 1 worker ${Math.round(one)} req/s, 2 workers ${Math.round(two)} req/s, ratio ${ratio.toFixed(2)} (target >= 1.7 on two quiet cores)`,
      `  CPU per request (medians): server 1 worker ${fmt(median(serverUs[1]))} µs, 2 workers ${fmt(median(serverUs[2]))} µs; wrk ${fmt(median(wrkUs[1]))} / ${fmt(median(wrkUs[2]))} µs`,
      `  2 workers' share of the server's CPU: ${shares.join(', ')}`,
      `  ceiling with wrk on the same 2 cores: 1 worker ${Math.round(oneMax)} req/s (1 core / max(server, wrk)), 2 workers ${Math.round(twoMax)} req/s (2 cores / (server + wrk)): ratio at most ${(twoMax / oneMax).toFixed(2)}`,
      '',
    ].join('\n'),
  );
  return 0;
}

runMain(import.meta.url, main, log);
