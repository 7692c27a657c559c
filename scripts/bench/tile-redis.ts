/**
 * npm run bench:tile-redis — a tile from Redis (level 2 of the tile cache,
 * server/tiles/redis-cache.ts) against the PostGIS render it saves, on the
 * benchmark data (scripts/bench/generate.ts).
 *
 *   npm run bench:tile-redis
 *   npm run bench:tile-redis -- --per-zoom 20
 *
 * Two instances of the app (createApp, as two hosts behind a proxy would
 * run it) on the benchmark database share a private redis-server (random
 * port, maxmemory 256mb, allkeys-lru). For each tile of a fixed list
 * (z8–z14, where the data is), one request to instance 1 (a miss
 * everywhere: the PostGIS render, then stored in Redis) and then the same
 * request to instance 2 (a miss in its own cache, answered from Redis).
 * Both are timed end to end over HTTP by this process, one after the other,
 * so load from elsewhere weighs on both alike. Printed: total and median
 * time of each, their ratio (Redis hit / render; lower is better), and the
 * renders each instance made (instance 2 must make none).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { pino } from 'pino';
import { freePort } from '../../scripts/lib/cluster.ts';
import { type App, createApp } from '../../server/app.ts';
import { connect } from '../../server/db/connect.ts';
import { closeRedis, connectRedis, type Redis, waitRedisReady } from '../../server/redis.ts';
import { benchDatabase } from './generate.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const PER_ZOOM = arg('per-zoom', 15);
const log = (m: string) => process.stderr.write(`[bench tile-redis] ${m}\n`);

interface Tile {
  z: number;
  x: number;
  y: number;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory',
      '256mb',
      '--maxmemory-policy',
      'allkeys-lru',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)));
  });
  return child;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(url: string): Promise<{ ms: number; status: number; body: Buffer }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ ms: performance.now() - t0, status: res.statusCode!, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject);
  });
}

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const fmt = (n: number, d = 1) => n.toFixed(d);

async function main(): Promise<void> {
  const url = await benchDatabase();
  const database = connect(url, { max: 4 });
  const tiles: Tile[] = [];
  for (let z = 8; z <= 14; z++) {
    // Tiles of projects at a fixed stride through the table (the generator is seeded: the same every run).
    const { rows } = await sql<Tile>`
      WITH pts AS (SELECT id, ST_Transform(geom, 3857) AS g FROM projects WHERE id % 97 = 0 ORDER BY id),
      tiles AS (
        SELECT DISTINCT ON (x, y) ${z}::int AS z,
          floor((ST_X(g) + 20037508.342789244) / (40075016.68557849 / 2 ^ ${z}))::int AS x,
          floor((20037508.342789244 - ST_Y(g)) / (40075016.68557849 / 2 ^ ${z}))::int AS y, id
        FROM pts ORDER BY x, y, id
      )
      SELECT z, x, y FROM tiles ORDER BY id LIMIT ${PER_ZOOM}`.execute(database.db);
    tiles.push(...rows);
  }
  log(`${tiles.length} tiles across z8–z14`);

  const port = await freePort();
  const redisServer = await startRedis(port);
  const clients: Redis[] = [];
  const apps: { app: App; server: http.Server; base: string }[] = [];
  const stop = async () => {
    for (const a of apps.splice(0)) {
      a.server.closeAllConnections();
      await new Promise((r) => a.server.close(r));
      await a.app.close();
    }
    for (const c of clients.splice(0)) await closeRedis(c);
    redisServer.kill('SIGKILL');
    await database.close();
  };
  try {
    for (let i = 0; i < 2; i++) {
      const logger = pino({ level: 'warn' });
      const redis = connectRedis(`redis://127.0.0.1:${port}`, logger);
      clients.push(redis);
      if (!(await waitRedisReady(redis, 10_000))) throw new Error('redis-server not ready');
      const app = createApp({
        config: { BODY_LIMIT: '1mb', RETRY_AFTER_S: 5, TILE_CACHE_MB: 256 },
        database,
        logger,
        redis,
      });
      const server = app.listen(0, '127.0.0.1');
      await new Promise<void>((r) => server.once('listening', () => r()));
      apps.push({ app, server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    }
    const [one, two] = apps as [(typeof apps)[0], (typeof apps)[0]];
    // Open each instance's tile connections (PROJ set-up etc.) on tiles outside the list.
    for (const t of ['4/12/7', '4/12/6', '4/13/7']) {
      await get(`${one.base}/tiles/all/${t}.mvt`);
      await get(`${two.base}/tiles/all/${t}.mvt`);
    }
    const renders0 = [
      await metric(one.base, 'border_atlas_tile_renders_total'),
      await metric(two.base, 'border_atlas_tile_renders_total'),
    ];
    log('each tile: rendered by instance 1 (stored in Redis), then asked of instance 2');
    const render: number[] = [];
    const fromRedis: number[] = [];
    let differ = 0;
    for (const t of tiles) {
      const path = `/tiles/all/${t.z}/${t.x}/${t.y}.mvt`;
      const a = await get(`${one.base}${path}`);
      const b = await get(`${two.base}${path}`);
      if (a.status !== b.status || !a.body.equals(b.body)) differ++;
      render.push(a.ms);
      fromRedis.push(b.ms);
    }
    const renders = [
      (await metric(one.base, 'border_atlas_tile_renders_total')) - renders0[0]!,
      (await metric(two.base, 'border_atlas_tile_renders_total')) - renders0[1]!,
    ];
    const hits = await metric(two.base, 'border_atlas_tile_redis_hits_total');
    const ratio = sum(fromRedis) / sum(render);
    const out = [
      '',
      `Tile cache level 2: a Redis hit against a PostGIS render, composite 'all', ${tiles.length} tiles z8–z14 on ${url.replace(/\/\/[^@]*@/, '//')}`,
      `render     (instance 1, PostGIS, stored in Redis): total ${fmt(sum(render) / 1000, 2)} s, median ${fmt(median(render), 2)} ms a tile`,
      `redis hit  (instance 2, one Redis round trip):     total ${fmt(sum(fromRedis) / 1000, 2)} s, median ${fmt(median(fromRedis), 2)} ms a tile`,
      `ratio redis hit / render = ${fmt(ratio, 3)} (${fmt(1 / ratio, 1)}× faster); per-tile medians ${fmt(median(fromRedis) / median(render), 3)}`,
      `renders: instance 1 ${renders[0]}, instance 2 ${renders[1]} (must be 0); instance 2's Redis hits ${hits}; answers that differ: ${differ} (must be 0)`,
      '',
    ];
    process.stdout.write(out.join('\n'));
    if (renders[1] !== 0 || differ !== 0) process.exitCode = 1;
  } finally {
    await stop();
  }
}

main().catch((e) => {
  process.stderr.write(`bench:tile-redis failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
