/**
 * npm run bench:nginx — a warm tile through nginx's cache (deploy/nginx.conf
 * as shipped, Debian's /usr/sbin/nginx) against the same tile straight from
 * our server, in the same run: wrk, 32 connections, one z10 tile of `all`
 * with gzip accepted. The server runs with the deployment's
 * TILE_CACHE_CONTROL (deploy/border-atlas.env), so nginx serves HITs and
 * revalidates once per s-maxage. Prints the requests/s ratio nginx / direct.
 *
 *   npm run bench:nginx
 *   npm run bench:nginx -- --seconds 10 --connections 32
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../server/prepare.ts';
import { runMain } from '../lib/run-main.ts';
import { benchDatabase } from './generate.ts';
import { arg, busyTile, haveWrk, startMain, warm, wrk } from './workers.ts';

const NGINX = '/usr/sbin/nginx';
const log = (m: string) => process.stderr.write(`[bench nginx] ${m}\n`);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** deploy/nginx.conf filled in a temporary prefix, in front of `upstream`; stop() removes it all. */
async function startNginx(upstream: string): Promise<{ base: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ba-bench-nginx-'));
  for (const d of ['tmp', 'cache']) mkdirSync(path.join(dir, d));
  const port = await freePort();
  const conf = readFileSync(path.join(projectRoot, 'deploy/nginx.conf'), 'utf8')
    .replaceAll('@PREFIX@', dir)
    .replaceAll('@LISTEN@', `127.0.0.1:${port}`)
    .replaceAll('@UPSTREAMS@', `server ${upstream};`)
    // The access log would cost nginx a write per request; the benchmark measures the cache.
    .replace(/access_log [^;]+;/, 'access_log off;');
  writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const globals = `daemon off;${process.getuid?.() === 0 ? ' user root;' : ''}`;
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', globals], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}`);
    if (
      await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGQUIT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const seconds = arg(argv, 'seconds', 10);
  const connections = arg(argv, 'connections', 32);
  if (!existsSync(NGINX)) throw new Error(`${NGINX} not found (apt-get install -y nginx)`);
  if (!haveWrk()) throw new Error('wrk not found (apt-get install -y wrk)');
  const env = readFileSync(path.join(projectRoot, 'deploy/border-atlas.env'), 'utf8');
  const cacheControl = /^TILE_CACHE_CONTROL=(.+)$/m.exec(env)?.[1] ?? '';
  const url = process.env.BENCH_DATABASE_URL ?? (await benchDatabase());
  const tile = await busyTile(url);
  const server = await startMain(url, [], { LOG_LEVEL: 'info', TILE_CACHE_CONTROL: cacheControl });
  try {
    const nginx = await startNginx(new URL(server.base).host);
    try {
      const size = await warm(`${server.base}${tile}`, 2);
      await warm(`${nginx.base}${tile}`, 2);
      const hit = await fetch(`${nginx.base}${tile}`, { headers: { 'accept-encoding': 'gzip' } });
      await hit.arrayBuffer();
      log(`tile ${tile} (${size} bytes gzip), nginx says ${hit.headers.get('x-cache-status')}`);
      const direct = wrk(`${server.base}${tile}`, seconds, connections);
      const cached = wrk(`${nginx.base}${tile}`, seconds, connections);
      if (direct.errors + cached.errors > 0)
        throw new Error(`errors: direct ${direct.errors}, nginx ${cached.errors}`);
      process.stdout.write(
        `warm z10 tile of all, wrk -c${connections}: straight to our server ${Math.round(direct.rps)} req/s, through nginx's cache ${Math.round(cached.rps)} req/s, ratio ${(cached.rps / direct.rps).toFixed(2)}\n`,
      );
    } finally {
      await nginx.stop();
    }
  } finally {
    await server.stop();
  }
  return 0;
}

runMain(import.meta.url, main, log);
