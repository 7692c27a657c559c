/**
 * npm run bench:small-page — a small page of features under load:
 * `/ogc/collections/projects/items?limit=10` on the benchmark data, wrk at 32
 * connections, against in the same run
 *   - QGIS Server (Debian's 3.22: qgis_mapserv.fcgi, 2 FastCGI processes
 *     behind nginx) serving the same view through its OGC API Features
 *     (/wfs3/collections/projects/items.json?limit=10), when qgis-server,
 *     nginx and spawn-fcgi are installed; otherwise it says what is missing;
 *   - a bare node:http server doing the same SQL through pg and nothing else
 *     (scripts/bench/small-page-bare.mjs): the physical limit.
 *
 *   npm run bench:small-page
 *   npm run bench:small-page -- --seconds 5 --rounds 3
 *   BENCH_DATABASE_URL=postgres://…/border_atlas_bench npm run bench:small-page   # no migration, no generation
 *
 * Our server is scripts/bench/features-server.ts logging at info (to
 * /dev/null) as `npm start` does. Runs alternate between the servers so that
 * other work on the machine weighs on all alike; besides requests per second
 * it prints the CPU time each server's own processes spent per request
 * (/proc/<pid>/stat), which a busy machine disturbs less. PostgreSQL's time
 * is in neither.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import os, { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../server/prepare.ts';
import { benchDatabase } from './generate.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) || fallback : fallback;
};
const seconds = arg('seconds', 10);
const rounds = arg('rounds', 2);
const CONNECTIONS = 32;
const FCGI = '/usr/lib/cgi-bin/qgis_mapserv.fcgi';

interface Peer {
  name: string;
  url: string;
  /** Processes whose CPU time counts as this server's. */
  pids(): number[];
  stop(): Promise<void>;
}

interface Run {
  rps: number;
  p99ms: number;
  requests: number;
  errors: number;
  cpuMsPerRequest: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address() as { port: number };
      s.close(() => resolve(a.port));
    });
  });
}

function waitPort(child: ChildProcess, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /port (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`${name} exited (${code})`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Ours as `npm start` serves it (a repeated page is kept per data version), or with the answer cache off. */
async function startOurs(url: string, cache: boolean): Promise<Peer> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(projectRoot, 'scripts/bench/features-server.ts'), url],
    {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, BENCH_LOG_LEVEL: 'info', ...(cache ? {} : { BENCH_ANSWER_CACHE_MB: '0' }) },
    },
  );
  const port = await waitPort(child, 'our server');
  return {
    name: cache
      ? 'Border Atlas (logging at info, answer cache)'
      : 'Border Atlas (answer cache off: SQL each time)',
    url: `http://127.0.0.1:${port}/ogc/collections/projects/items?limit=10`,
    pids: () => [child.pid!],
    stop: () => stopChild(child),
  };
}

async function startBare(url: string): Promise<Peer> {
  const child = spawn(process.execPath, [path.join(projectRoot, 'scripts/bench/small-page-bare.mjs'), url], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await waitPort(child, 'bare server');
  return {
    name: 'bare node:http + pg (same SQL)',
    url: `http://127.0.0.1:${port}/`,
    pids: () => [child.pid!],
    stop: () => stopChild(child),
  };
}

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin'])) {
    const p = path.join(dir, cmd);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** libpq's key=value connection string for QGIS's postgres provider. */
function qgisConnection(url: string): string {
  const u = new URL(url);
  const parts = [
    `dbname='${u.pathname.slice(1)}'`,
    `host=${u.hostname}`,
    `port=${u.port || 5432}`,
    `user='${decodeURIComponent(u.username)}'`,
  ];
  if (u.password) parts.push(`password='${decodeURIComponent(u.password)}'`);
  return parts.join(' ');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to each of `pids` (processes this script started), then waits up to 5 s for them to be gone. */
async function endAll(pids: number[]): Promise<void> {
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGTERM');
  const until = Date.now() + 5000;
  while (pids.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
}

/** QGIS Server behind nginx, or why it could not be started. */
async function startQgis(url: string): Promise<Peer | string> {
  if (!existsSync(FCGI)) return `${FCGI} not found (apt-get install -y qgis-server)`;
  const nginx = which('nginx');
  const spawnFcgi = which('spawn-fcgi');
  if (!nginx || !spawnFcgi) return `nginx or spawn-fcgi not found (apt-get install -y nginx spawn-fcgi)`;
  const dir = mkdtempSync(path.join(tmpdir(), 'border-atlas-qgis-'));
  // nginx's workers run as another user: they must reach the socket in here.
  chmodSync(dir, 0o755);
  const project = path.join(dir, 'project.qgs');
  const template = readFileSync(path.join(projectRoot, 'scripts/bench/small-page-qgis.qgs'), 'utf8');
  writeFileSync(project, template.replaceAll('{{CONNECTION}}', qgisConnection(url).replaceAll('&', '&amp;')));
  const socket = path.join(dir, 'qgis.sock');
  // QGIS logs to stderr for as long as it runs: a file, not a pipe that closes when spawn-fcgi exits.
  const log = path.join(dir, 'qgis.log');
  const fd = openSync(log, 'w');
  const started = spawnSync(spawnFcgi, ['-s', socket, '-M', '0666', '-F', '2', '--', FCGI], {
    env: { ...process.env, QGIS_PROJECT_FILE: project, QT_QPA_PLATFORM: 'offscreen', HOME: dir },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const spawned = readFileSync(log, 'utf8');
  const fcgiPids = [...spawned.matchAll(/PID: (\d+)/g)].map((m) => Number(m[1]));
  if (started.status !== 0 || fcgiPids.length === 0) {
    await endAll(fcgiPids);
    rmSync(dir, { recursive: true, force: true });
    return `spawn-fcgi failed (exit ${started.status}): ${spawned.trim().slice(0, 300)}`;
  }
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  fastcgi_temp_path ${dir}/fastcgi;
  proxy_temp_path ${dir}/proxy;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  # One FastCGI connection per request, as QGIS's documentation sets it up: a qgis_mapserv.fcgi
  # process serves one connection at a time, so a kept-alive one would starve the others' requests.
  upstream qgis { server unix:${socket}; }
  server {
    listen 127.0.0.1:${port};
    location / {
      fastcgi_pass qgis;
      include /etc/nginx/fastcgi_params;
      fastcgi_param PATH_INFO $uri;
      fastcgi_param QGIS_PROJECT_FILE ${project};
    }
  }
}
`,
  );
  const server = spawn(nginx, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let nginxErr = '';
  server.stderr!.on('data', (d: Buffer) => {
    nginxErr += d.toString();
  });
  const stop = async () => {
    await stopChild(server);
    await endAll(fcgiPids);
    rmSync(dir, { recursive: true, force: true });
  };
  const page = `http://127.0.0.1:${port}/wfs3/collections/projects/items.json?limit=10`;
  const until = Date.now() + 60_000;
  let last = '';
  while (Date.now() < until) {
    try {
      const res = await fetch(page);
      const body = await res.text();
      if (res.status === 200 && (JSON.parse(body) as { features: unknown[] }).features.length === 10) {
        return {
          name: 'QGIS Server 3.22 (2 FastCGI processes, nginx)',
          url: page,
          pids: () => {
            const workers = execFileSync('ps', ['-o', 'pid=', '--ppid', String(server.pid)], {
              encoding: 'utf8',
            })
              .split('\n')
              .map(Number)
              .filter(Boolean);
            return [server.pid!, ...workers, ...fcgiPids];
          },
          stop,
        };
      }
      last = `HTTP ${res.status}: ${body.slice(0, 200)}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const qgisLog = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').slice(-3).join(' | ') : '';
  await stop();
  return `no page of 10 features from QGIS Server within 60 s (last: ${last.replace(/\s+/g, ' ')}; nginx: ${nginxErr.trim().slice(0, 200)}; QGIS: ${qgisLog.slice(0, 300)})`;
}

/** User + system CPU time of `pids`, in milliseconds. */
function cpuMs(pids: number[]): number {
  const tick = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  let ms = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ms += (Number(fields[11]) + Number(fields[12])) * tick;
    } catch {
      // gone
    }
  }
  return ms;
}

function wrk(url: string, secs: number): { rps: number; p99ms: number; requests: number; errors: number } {
  const out = execFileSync(
    'wrk',
    ['-t2', `-c${CONNECTIONS}`, `-d${secs}s`, '--latency', '--timeout', '10s', url],
    { encoding: 'utf8' },
  );
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? Number.NaN);
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const unit = { us: 0.001, ms: 1, s: 1000 } as const;
  const non2xx = num(/Non-2xx or 3xx responses: (\d+)/);
  const socket = /Socket errors: (.*)/.exec(out)?.[1] ?? '';
  const errors =
    (Number.isNaN(non2xx) ? 0 : non2xx) +
    [...socket.matchAll(/(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  return {
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    p99ms: p99 ? Number(p99[1]) * unit[p99[2] as keyof typeof unit] : Number.NaN,
    requests: num(/(\d+) requests in/),
    errors,
  };
}

function measure(peer: Peer, secs: number): Run {
  const before = cpuMs(peer.pids());
  const r = wrk(peer.url, secs);
  const cpu = cpuMs(peer.pids()) - before;
  return { ...r, cpuMsPerRequest: cpu / r.requests };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  if (!which('wrk')) throw new Error('wrk not found (apt-get install -y wrk)');
  // BENCH_DATABASE_URL: a benchmark database made already (by another checkout), served as it is.
  const url = process.env.BENCH_DATABASE_URL ?? (await benchDatabase());
  const peers: Peer[] = [];
  const notes: string[] = [];
  try {
    peers.push(await startOurs(url, true), await startOurs(url, false));
    const qgis = await startQgis(url);
    if (typeof qgis === 'string') notes.push(`QGIS Server not measured: ${qgis}`);
    else peers.push(qgis);
    peers.push(await startBare(url));
    for (const p of peers) {
      const res = await fetch(p.url);
      const n = ((await res.json()) as { features: unknown[] }).features.length;
      if (res.status !== 200 || n !== 10) throw new Error(`${p.name}: HTTP ${res.status}, ${n} features`);
      wrk(p.url, 3); // warm-up: JIT, connections, caches
    }
    const loadBefore = loadavg()[0]!;
    const runs = new Map<Peer, Run[]>(peers.map((p) => [p, []]));
    for (let i = 0; i < rounds; i++) for (const p of peers) runs.get(p)!.push(measure(p, seconds));

    const summary = peers.map((p) => {
      const rs = runs.get(p)!;
      return {
        p,
        rps: median(rs.map((r) => r.rps)),
        p99: median(rs.map((r) => r.p99ms)),
        cpu: median(rs.map((r) => r.cpuMsPerRequest)),
        errors: rs.reduce((n, r) => n + r.errors, 0),
      };
    });
    const width = Math.max(...peers.map((p) => p.name.length));
    const lines = [
      `bench:small-page — GET /ogc/collections/projects/items?limit=10 (10 features) with wrk, 2 threads × ${CONNECTIONS} connections, ${rounds} × ${seconds} s per server, interleaved`,
      ...summary.map(
        (s) =>
          `  ${s.p.name.padEnd(width)}  ${s.rps.toFixed(0).padStart(5)} req/s  p99 ${s.p99.toFixed(0).padStart(4)} ms  ` +
          `CPU ${s.cpu.toFixed(2)} ms/request  errors ${s.errors}`,
      ),
    ];
    for (const ours of summary.slice(0, 2)) {
      for (const other of summary.slice(2)) {
        lines.push(
          `  ratio ${ours.p.name} / ${other.p.name}: ${(ours.rps / other.rps).toFixed(2)} (req/s), ${(other.cpu / ours.cpu).toFixed(2)} (CPU per request, theirs / ours)`,
        );
      }
    }
    lines.push(
      ...notes.map((n) => `  ${n}`),
      `  load average (1 min) ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores (PostgreSQL, wrk and every server share them)`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const p of peers) await p.stop();
  }
}

main().catch((e) => {
  process.stderr.write(`bench:small-page failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
