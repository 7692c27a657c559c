/**
 * Level 2 of the tile cache (server/tiles/redis-cache.ts): two instances of
 * the app on one seeded scratch database, sharing a redis-server of this
 * file's own (random port, no persistence, maxmemory with allkeys-lru as
 * docs/architecture.md asks of a production Redis). Renders are counted in
 * each instance's /metrics: a tile one instance rendered is served by the
 * other from Redis without a render; concurrent misses on both render once;
 * a write through one is never served stale by the other; Redis stopped →
 * tiles still come (in-process cache, PostGIS) and each instance logs it
 * once; Redis back → level 2 is used again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { pino } from 'pino';
import { Counter } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../server/app.ts';
import { closeRedis, connectRedis, type Redis, waitRedisReady } from '../server/redis.ts';
import { decodeTile, RedisTileCache } from '../server/tiles/redis-cache.ts';
import { dataVersion, newMarket, pickCommune, seedWithTokens, send } from './edit-support.ts';
import { freePort, scratchDatabase, waitFor } from './helpers.ts';
import { rawGet, tileOf } from './tiles-helpers.ts';

interface Instance {
  app: App;
  redis: Redis;
  server: Server;
  base: string;
  lines: string[];
}

let redisPort = 0;
let redis: ChildProcess | undefined;
let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
const instances: Instance[] = [];

/** A private redis-server (as a production one should run: bounded memory, LRU over all keys). */
async function startRedis(): Promise<void> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(redisPort),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory',
      '64mb',
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
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out.slice(-500)}`)));
  });
  redis = child;
}

async function stopRedis(): Promise<void> {
  const child = redis;
  redis = undefined;
  if (!child || child.exitCode !== null) return;
  await new Promise((r) => {
    child.once('exit', r);
    child.kill('SIGKILL');
  });
}

async function startInstance(): Promise<Instance> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  // As server/main.ts does with REDIS_URL: one client per process, handed to the app.
  const redis = connectRedis(`redis://127.0.0.1:${redisPort}`, logger);
  const app = createApp({
    config: {
      BODY_LIMIT: '100kb',
      RETRY_AFTER_S: 5,
      // Long enough that a slow render on a busy machine is still waited for.
      REDIS_TILE_LOCK_MS: 30_000,
    },
    database: scratch.database,
    logger,
    redis,
  });
  const server = app.listen(0, '127.0.0.1');
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => server.once('listening', () => r()));
  expect(await waitRedisReady(redis, 10_000)).toBe(true);
  return { app, redis, server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lines };
}

beforeAll(async () => {
  redisPort = await freePort();
  await startRedis();
  scratch = await scratchDatabase();
  await seedWithTokens(scratch.database);
  await pickCommune(scratch.database);
  instances.push(await startInstance(), await startInstance());
});

afterAll(async () => {
  for (const i of instances.splice(0)) {
    await new Promise<void>((r) => {
      i.server.closeAllConnections();
      i.server.close(() => r());
    });
    await i.app.close();
    await closeRedis(i.redis);
  }
  await stopRedis();
  await scratch?.drop();
});

/** A counter of an instance's /metrics. */
async function metric(i: Instance, name: string): Promise<number> {
  const text = await (await fetch(`${i.base}/metrics`)).text();
  const m = new RegExp(`^${name} (\\d+)`, 'm').exec(text);
  if (!m) throw new Error(`${name} is not in /metrics`);
  return Number(m[1]);
}

const renders = (i: Instance) => metric(i, 'border_atlas_tile_renders_total');
const redisHits = (i: Instance) => metric(i, 'border_atlas_tile_redis_hits_total');

const tileUrl = (i: Instance, layers: string, t: { z: number; x: number; y: number }) =>
  `${i.base}/tiles/${layers}/${t.z}/${t.x}/${t.y}.mvt`;

const gz = { 'Accept-Encoding': 'gzip' };

describe('tile cache level 2 (Redis) across two instances', () => {
  it('serves on instance 2 a tile instance 1 rendered, with no render of its own', async () => {
    const [one, two] = instances as [Instance, Instance];
    const t = tileOf(105.85, 21.03, 8);
    const before = [await renders(one), await renders(two), await redisHits(two)];
    const first = await rawGet(tileUrl(one, 'all', t), gz);
    expect(first.status).toBe(200);
    expect(await renders(one)).toBe(before[0]! + 1);

    const second = await rawGet(tileUrl(two, 'all', t), gz);
    expect(second.status).toBe(200);
    expect(second.body.equals(first.body)).toBe(true);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(await renders(two)).toBe(before[1]);
    expect(await redisHits(two)).toBe(before[2]! + 1);
    // Now in instance 2's own cache: the same bytes uncompressed too.
    const plain = await rawGet(tileUrl(two, 'all', t));
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(gunzipSync(first.body))).toBe(true);
  });

  it('shares WorldCRS84Quad tiles too, filed apart from the /tiles tile of the same z/x/y', async () => {
    const [one, two] = instances as [Instance, Instance];
    // Matrix 8 of WorldCRS84Quad is addressed as z 9 inside (server/tiles/grid.ts): the /tiles tile
    // 9/{col}/{row} has the very numbers, and must not be served for it, nor it for that one.
    const m = 8;
    const size = 180 / 2 ** m;
    const col = Math.floor((105.85 + 180) / size);
    const row = Math.floor((90 - 21.03) / size);
    const ogc = (i: Instance) => `${i.base}/ogc/collections/all/tiles/WorldCRS84Quad/${m}/${row}/${col}`;
    const before = [await renders(one), await renders(two), await redisHits(two)];
    const first = await rawGet(ogc(one), gz);
    expect(first.status).toBe(200);
    expect(await renders(one)).toBe(before[0]! + 1);
    const second = await rawGet(ogc(two), gz);
    expect(second.body.equals(first.body)).toBe(true);
    expect([await renders(two), await redisHits(two)]).toEqual([before[1], before[2]! + 1]);

    const same = await rawGet(tileUrl(two, 'all', { z: m + 1, x: col, y: row }), gz);
    expect(same.headers.etag).not.toBe(first.headers.etag);
    expect(await renders(two)).toBe(before[1]! + 1);
  });

  it('renders a tile once when both instances miss it at the same time', async () => {
    const [one, two] = instances as [Instance, Instance];
    const t = tileOf(104.5, 21.9, 9);
    const before = (await renders(one)) + (await renders(two));
    const answers = await Promise.all(
      [one, two, one, two, two, one].map((i) => rawGet(tileUrl(i, 'all', t), gz)),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    for (const a of answers) expect(a.body.equals(answers[0]!.body)).toBe(true);
    expect((await renders(one)) + (await renders(two))).toBe(before + 1);
  });

  it('never serves on instance 2 the tile of before a write made through instance 1', async () => {
    const [one, two] = instances as [Instance, Instance];
    const t = tileOf(103.96, 22.5, 12);
    const names = (body: Buffer) => {
      if (body.length === 0) return []; // 204: no market there yet
      const tile = new VectorTile(new PbfReader(gunzipSync(body)));
      const layer = tile.layers.markets;
      return Array.from({ length: layer?.length ?? 0 }, (_, k) => layer!.feature(k).properties.name);
    };
    const old1 = await rawGet(tileUrl(one, 'markets', t), gz);
    const old2 = await rawGet(tileUrl(two, 'markets', t), gz);
    expect(old2.body.equals(old1.body)).toBe(true);
    expect(names(old2.body)).not.toContain('Chợ biên giới Redis');

    const created = await send(
      one.base,
      'POST',
      '/ogc/collections/projects/items',
      'editor',
      newMarket({ name: 'Chợ biên giới Redis' }),
    );
    expect(created.status, created.text).toBe(201);
    await two.app.version.waitFor(await dataVersion(scratch.database));

    const fresh = await rawGet(tileUrl(two, 'markets', t), gz);
    expect(fresh.status).toBe(200);
    expect(fresh.body.equals(old2.body)).toBe(false);
    expect(names(fresh.body)).toContain('Chợ biên giới Redis');
  });

  it('goes on without Redis, logs it once, and uses it again when it is back', async () => {
    const [one, two] = instances as [Instance, Instance];
    const cached = tileOf(105.85, 21.03, 8);
    expect((await rawGet(tileUrl(two, 'all', cached), gz)).status).toBe(200); // now in instance 2's own cache
    await stopRedis();
    const downLines = (i: Instance) => i.lines.filter((l) => l.includes('redis down')).length;
    expect(await waitFor(async () => downLines(one) > 0 && downLines(two) > 0, 10_000)).toBe(true);

    const before = await renders(two);
    expect((await rawGet(tileUrl(two, 'all', cached), gz)).status).toBe(200);
    expect(await renders(two)).toBe(before);
    for (const [k, z] of [7, 10, 11].entries()) {
      const t = tileOf(106.2 + k / 10, 20.9, z);
      expect((await rawGet(tileUrl(two, 'all', t), gz)).status).toBe(200);
      expect((await rawGet(tileUrl(one, 'all', t), gz)).status).toBe(200);
    }
    // Both rendered them (no level 2 now), and each said once that Redis is down.
    expect(await renders(two)).toBe(before + 3);
    expect(downLines(one)).toBe(1);
    expect(downLines(two)).toBe(1);
    const downErrors = one.lines.concat(two.lines).filter((l) => /"level":50|"level":60/.test(l));
    expect(downErrors).toEqual([]);

    const upLines = (i: Instance) => i.lines.filter((l) => l.includes('redis up')).length;
    expect([upLines(one), upLines(two)]).toEqual([1, 1]);
    await startRedis();
    // Each client reconnects by itself (server/redis.ts: backoff capped at 2 s) and says so once.
    expect(await waitFor(async () => upLines(one) === 2 && upLines(two) === 2, 20_000)).toBe(true);
    const t = tileOf(107.6, 21.5, 12);
    expect((await rawGet(tileUrl(one, 'all', t), gz)).status).toBe(200);
    const [r0, h0] = [await renders(two), await redisHits(two)];
    expect((await rawGet(tileUrl(two, 'all', t), gz)).status).toBe(200);
    expect(await renders(two)).toBe(r0);
    expect(await redisHits(two)).toBe(h0 + 1);
    expect(downLines(one)).toBe(1);
    expect(downLines(two)).toBe(1);
  });

  it('files a render under the version its own statement read, never under the version asked', async () => {
    const client = instances[0]!.redis;
    const counter = (name: string) => new Counter({ name, help: name, registers: [] });
    const counters = {
      hits: counter('h'),
      misses: counter('m'),
      waited: counter('w'),
      errors: counter('e'),
    };
    const l2 = new RedisTileCache(client, scratch.database.db, { ttlS: 60, lockMs: 1000 }, counters);
    const tile = { gzip: gzipSync(Buffer.from('mvt')), bytes: 3, etag: 'W/"t"' };
    const id = `test-${Date.now()}/1/0/0`;
    // Asked at 5, the render read 6 (an edit committed in between): the bytes are version 6's.
    const r = await l2.through(5, id, async () => ({ version: 6, tile }));
    expect(r).toMatchObject({ version: 6, source: 'render' });
    expect(await client.exists(await l2.key(5, id))).toBe(0);
    const stored = await client.getBuffer(await l2.key(6, id));
    expect(decodeTile(stored!)).toEqual(tile);
    expect(await client.ttl(await l2.key(6, id))).toBeGreaterThan(0);
    // Asked at 6 now: from Redis, no render.
    const again = await l2.through(6, id, () => Promise.reject(new Error('must not render')));
    expect(again.source).toBe('redis');
    expect(again.tile).toEqual(tile);
  });
});
