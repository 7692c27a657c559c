/**
 * The database goes away and comes back. This test runs its own PostgreSQL
 * cluster (initdb/pg_ctl, as the machine's postgres user when root) so that
 * stopping it disturbs nothing else.
 */
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Database } from '../server/db/connect.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { startPrivateCluster, stopPrivateCluster } from '../server/db/postgres-local.ts';
import { type Running, startApp } from './helpers.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const dir = path.join(tmpdir(), `border-atlas-outage-${process.pid}-${Date.now().toString(36)}`);
let database: Database;
let app: Running;
let port: number;
const quiet = () => {};

beforeAll(async () => {
  port = await freePort();
  const url = await startPrivateCluster(dir, port, quiet);
  database = connect(url, { max: 4, onError: quiet });
  await migrateToLatest(database.db);
  app = await startApp(database, 7);
});

afterAll(async () => {
  await app?.close();
  await database?.close();
  try {
    stopPrivateCluster(dir);
  } catch {
    // already stopped
  }
  rmSync(dir, { recursive: true, force: true });
});

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

describe('when the database is unreachable', () => {
  it('answers 503 with Retry-After, keeps running, and recovers by itself when it is back', async () => {
    expect((await fetch(`${app.base}/ready`)).status).toBe(200);
    expect((await fetch(`${app.base}/api/search?q=x`)).status).toBe(200);

    stopPrivateCluster(dir);

    const ready = await fetch(`${app.base}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('7');
    expect(ready.headers.get('content-type')).toMatch(/application\/problem\+json/);

    const search = await fetch(`${app.base}/api/search?q=muong`);
    expect(search.status).toBe(503);
    expect(search.headers.get('retry-after')).toBe('7');
    expect((await search.json()).title).toBe('Service unavailable');

    // The process is alive: liveness still answers.
    expect((await fetch(`${app.base}/health`)).status).toBe(200);
    // Bad input is still a 400, not a 503 (it never reaches the database).
    expect((await fetch(`${app.base}/api/search?q=x&limit=-1`)).status).toBe(400);

    await startPrivateCluster(dir, port, quiet);
    const back = await waitFor(async () => (await fetch(`${app.base}/ready`)).status === 200, 30_000);
    expect(back).toBe(true);
    expect((await fetch(`${app.base}/api/search?q=x`)).status).toBe(200);
  });
});
