/**
 * npm run bench:pmtiles — the PMTiles export (server/tiles/pmtiles) against
 * its baseline, the same tiles rendered through the HTTP server: a fresh
 * app (empty tile cache) on a free port, each tile fetched once with gzip,
 * as many requests in flight as the export renders tiles at once. Both on
 * the benchmark data (scripts/bench/generate.ts), rounds alternated so that
 * PostgreSQL's caches and load from elsewhere weigh on both.
 *
 *   npm run bench:pmtiles
 *   npm run bench:pmtiles -- --maxzoom 13 --rounds 3 --concurrency 4
 *
 * Prints seconds per 10,000 tiles for each, their ratio (export / HTTP;
 * below 1 is faster), and the archive's size against the sum of the gzip
 * tiles the server sent (what deduplication and the directories change).
 */
import { rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createApp } from '../../server/app.ts';
import { connect } from '../../server/db/connect.ts';
import { parseLayers } from '../../server/tiles/params.ts';
import { type Bbox, exportPmtiles, tilesOf } from '../../server/tiles/pmtiles/export.ts';
import { benchDatabase } from './generate.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const MAXZOOM = arg('maxzoom', 11);
const ROUNDS = arg('rounds', 2);
const CONCURRENCY = arg('concurrency', 4);
// Lào Cai province and its border with Yunnan.
const BBOX: Bbox = [103.5, 21.8, 104.6, 22.9];
const log = (m: string) => process.stderr.write(`[bench pmtiles] ${m}\n`);

async function overHttp(url: string, tiles: { z: number; x: number; y: number }[]) {
  const database = connect(url, { max: 4 });
  const app = createApp({
    config: { BODY_LIMIT: '100kb', RETRY_AFTER_S: 5, TILE_PG_POOL_MAX: CONCURRENCY },
    database,
    logger: pino({ level: 'silent' }),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const t0 = performance.now();
  let bytes = 0;
  let next = 0;
  const worker = async () => {
    while (next < tiles.length) {
      const t = tiles[next++]!;
      const res = await fetch(`${base}/tiles/all/${t.z}/${t.x}/${t.y}.mvt`, {
        headers: { 'Accept-Encoding': 'gzip' },
      });
      const body = await res.arrayBuffer();
      // fetch inflates; the wire size is the Content-Length the server sent.
      bytes += Number(res.headers.get('content-length') ?? body.byteLength);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - t0) / 1000;
  // fetch keeps its connections open; close them or close() waits on them.
  const closed = new Promise((r) => server.close(r));
  server.closeAllConnections();
  await closed;
  await app.close();
  await database.close();
  return { seconds, bytes };
}

async function viaExport(url: string, out: string) {
  const database = connect(url, { max: 2 });
  try {
    const r = await exportPmtiles(database, {
      bbox: BBOX,
      minzoom: 0,
      maxzoom: MAXZOOM,
      layers: parseLayers('all'),
      out,
      concurrency: CONCURRENCY,
    });
    return { seconds: r.seconds, bytes: statSync(out).size, r };
  } finally {
    await database.close();
  }
}

async function main() {
  // The tile pool lets the process exit when idle (allowExitOnIdle): closing
  // an app would otherwise end this script half-way, between two rounds.
  const keepAlive = setInterval(() => {}, 60_000);
  try {
    await rounds();
  } finally {
    clearInterval(keepAlive);
  }
}

async function rounds() {
  const url = await benchDatabase();
  const tiles = Array.from({ length: MAXZOOM + 1 }, (_, z) => tilesOf(BBOX, z)).flat();
  const out = path.join(tmpdir(), `bench-${process.pid}.pmtiles`);
  log(
    `${tiles.length} tiles of Lào Cai, z0–${MAXZOOM}, ${CONCURRENCY} at a time, ${ROUNDS} rounds (the machine may be shared)`,
  );
  const http: number[] = [];
  const exp: number[] = [];
  let wire = 0;
  let archive = 0;
  let last: Awaited<ReturnType<typeof viaExport>>['r'] | undefined;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const h = await overHttp(url, tiles);
      const e = await viaExport(url, out);
      http.push(h.seconds);
      exp.push(e.seconds);
      wire = h.bytes;
      archive = e.bytes;
      last = e.r;
      log(`round ${round + 1}: HTTP ${h.seconds.toFixed(2)} s, export ${e.seconds.toFixed(2)} s`);
    }
  } finally {
    rmSync(out, { force: true });
  }
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const per10k = (s: number) => (s * 10_000) / tiles.length;
  console.log(
    `tiles: ${tiles.length} (z0–${MAXZOOM}), ${last?.addressedTiles} with content, ${last?.tileContents} distinct`,
  );
  console.log(`HTTP server (baseline): ${per10k(mean(http)).toFixed(1)} s per 10,000 tiles`);
  console.log(`export:pmtiles:         ${per10k(mean(exp)).toFixed(1)} s per 10,000 tiles`);
  console.log(`ratio export / HTTP:    ${(mean(exp) / mean(http)).toFixed(2)}`);
  console.log(
    `archive: ${(archive / 1024).toFixed(1)} KiB; gzip tiles over HTTP: ${(wire / 1024).toFixed(1)} KiB; ratio ${(archive / wire).toFixed(2)}`,
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    log(`failed: ${e instanceof Error ? e.stack : String(e)}`);
    process.exit(1);
  },
);
