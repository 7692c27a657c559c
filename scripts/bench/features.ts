/**
 * npm run bench:features — the ~100,000 benchmark projects exported as
 * GeoJSON through our feature API, against GDAL reading PostGIS directly.
 *
 *   npm run bench:features               # 5 runs of each, interleaved
 *   npm run bench:features -- --runs 9
 *
 * API: GET /ogc/collections/projects/items?limit=10000, then every `next`
 * link until there is none (10 pages), on a server of its own (a child
 * process, so its memory is its own). Baseline, in the same run:
 * `ogr2ogr -f GeoJSON /vsistdout/ PG:… layer_projects`, the same view. Both
 * outputs are read and counted by this process and nothing else; runs
 * alternate so a busy machine weighs on both alike. Prints medians and the
 * best of each, the ratio API / GDAL (target ≤ 1.0), and the server's peak
 * RSS (VmHWM, reset before each phase through /proc/<pid>/clear_refs) while
 * it serves pages of 10 and while it serves pages of 10,000.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os, { loadavg } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { connect } from '../../server/db/connect.ts';
import { projectRoot } from '../../server/prepare.ts';
import { benchDatabase } from './generate.ts';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
const agent = new http.Agent({ keepAlive: true });

interface Export {
  ms: number;
  bytes: number;
  features: number;
}

/** Starts scripts/bench/features-server.ts and waits for its port. */
function startServer(url: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(projectRoot, 'scripts/bench/features-server.ts'), url],
    { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /port (\d+)/.exec(out);
      if (m) resolve({ child, base: `http://127.0.0.1:${m[1]}` });
    });
    child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
  });
}

/** One GET: byte count and the document's closing members (numberReturned, links). */
function getPage(
  url: string,
): Promise<{ bytes: number; tail: { numberReturned: number; links: { rel: string; href: string }[] } }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`${url}: HTTP ${res.statusCode}`));
        let bytes = 0;
        let last = Buffer.alloc(0);
        res.on('data', (d: Buffer) => {
          bytes += d.length;
          // Only the end of the page is decoded: our pages close with numberMatched, numberReturned and links.
          last = Buffer.concat([last, d]).subarray(-65536);
        });
        res.on('end', () => {
          const s = last.toString();
          const at = s.lastIndexOf('"numberMatched"');
          if (at < 0) return reject(new Error(`${url}: no numberMatched at the end of the page`));
          resolve({ bytes, tail: JSON.parse(`{${s.slice(at)}`) });
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

async function exportApi(base: string): Promise<Export> {
  const t0 = performance.now();
  let next: string | undefined = `${base}/ogc/collections/projects/items?limit=10000`;
  let bytes = 0;
  let features = 0;
  while (next) {
    const page = await getPage(next);
    bytes += page.bytes;
    features += page.tail.numberReturned;
    next = page.tail.links.find((l) => l.rel === 'next')?.href;
  }
  return { ms: performance.now() - t0, bytes, features };
}

function pgConnection(url: string): string {
  const u = new URL(url);
  const parts = [
    `host=${u.hostname}`,
    `port=${u.port || 5432}`,
    `user=${decodeURIComponent(u.username)}`,
    `dbname=${u.pathname.slice(1)}`,
  ];
  if (u.password) parts.push(`password=${decodeURIComponent(u.password)}`);
  return parts.join(' ');
}

function exportGdal(url: string): Promise<Export> {
  const t0 = performance.now();
  const child = spawn(
    'ogr2ogr',
    ['-f', 'GeoJSON', '/vsistdout/', `PG:${pgConnection(url)}`, 'layer_projects'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let bytes = 0;
  child.stdout.on('data', (d: Buffer) => {
    bytes += d.length;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`ogr2ogr exited ${code}`));
      else resolve({ ms: performance.now() - t0, bytes, features: Number.NaN });
    });
  });
}

/** Peak RSS since the last reset, in MB (VmHWM). */
function peakMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
}

/** Resets VmHWM to the current RSS (Linux: echo 5 > /proc/<pid>/clear_refs). */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const url = await benchDatabase();
  const database = connect(url, { max: 1 });
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM layer_projects`.execute(
    database.db,
  );
  await database.close();
  const expected = rows[0]!.n;

  const { child, base } = await startServer(url);
  const pid = child.pid!;
  try {
    await getPage(`${base}/ogc/collections/projects/items?limit=10`);
    const idle = rssMb(pid);

    // Memory: many small pages, then the whole export in pages of 10,000.
    const resettable = resetPeak(pid);
    for (let i = 0; i < 50; i++)
      await getPage(`${base}/ogc/collections/projects/items?limit=10&offset=${i * 1999}`);
    const peakSmall = peakMb(pid);
    resetPeak(pid);
    const first = await exportApi(base);
    const peakLarge = peakMb(pid);
    if (first.features !== expected) {
      throw new Error(`the API exported ${first.features} features; the database holds ${expected}`);
    }

    const loadBefore = loadavg()[0]!;
    const api: Export[] = [];
    const gdal: Export[] = [];
    for (let i = 0; i < runs; i++) {
      gdal.push(await exportGdal(url));
      api.push(await exportApi(base));
    }
    const [a, g] = [median(api.map((r) => r.ms)), median(gdal.map((r) => r.ms))];
    // Each API run follows a GDAL run: their ratio is the least disturbed by load that drifts over the bench.
    const paired = median(api.map((r, i) => r.ms / gdal[i]!.ms));
    const [aBest, gBest] = [Math.min(...api.map((r) => r.ms)), Math.min(...gdal.map((r) => r.ms))];
    const out = [
      `bench:features — ${expected} projects exported as GeoJSON, ${runs} runs each (interleaved)`,
      `  API  /ogc/collections/projects/items?limit=10000 + next links: median ${fmt(a)}, best ${fmt(aBest)}, ${(api[0]!.bytes / 1e6).toFixed(1)} MB`,
      `  GDAL ogr2ogr -f GeoJSON /vsistdout/ PG:… layer_projects:       median ${fmt(g)}, best ${fmt(gBest)}, ${(gdal[0]!.bytes / 1e6).toFixed(1)} MB`,
      `  ratio API / GDAL: ${(a / g).toFixed(2)} (medians), ${paired.toFixed(2)} (median of back-to-back pairs), ${(aBest / gBest).toFixed(2)} (bests)   target ≤ 1.0`,
      `  load average (1 min) ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores: other work on the machine slows both sides, the API's two processes more`,
      `  server RSS: ${idle} MB idle; peak ${peakSmall} MB serving 50 pages of limit=10, peak ${peakLarge} MB serving the export with limit=10000${resettable ? '' : ' (VmHWM could not be reset: both peaks include start-up)'}`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    child.kill('SIGTERM');
    agent.destroy();
  }
}

main().catch((e) => {
  process.stderr.write(`bench:features failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
