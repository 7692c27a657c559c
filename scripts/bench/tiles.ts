/**
 * npm run bench:tiles — composite tiles (`all`) on the benchmark data
 * (scripts/bench/generate.ts), for a fixed list of ~500 tiles across z5–z14
 * placed where the data is. Our real server (server/main.ts, SKIP_PREPARE=1)
 * runs as a child process pinned to one CPU when `taskset` exists.
 *
 *   npm run bench:tiles
 *   npm run bench:tiles -- --seconds 10 --connections 32 --rounds 3
 *   npm run bench:tiles -- --tiles 100     # every k-th tile of the list only (a quick check)
 *   npm run bench:tiles -- --rounds 0      # the cold pass alone
 *
 * 1. Cold: every tile once through our endpoint (empty cache) against the
 *    very same statement run through `pg` directly (server/tiles/render.ts
 *    compiles it for both), in ABBA order (direct first for one tile, ours
 *    first for the next, ...), so that each side runs first, and right after
 *    itself, equally often, and load from elsewhere on a shared machine
 *    weighs on both. Target: time ratio ≤ 1.1. The server's
 *    Server-Timing splits its time into the statement (db), the basemap's
 *    layers and gzip, per zoom and in all.
 * 2. Warm: wrk (Debian's, a C load generator: autocannon, itself Node, tops
 *    out near 19,000 req/s, below both servers) with 32 connections on one
 *    z10 tile of `all`, against our server (a cache hit) and against
 *    scripts/bench/tiles-bare.mjs, a minimal bare node:http server sending
 *    the same bytes with only Content-Type, Content-Length and (gzip)
 *    Content-Encoding; once for a client that accepts gzip and once for one
 *    that does not. Rounds alternate ours and bare. Target: requests/s ratio
 *    ≥ 0.9 in both cases. Server CPU time per request (from
 *    /proc/<pid>/stat) is printed beside req/s.
 * 3. The largest tile per zoom (must stay ≤ 500 KB) and the server's peak RSS.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { connect } from '../../server/db/connect.ts';
import type { DB } from '../../server/db/types.ts';
import { projectRoot } from '../../server/prepare.ts';
import { layersAtZoom, parseLayers } from '../../server/tiles/params.ts';
import { compileTile } from '../../server/tiles/render.ts';
import { benchDatabase } from './generate.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 5);
const CONNECTIONS = arg('connections', 32);
const ROUNDS = arg('rounds', 3);
const TILE_LIMIT = arg('tiles', 0);
const LIMIT_KB = 500;
const log = (m: string) => process.stderr.write(`[bench tiles] ${m}\n`);

interface Tile {
  z: number;
  x: number;
  y: number;
}
const path_ = (t: Tile) => `/tiles/all/${t.z}/${t.x}/${t.y}.mvt`;

/**
 * ~500 tiles where the data is, the same every run: for each zoom, the tiles
 * of projects taken at a fixed stride through the table (ids are stable:
 * the generator is seeded), 60 per zoom or as many distinct as there are
 * (zooms 5–7 have fewer: that is all of Vietnam's land there).
 */
async function tileList(db: import('kysely').Kysely<DB>): Promise<Tile[]> {
  const out: Tile[] = [];
  for (let z = 5; z <= 14; z++) {
    const { rows } = await sql<Tile>`
      WITH pts AS (
        SELECT id, ST_Transform(geom, 3857) AS g FROM projects WHERE id % 53 = 0 ORDER BY id
      ), tiles AS (
        SELECT DISTINCT ON (x, y) ${z}::int AS z,
          floor((ST_X(g) + 20037508.342789244) / (40075016.68557849 / 2 ^ ${z}))::int AS x,
          floor((20037508.342789244 - ST_Y(g)) / (40075016.68557849 / 2 ^ ${z}))::int AS y, id
        FROM pts ORDER BY x, y, id
      )
      SELECT z, x, y FROM tiles ORDER BY id LIMIT 60`.execute(db);
    out.push(...rows);
  }
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Under load, each server gets CPU 1 and wrk CPU 0,
 * as in DESIGN.md's figures ("one core for the server"). Every thread of
 * the process (`-a`): without it only the main thread was pinned, and V8's
 * GC and compiler threads ran beside wrk on CPU 0. Without taskset
 * nothing is pinned.
 */
function pin(pid: number, cpu: number): void {
  try {
    execFileSync('taskset', ['-a', '-pc', String(cpu), String(pid)], { stdio: 'ignore' });
  } catch {
    // no taskset, or a single CPU: unpinned
  }
}

async function startOurs(url: string): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'server/main.ts')], {
    cwd: projectRoot,
    env: {
      ...process.env,
      DATABASE_URL: url,
      SKIP_PREPARE: '1',
      PORT: String(port),
      HOST: '127.0.0.1',
      TILE_CACHE_MB: '512',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { child, base };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('our server did not start');
}

async function startBare(file: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [path.join(projectRoot, 'scripts/bench/tiles-bare.mjs'), file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /port (\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error('bare server exited')));
  });
  return { child, base: `http://127.0.0.1:${port}` };
}

function peakRssMb(pid: number): number {
  const status = execFileSync('cat', [`/proc/${pid}/status`]).toString();
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(
  url: string,
  gzip = true,
): Promise<{ ms: number; status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: gzip ? { 'Accept-Encoding': 'gzip' } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            ms: performance.now() - t0,
            status: res.statusCode!,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      })
      .on('error', reject);
  });
}

/**
 * CPU time (user + system) a process has used so far, in ms: all its
 * threads, or with `mainOnly` its main (JavaScript) thread alone. Node's
 * other threads (V8's platform workers, libuv's pool) use some CPU per
 * second whatever the load (about 60 ms/s here, in the bare server too),
 * which weighs per request on whichever server wrk drives slower.
 */
function cpuMs(pid: number, mainOnly = false): number {
  const stat = execFileSync('cat', [
    mainOnly ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`,
  ]).toString();
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the line, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const HAS_TASKSET = (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

interface Run {
  rps: number;
  errors: number;
  cpuUsPerReq: number;
  /** The same for the main thread alone. */
  mainUsPerReq: number;
  /**
   * wrk's own CPU time (user + system) over the run's wall time, in % of
   * one core: near 100 the load generator, not the server, sets the pace.
   */
  wrkCpuPct: number;
}

/** wrk on CPU 0 for `seconds` against one URL; req/s, errors and the server's CPU per request. */
function wrk(url: string, gzip: boolean, pid: number, seconds = SECONDS): Run {
  const cpu0 = cpuMs(pid);
  const main0 = cpuMs(pid, true);
  const args = [
    '-t1',
    `-c${CONNECTIONS}`,
    `-d${seconds}s`,
    ...(gzip ? ['-H', 'Accept-Encoding: gzip'] : []),
    url,
  ];
  // bash's `times` prints its children's user and system CPU after wrk exits: wrk's own CPU.
  const t0 = performance.now();
  const out = execFileSync('bash', [
    '-c',
    `${HAS_TASKSET ? 'taskset -c 0 ' : ''}wrk "$@"; times`,
    'wrk',
    ...args,
  ]).toString();
  const wall = performance.now() - t0;
  const cpu = cpuMs(pid) - cpu0;
  const main = cpuMs(pid, true) - main0;
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = non2xx + (socket ? socket.slice(1).reduce((n, v) => n + Number(v), 0) : 0);
  const perReq = (ms: number) => (ms * 1000) / Math.max(1, requests);
  // The last line of `times`: children's user and system time, as "0m1.234s 0m2.345s".
  const children = [...(out.trim().split('\n').at(-1) ?? '').matchAll(/(\d+)m([\d.]+)s/g)];
  const wrkMs = children.reduce((n, m) => n + (Number(m[1]) * 60 + Number(m[2])) * 1000, 0);
  return {
    rps,
    errors,
    cpuUsPerReq: perReq(cpu),
    mainUsPerReq: perReq(main),
    wrkCpuPct: (100 * wrkMs) / wall,
  };
}

interface Warm {
  label: string;
  ours: number[];
  bare: number[];
  oursCpu: number[];
  bareCpu: number[];
  oursMain: number[];
  bareMain: number[];
  oursWrk: number[];
  bareWrk: number[];
  errors: number;
}

/** Alternating rounds of wrk on both servers, after a short warm-up of each. */
function warmPhase(
  label: string,
  tilePath: string,
  gzip: boolean,
  ours: { base: string; pid: number },
  bare: { base: string; pid: number },
): Warm {
  const w: Warm = {
    label,
    ours: [],
    bare: [],
    oursCpu: [],
    bareCpu: [],
    oursMain: [],
    bareMain: [],
    oursWrk: [],
    bareWrk: [],
    errors: 0,
  };
  wrk(`${ours.base}${tilePath}`, gzip, ours.pid, 1);
  wrk(`${bare.base}${tilePath}`, gzip, bare.pid, 1);
  for (let round = 0; round < ROUNDS; round++) {
    log(`warm (${label}) round ${round + 1}/${ROUNDS}: ours, then bare node:http`);
    const a = wrk(`${ours.base}${tilePath}`, gzip, ours.pid);
    const b = wrk(`${bare.base}${tilePath}`, gzip, bare.pid);
    w.ours.push(a.rps);
    w.bare.push(b.rps);
    w.oursCpu.push(a.cpuUsPerReq);
    w.bareCpu.push(b.cpuUsPerReq);
    w.oursMain.push(a.mainUsPerReq);
    w.bareMain.push(b.mainUsPerReq);
    w.oursWrk.push(a.wrkCpuPct);
    w.bareWrk.push(b.wrkCpuPct);
    w.errors += a.errors + b.errors;
  }
  return w;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};
const fmt = (n: number, d = 1) => n.toFixed(d);

async function main(): Promise<void> {
  const url = await benchDatabase();
  const database = connect(url, { max: 2 });
  const listed = await tileList(database.db);
  // --tiles N: every k-th tile of the list, for a quick check on a busy machine.
  const step = TILE_LIMIT > 0 ? Math.max(1, Math.floor(listed.length / TILE_LIMIT)) : 1;
  const tiles = listed.filter((_, i) => i % step === 0);
  log(`${tiles.length} tiles across z5–z14`);

  // The direct baseline: the same statement, on a connection set up as the
  // server's tile connections are (server/tiles/index.ts).
  const client = async () => {
    const c = new pg.Client({
      connectionString: url,
      options: '-c max_parallel_workers_per_gather=0 -c jit=off',
    });
    await c.connect();
    return c;
  };
  const all = parseLayers('all');
  const statements = tiles.map((t) => compileTile(database.db, layersAtZoom(all, t.z), t));
  const runOn = async (c: pg.Client, q: { sql: string; parameters: unknown[] }) => {
    const t0 = performance.now();
    const { rows } = await c.query<{ mvt: Buffer }>(q.sql, q.parameters);
    return { ms: performance.now() - t0, bytes: rows[0]!.mvt.length };
  };
  log('warming PostgreSQL with one direct pass');
  const warmer = await client();
  for (const q of statements) await runOn(warmer, q);
  await warmer.end();
  // A fresh backend for the baseline, as fresh as the server's: one that
  // has just made 400 large tiles runs measurably slower for a while.
  const direct = await client();
  const runDirect = (q: { sql: string; parameters: unknown[] }) => runOn(direct, q);

  const ours = await startOurs(url);
  const pid = ours.child.pid!;
  // Interrupted (Ctrl-C, a timeout): the server goes too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      ours.child.kill('SIGTERM');
      process.exit(130);
    });
  try {
    // Open the server's tile connections (PROJ set-up etc.) on tiles outside the list,
    // and give both sides' backends one statement of every zoom of the list first: the
    // first statement of a zoom on a fresh backend plans far slower (catalog caches;
    // the z5 statement: 37 ms planning where it then takes 5), and the baseline, the
    // mean of a run before and a run after ours on its own backend, paid that only
    // half. A running service's connections have seen every zoom. The same warm-up
    // for the direct connection, on the same tiles.
    const listed = new Set(tiles.map((t) => `${t.z}/${t.x}/${t.y}`));
    const warmups = ['4/12/7', '4/12/6', '4/13/7', '4/11/7'];
    for (const z of [...new Set(tiles.map((t) => t.z))]) {
      const t = tiles.find((u) => u.z === z)!;
      const beside = [1, 2, 3, -1, -2].map((d) => `${z}/${t.x + d}/${t.y}`).find((k) => !listed.has(k));
      if (beside) warmups.push(beside);
    }
    for (const t of warmups) {
      await get(`${ours.base}/tiles/all/${t}.mvt`);
      const [z, x, y] = t.split('/').map(Number) as [number, number, number];
      await runDirect(compileTile(database.db, layersAtZoom(all, z), { z, x, y }));
    }

    // Each tile once direct and once through the endpoint, in ABBA order (direct
    // then ours for one tile, ours then direct for the next): each side runs
    // first half the time and follows itself half the time, and load from
    // elsewhere on the machine weighs on both alike. Not direct, ours, direct
    // again (until 2026-11-30): there the direct backend ran every other
    // statement straight after one of its own and planned it in ~10 ms, where
    // a second direct client put in ours' place took ~19 ms, as our server's
    // backend did (PostgreSQL's log; docs/benchmarks.md, "Cold tiles: where
    // the gap was").
    log('cold: each tile direct and through the endpoint (a cache miss), in ABBA order');
    // d1: the direct runs made before ours, d2: those made after.
    const d1: number[] = [];
    const d2: number[] = [];
    const directMs: number[] = [];
    const bytes: number[] = [];
    const endpoint: number[] = [];
    // The server's own PostgreSQL round trip for each tile, from its Server-Timing header.
    const serverDb: number[] = [];
    const serverBasemap: number[] = [];
    const serverGzip: number[] = [];
    const entries: { url: string; headers: Record<string, string>; body: string }[] = [];
    for (const [i, t] of tiles.entries()) {
      const directFirst = i % 4 === 0 || i % 4 === 3;
      const a = directFirst ? await runDirect(statements[i]!) : undefined;
      const r = await get(`${ours.base}${path_(t)}`);
      const d = a ?? (await runDirect(statements[i]!));
      (directFirst ? d1 : d2).push(d.ms);
      directMs.push(d.ms);
      bytes.push(d.bytes);
      if (r.status !== 200 && r.status !== 204) throw new Error(`${path_(t)} answered ${r.status}`);
      endpoint.push(r.ms);
      const timing = String(r.headers['server-timing']);
      const dur = (name: string) => Number(new RegExp(`${name};dur=([\\d.]+)`).exec(timing)?.[1] ?? 0);
      serverDb.push(dur('db'));
      serverBasemap.push(dur('basemap'));
      serverGzip.push(dur('gzip'));
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.headers)) {
        if (!['date', 'connection', 'keep-alive'].includes(k) && v !== undefined) headers[k] = String(v);
      }
      entries.push({ url: path_(t), headers, body: r.body.toString('base64') });
    }
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const mean = (xs: number[]) => sum(xs) / Math.max(1, xs.length);
    const coldRatio = sum(endpoint) / sum(directMs);

    // One z10 tile of the list (the one of median size): its two encodings as our server sends them.
    const z10 = tiles.flatMap((t, i) => (t.z === 10 && bytes[i]! > 0 ? [i] : []));
    z10.sort((a, b) => bytes[a]! - bytes[b]!);
    const chosen = tiles[z10[Math.floor(z10.length / 2)]!]!;
    const tilePath = path_(chosen);
    const gz = await get(`${ours.base}${tilePath}`);
    const plain = await get(`${ours.base}${tilePath}`, false);
    if (gz.headers['content-encoding'] !== 'gzip' || plain.headers['content-encoding'] !== undefined)
      throw new Error(`${tilePath}: not gzip and identity as asked`);
    const file = path.join(tmpdir(), `border-atlas-bench-tiles-${process.pid}.json`);
    writeFileSync(
      file,
      JSON.stringify([
        { url: tilePath, gzip: gz.body.toString('base64'), identity: plain.body.toString('base64') },
      ]),
    );
    const bare = await startBare(file);
    pin(process.pid, 0);
    pin(pid, 1);
    pin(bare.child.pid!, 1);
    const phases: Warm[] = [];
    const tileNote = `${tilePath}, ${fmt(gz.body.length / 1024)} KB gzip, ${fmt(plain.body.length / 1024)} KB identity`;
    try {
      const a = { base: ours.base, pid };
      const b = { base: bare.base, pid: bare.child.pid! };
      // --rounds 0: the cold pass alone (a quick check of a change to the miss path).
      if (ROUNDS > 0) {
        phases.push(warmPhase('gzip client', tilePath, true, a, b));
        phases.push(warmPhase('identity client', tilePath, false, a, b));
      }
    } finally {
      bare.child.kill();
      rmSync(file, { force: true });
    }
    const metrics = await (await fetch(`${ours.base}/metrics`)).text();
    const hits = Number(/^border_atlas_tile_cache_hits_total (\d+)/m.exec(metrics)?.[1]);
    const renders = Number(/^border_atlas_tile_renders_total (\d+)/m.exec(metrics)?.[1]);
    const rss = peakRssMb(pid);

    // Report.
    const byZoom = new Map<
      number,
      {
        n: number;
        ours: number[];
        direct: number[];
        db: number[];
        basemap: number[];
        max: number;
        maxGz: number;
        at: string;
      }
    >();
    tiles.forEach((t, i) => {
      const z = byZoom.get(t.z) ?? {
        n: 0,
        ours: [],
        direct: [],
        db: [],
        basemap: [],
        max: 0,
        maxGz: 0,
        at: '',
      };
      z.n++;
      z.db.push(serverDb[i]!);
      z.basemap.push(serverBasemap[i]!);
      z.ours.push(endpoint[i]!);
      z.direct.push(directMs[i]!);
      const gz = Buffer.from(entries[i]!.body, 'base64').length;
      if (bytes[i]! > z.max) {
        z.max = bytes[i]!;
        z.at = `${t.z}/${t.x}/${t.y}`;
      }
      z.maxGz = Math.max(z.maxGz, gz);
      byZoom.set(t.z, z);
    });
    const rows = [...byZoom.entries()].map(([z, v]) => [
      String(z),
      String(v.n),
      fmt(median(v.direct)),
      fmt(median(v.ours)),
      fmt(median(v.db)),
      fmt(median(v.basemap)),
      fmt(sum(v.ours) / sum(v.direct), 2),
      fmt(v.max / 1024),
      fmt(v.maxGz / 1024),
      v.at,
    ]);
    const head = [
      'zoom',
      'tiles',
      'pg ms (median)',
      'ours ms (median)',
      'of which db',
      'basemap',
      'ours/pg',
      'largest KB',
      'gzip KB',
      'largest tile',
    ];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
    const largest = Math.max(...[...byZoom.values()].map((v) => v.max)) / 1024;
    const warmLines =
      phases.length === 0
        ? []
        : [
            `warm  one z10 tile (${tileNote}); wrk, ${CONNECTIONS} connections, ${SECONDS} s × ${ROUNDS} rounds each`,
            ...phases.flatMap((w) => {
              // Each round's two runs are back to back: their ratio sees the same machine.
              const ratio = median(w.ours.map((v, i) => v / w.bare[i]!));
              return [
                `      ${w.label}: ours ${w.ours.map((v) => fmt(v, 0)).join(' / ')} req/s, bare node:http ${w.bare.map((v) => fmt(v, 0)).join(' / ')} req/s`,
                `        ratio ours/bare (median of the rounds' ratios) = ${fmt(ratio, 3)}  (target ≥ 0.9)  ${ratio >= 0.9 ? 'OK' : 'MISSED'}; errors or non-2xx: ${w.errors}`,
                `        server CPU per request (medians): ours ${fmt(median(w.oursCpu))} µs, bare ${fmt(median(w.bareCpu))} µs (bare/ours = ${fmt(median(w.bareCpu) / median(w.oursCpu), 3)})`,
                `          main thread only: ours ${fmt(median(w.oursMain))} µs, bare ${fmt(median(w.bareMain))} µs (bare/ours = ${fmt(median(w.bareMain) / median(w.oursMain), 3)})`,
                `        wrk's own CPU (its core's share; near 100 % wrk would be the limit): against ours ${w.oursWrk.map((v) => fmt(v, 0)).join(' / ')} %, against bare ${w.bareWrk.map((v) => fmt(v, 0)).join(' / ')} %`,
              ];
            }),
          ];
    const out = [
      '',
      `Tiles: composite 'all' on ${url.replace(/\/\/[^@]*@/, '//')} (${tiles.length} tiles, z5–z14)`,
      '',
      line(head),
      ...rows.map(line),
      '',
      `cold  total: ours ${fmt(sum(endpoint) / 1000, 2)} s, pg direct ${fmt(sum(directMs) / 1000, 2)} s (run before ours: ${fmt(mean(d1), 1)} ms a tile, after: ${fmt(mean(d2), 1)} ms)`,
      `      of which the statement on the server's connection (Server-Timing db): ${fmt(sum(serverDb) / 1000, 2)} s; the rest (HTTP, Express, compile, gzip): ${fmt((sum(endpoint) - sum(serverDb)) / tiles.length, 1)} ms a tile`,
      `      per tile on the server: db ${fmt(sum(serverDb) / tiles.length, 1)} ms (pg direct ${fmt(sum(directMs) / tiles.length, 1)} ms), basemap ${fmt(sum(serverBasemap) / tiles.length, 1)} ms (cut while the statement runs), gzip ${fmt(sum(serverGzip) / tiles.length, 1)} ms`,
      `      ratio ours/pg = ${fmt(coldRatio, 3)}  (target ≤ 1.1)  ${coldRatio <= 1.1 ? 'OK' : 'MISSED'}`,
      ...warmLines,
      `size  largest tile ${fmt(largest)} KB uncompressed (limit ${LIMIT_KB} KB)  ${largest <= LIMIT_KB ? 'OK' : 'MISSED'}`,
      `rss   server peak RSS ${fmt(rss, 0)} MB; cache: ${renders} renders, ${hits} hits`,
      '',
    ];
    process.stdout.write(out.join('\n'));
  } finally {
    ours.child.kill('SIGTERM');
    await direct.end();
    await database.close();
  }
}

main().catch((e) => {
  process.stderr.write(`bench:tiles failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
