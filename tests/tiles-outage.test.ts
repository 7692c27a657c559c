/**
 * Tiles while the database is away: cached tiles keep being served, others
 * are a 503 with Retry-After, the process survives, and when the database is
 * back tiles render again and the data version is followed again. Runs its
 * own PostgreSQL cluster (as tests/outage.test.ts does) so that stopping it
 * disturbs nothing else.
 */
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Database } from '../server/db/connect.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { startPrivateCluster, stopPrivateCluster } from '../server/db/postgres-local.ts';
import { startApp } from './helpers.ts';
import { getTile, rawGet, tileOf } from './tiles-helpers.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const dir = path.join(tmpdir(), `border-atlas-tiles-outage-${process.pid}-${Date.now().toString(36)}`);
let database: Database;
let app: Awaited<ReturnType<typeof startApp>>;
let port: number;
const quiet = () => {};

beforeAll(async () => {
  port = await freePort();
  const url = await startPrivateCluster(dir, port, quiet);
  database = connect(url, { max: 4, onError: quiet });
  await migrateToLatest(database.db);
  await sql`INSERT INTO countries (iso3, name, name_vi, geom)
    VALUES ('VNM', 'before', 'before', ST_Multi(ST_MakeEnvelope(104, 19, 106, 21, 4326)))`.execute(
    database.db,
  );
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

const url = (t: { z: number; x: number; y: number }) =>
  `${app.base}/tiles/countries/${t.z}/${t.x}/${t.y}.mvt`;

describe('tiles when the database is unreachable', () => {
  it('serves cached tiles, answers 503 for others, survives, and follows the data again when it is back', async () => {
    const cached = tileOf(105, 20, 6);
    const other = tileOf(105, 20, 7);
    expect((await rawGet(url(cached))).status).toBe(200);

    stopPrivateCluster(dir);

    const hit = await rawGet(url(cached));
    expect(hit.status).toBe(200);
    const miss = await rawGet(url(other));
    expect(miss.status).toBe(503);
    expect(miss.headers['retry-after']).toBe('7');
    expect(miss.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await fetch(`${app.base}/health`)).status).toBe(200);

    await startPrivateCluster(dir, port, quiet);
    const back = await waitFor(async () => (await rawGet(url(other))).status === 200, 30_000);
    expect(back).toBe(true);

    // The version is followed again (LISTEN re-established, or polling meanwhile).
    const v = await database.db.transaction().execute(async (trx) => {
      await sql`UPDATE countries SET name = 'after'`.execute(trx);
      const { rows } = await sql<{ version: string }>`
        UPDATE data_version SET version = version + 1 RETURNING version`.execute(trx);
      return Number(rows[0]!.version);
    });
    await app.tiles.version.waitFor(v);
    const { tile } = await getTile(url(cached));
    expect(tile.layers.countries?.feature(0).properties.name).toBe('after');
  });
});
