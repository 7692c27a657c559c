/**
 * State shared by instances (issue 13): two instances of the app on one
 * database, each with its own Redis client (server/redis.ts) to a private
 * redis-server this file starts, stops and starts again on its own port.
 * Write rate-limit counters are shared through Redis; with Redis down each
 * instance counts on its own and nothing fails; sessions need no Redis
 * (the cookie is the token, checked against the database).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../server/app.ts';
import { createToken } from '../server/auth/tokens.ts';
import { closeRedis, connectRedis, type Redis, redisReady, waitRedisReady } from '../server/redis.ts';
import { freePort, runDatabase, waitFor } from './helpers.ts';

const LIMIT = 4;
const database = runDatabase();
const logLines: string[] = [];
let redisPort = 0;
let redisServer: ChildProcess | undefined;
const instances: { base: string; redis: Redis; close: () => Promise<void> }[] = [];

async function startRedis(): Promise<void> {
  redisServer = spawn('redis-server', ['--port', String(redisPort), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
}

async function stopRedis(): Promise<void> {
  const s = redisServer;
  if (!s || s.exitCode !== null) return;
  await new Promise<void>((r) => {
    s.once('exit', () => r());
    s.kill('SIGTERM');
  });
}

async function startInstance(): Promise<void> {
  const logger = pino({ level: 'info' }, { write: (s: string) => void logLines.push(s) });
  const redis = connectRedis(`redis://127.0.0.1:${redisPort}`, logger);
  const app = createApp({
    config: { BODY_LIMIT: '100kb', RETRY_AFTER_S: 5, WRITE_RATE_LIMIT: LIMIT },
    database,
    logger,
    redis,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const { port } = server.address() as AddressInfo;
  instances.push({
    base: `http://127.0.0.1:${port}`,
    redis,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await app.close();
      await closeRedis(redis);
    },
  });
}

beforeAll(async () => {
  redisPort = await freePort();
  await startRedis();
  await startInstance();
  await startInstance();
  for (const i of instances) expect(await waitRedisReady(i.redis, 10_000)).toBe(true);
});

afterAll(async () => {
  await Promise.all(instances.map((i) => i.close()));
  await stopRedis();
  await database.close();
});

const base = (n: number) => (instances[n] as { base: string }).base;
const newToken = async () =>
  (await createToken(database.db, { name: `redis-state ${Math.random()}`, role: 'editor' })).token;
/** A write (DELETE /api/session with a bearer token: 204), counted by the write limit. */
const write = (n: number, token: string) =>
  fetch(`${base(n)}/api/session`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });

describe('write rate limits with REDIS_URL', () => {
  it('count one token across two instances against one limit', async () => {
    const t = await newToken();
    const remaining: (string | null)[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const r = await write(i % 2, t);
      expect(r.status).toBe(204);
      remaining.push(r.headers.get('ratelimit'));
    }
    expect(remaining.map((h) => h?.match(/r=(\d+)/)?.[1])).toEqual(['3', '2', '1', '0']);
    // Either instance now refuses: the count is the shared one.
    for (const n of [0, 1]) {
      const over = await write(n, t);
      expect(over.status).toBe(429);
      expect(over.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('fall back to per-process counters while Redis is down (never a 500), logged once, and share again after', async () => {
    const from = logLines.length;
    await stopRedis();
    expect(await waitFor(async () => instances.every((i) => !redisReady(i.redis)), 10_000)).toBe(true);

    const t = await newToken();
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) statuses.push((await write(0, t)).status);
    statuses.push((await write(0, t)).status);
    expect(statuses).toEqual([204, 204, 204, 204, 429]);
    // Instance 2 counted nothing of instance 1's: its own memory.
    const other = await write(1, t);
    expect(other.status).toBe(204);
    expect(other.headers.get('ratelimit')).toMatch(/r=3;/);
    const since = logLines.slice(from);
    const fallbacks = since.filter((l) => l.includes('rate limits counted in this process'));
    expect(fallbacks).toHaveLength(2); // once per instance, not once per write
    expect(since.filter((l) => l.includes('redis down'))).toHaveLength(2);

    await startRedis();
    for (const i of instances) expect(await waitRedisReady(i.redis, 15_000)).toBe(true);
    const t2 = await newToken();
    expect((await write(0, t2)).headers.get('ratelimit')).toMatch(/r=3;/);
    expect((await write(1, t2)).headers.get('ratelimit')).toMatch(/r=2;/);
    expect(logLines.filter((l) => l.includes('rate limits shared through Redis again'))).toHaveLength(2);
  });
});

describe('sessions across instances', () => {
  it('a sign-in on one instance is a session on the other (the cookie is the token; nothing kept in a process)', async () => {
    const t = await newToken();
    const signIn = await fetch(`${base(0)}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: t }),
    });
    expect(signIn.status).toBe(200);
    const { csrf } = (await signIn.json()) as { csrf: string };
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');

    const who = await fetch(`${base(1)}/api/session`, { headers: { cookie } });
    expect(who.status).toBe(200);
    expect(((await who.json()) as { csrf: string }).csrf).toBe(csrf);
    // The CSRF token made by instance 1 is accepted by instance 2 (its key is in app_secrets).
    const out = await fetch(`${base(1)}/api/session`, {
      method: 'DELETE',
      headers: { cookie, 'x-csrf-token': csrf, origin: base(1), 'sec-fetch-site': 'same-origin' },
    });
    expect(out.status).toBe(204);
  });
});
