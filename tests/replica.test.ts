/**
 * Read replicas (issue 13) on a real streaming standby: a private primary
 * (tests/helpers.ts, privateCluster), seeded; `pg_basebackup -R` of it into
 * a second directory, started as a hot standby on another port, both as the
 * postgres user. The app runs with DATABASE_URL = the primary and
 * DATABASE_READ_URL = the standby (server/db/replica.ts).
 *
 * Shown here: reads run on the standby (its pg_stat_activity has the tile
 * and API sessions, the primary has no tile session), writes on the
 * primary; with the standby's replay paused (replication lag held open),
 * a write's new version is never answered with the old data: the reads go
 * to the primary; once replay resumes, the standby renders the new data;
 * a stopped standby leaves reads on the primary, and they return to it
 * when it is back.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../server/app.ts';
import { ConfigError, loadConfig } from '../server/config.ts';
import { connect, type Database } from '../server/db/connect.ts';
import { findPgBin, startPrivateCluster, stopPrivateCluster } from '../server/db/postgres-local.ts';
import { readUrls } from '../server/db/replica.ts';
import { dataVersion, newMarket, pickCommune, seedWithTokens, send } from './edit-support.ts';
import { freePort, type PrivateCluster, privateCluster, waitFor } from './helpers.ts';
import { getTile, tileOf } from './tiles-helpers.ts';

const MARKET = newMarket().properties.name;
const [LON, LAT] = [103.96, 22.5];

let primary: PrivateCluster;
let standbyDir = '';
let standbyUrl = '';
let standbyPort = 0;
let database: Database;
let app: App;
let server: Server;
let base = '';
const replicaLog: string[] = [];

function asPostgres(cmd: string, args: string[]): void {
  const argv = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', cmd, ...args] : [cmd, ...args];
  execFileSync(argv[0]!, argv.slice(1), { stdio: 'pipe' });
}

/** One statement on one server, on a connection of its own. */
async function on<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(text)).rows;
  } finally {
    await c.end();
  }
}

const versionOn = async (url: string) =>
  Number((await on<{ v: string }>(url, 'SELECT version AS v FROM data_version'))[0]!.v);

/** The service's sessions on a server, by application_name. */
async function sessions(url: string): Promise<Record<string, number>> {
  const rows = await on<{ name: string; n: number }>(
    url,
    `SELECT application_name AS name, count(*)::int AS n FROM pg_stat_activity
     WHERE application_name LIKE 'border-atlas%' GROUP BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.n]));
}

/** Read connections handed out so far, by `to` and `reason` (the counter /metrics shows). */
async function reads(): Promise<{ replica: number; behind: number; down: number }> {
  const { values } = await database.read.replicas!.reads.get();
  const sum = (f: (l: Record<string, unknown>) => boolean) =>
    values.filter((v) => f(v.labels)).reduce((s, v) => s + v.value, 0);
  return {
    replica: sum((l) => l.to === 'replica'),
    behind: sum((l) => l.to === 'primary' && l.reason === 'behind'),
    down: sum((l) => l.to === 'primary' && l.reason === 'down'),
  };
}

/** Names of the features in tile z/x/y of all layers, over every MVT layer. */
async function namesInTile(z: number): Promise<string[]> {
  const t = tileOf(LON, LAT, z);
  const { res, tile } = await getTile(`${base}/tiles/all/${t.z}/${t.x}/${t.y}.mvt`);
  expect(res.status).toBe(200);
  const names: string[] = [];
  for (const layer of Object.values(tile.layers))
    for (let i = 0; i < layer.length; i++) names.push(String(layer.feature(i).properties.name ?? ''));
  return names;
}

async function matched(layer: string, limit: number): Promise<number> {
  const r = await fetch(`${base}/ogc/collections/${layer}/items?limit=${limit}`);
  expect(r.status).toBe(200);
  return (await r.json()).numberMatched;
}

async function setUp(): Promise<void> {
  primary = await privateCluster();
  await seedWithTokens(primary.database);
  await pickCommune(primary.database);
  // The standby: a base backup of the seeded primary, -R writes standby.signal and primary_conninfo.
  standbyDir = path.join(tmpdir(), `border-atlas-standby-${process.pid}-${Date.now().toString(36)}`);
  standbyPort = await freePort();
  const primaryPort = new URL(primary.url).port;
  asPostgres(`${findPgBin()}/pg_basebackup`, [
    ...['-h', '127.0.0.1', '-p', primaryPort, '-U', 'postgres'],
    ...['-D', standbyDir, '-R', '-X', 'stream', '-c', 'fast'],
  ]);
  standbyUrl = await startPrivateCluster(standbyDir, standbyPort, () => {});
  database = connect(primary.url, {
    max: 4,
    readUrls: [standbyUrl],
    replicaOptions: {
      retryMs: 300,
      onDown: (r) => replicaLog.push(`down ${r}`),
      onUp: (r) => replicaLog.push(`up ${r}`),
    },
  });
  app = createApp({
    config: { BODY_LIMIT: '100kb', RETRY_AFTER_S: 5 },
    database,
    logger: pino({ level: 'silent' }),
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function tearDown(): Promise<void> {
  await new Promise<void>((r) => {
    server?.closeAllConnections();
    server ? server.close(() => r()) : r();
  });
  await app?.close();
  await database?.close();
  if (standbyDir) {
    try {
      stopPrivateCluster(standbyDir);
    } catch {
      // already stopped
    }
    rmSync(standbyDir, { recursive: true, force: true });
  }
  await primary?.remove();
}

describe('DATABASE_READ_URL on a streaming standby', () => {
  beforeAll(setUp);
  afterAll(tearDown);

  it('is a hot standby of the primary, with its data', async () => {
    expect((await on<{ r: boolean }>(standbyUrl, 'SELECT pg_is_in_recovery() AS r'))[0]!.r).toBe(true);
    expect((await on<{ r: boolean }>(primary.url, 'SELECT pg_is_in_recovery() AS r'))[0]!.r).toBe(false);
    expect(await versionOn(standbyUrl)).toBe(await versionOn(primary.url));
  });

  it('reads tiles, feature pages, single features, statistics and search on the standby', async () => {
    const before = await reads();
    expect((await namesInTile(8)).length).toBeGreaterThan(0);
    const page = await fetch(`${base}/ogc/collections/projects/items?limit=3`);
    expect(page.status).toBe(200);
    const id = (await page.json()).features[0].id;
    expect((await fetch(`${base}/ogc/collections/projects/items/${id}`)).status).toBe(200);
    expect((await fetch(`${base}/api/stats/investment?by=province`)).status).toBe(200);
    expect((await fetch(`${base}/api/search?q=lao%20cai`)).status).toBe(200);
    const after = await reads();
    expect(after.replica).toBeGreaterThanOrEqual(before.replica + 5);
    expect(after.behind + after.down).toBe(before.behind + before.down);
    // The standby itself has the service's tile and API sessions; the primary renders no tile.
    const onStandby = await sessions(standbyUrl);
    expect(onStandby['border-atlas-tiles']).toBeGreaterThan(0);
    expect(onStandby['border-atlas']).toBeGreaterThan(0);
    expect((await sessions(primary.url))['border-atlas-tiles'] ?? 0).toBe(0);
    // And /metrics says so.
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(
      /border_atlas_read_connections_total\{to="replica"\} [1-9]/,
    );
  });

  it('writes on the primary; while the standby lags, the new version is read on the primary, never the old data', async () => {
    // Replay paused: the standby stays at the old version for as long as the test needs.
    await on(standbyUrl, 'SELECT pg_wal_replay_pause()');
    expect(
      await waitFor(
        async () =>
          (await on<{ s: string }>(standbyUrl, 'SELECT pg_get_wal_replay_pause_state() AS s'))[0]!.s ===
          'paused',
        30_000,
      ),
    ).toBe(true);
    const v0 = await versionOn(primary.url);
    expect(await namesInTile(14)).not.toContain(MARKET);
    const markets0 = await matched('markets', 7);

    const created = await send(base, 'POST', '/ogc/collections/projects/items', 'editor', newMarket());
    expect(created.status, created.text).toBe(201);
    const v1 = await dataVersion(primary.database);
    expect(v1).toBeGreaterThan(v0);
    await app.version.waitFor(v1);
    // The write is on the primary only: the standby has not replayed it.
    expect(await versionOn(standbyUrl)).toBe(v0);

    const before = await reads();
    // The same tile, keyed by the new version: rendered on the primary, with the new market.
    expect(await namesInTile(14)).toContain(MARKET);
    expect(await matched('markets', 7)).toBe(markets0 + 1);
    const id = String(created.headers.get('location')).split('/').pop();
    expect((await fetch(`${base}/ogc/collections/projects/items/${id}`)).status).toBe(200);
    const lagging = await reads();
    expect(lagging.behind).toBeGreaterThan(before.behind);
    expect(lagging.replica).toBe(before.replica);

    // Replay resumes; once the standby has the new version, it renders the new data itself.
    await on(standbyUrl, 'SELECT pg_wal_replay_resume()');
    expect(await waitFor(async () => (await versionOn(standbyUrl)) >= v1, 60_000)).toBe(true);
    const caught = await reads();
    expect(await namesInTile(13)).toContain(MARKET);
    const after = await reads();
    expect(after.replica).toBe(caught.replica + 1);
    expect(after.behind).toBe(caught.behind);
  });

  it('keeps reading on the primary while the standby is stopped, and goes back to it when it returns', async () => {
    stopPrivateCluster(standbyDir);
    const before = await reads();
    expect(await namesInTile(12)).toContain(MARKET);
    expect(await matched('markets', 8)).toBeGreaterThan(0);
    expect((await fetch(`${base}/api/stats/investment?by=category`)).status).toBe(200);
    const down = await reads();
    expect(down.down).toBeGreaterThan(before.down);
    expect(down.replica).toBe(before.replica);
    expect(replicaLog).toEqual([`down 127.0.0.1:${standbyPort}/postgres`]);

    await startPrivateCluster(standbyDir, standbyPort, () => {});
    // Each poll asks for a page not asked before (no answer cache), until one is read on the standby.
    let limit = 20;
    const back = await waitFor(async () => {
      const n = (await reads()).replica;
      await matched('markets', limit++);
      return (await reads()).replica > n;
    }, 60_000);
    expect(back).toBe(true);
    expect(replicaLog).toEqual([
      `down 127.0.0.1:${standbyPort}/postgres`,
      `up 127.0.0.1:${standbyPort}/postgres`,
    ]);
  });
});

describe('DATABASE_READ_URL in the configuration', () => {
  it('is empty by default (every read on the primary), one URL or a comma-separated list', () => {
    expect(loadConfig({}).DATABASE_READ_URL).toBe('');
    expect(readUrls(loadConfig({}).DATABASE_READ_URL)).toEqual([]);
    const two = loadConfig({ DATABASE_READ_URL: 'postgres://a:5432/x, postgresql://u@b:5433/x' });
    expect(readUrls(two.DATABASE_READ_URL)).toEqual(['postgres://a:5432/x', 'postgresql://u@b:5433/x']);
  });

  it('refuses what is not a postgres:// URL, naming the variable', () => {
    for (const bad of ['mysql://a/x', 'postgres://a/x,standby', 'postgres://a b/x'])
      expect(() => loadConfig({ DATABASE_READ_URL: bad })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_READ_URL: 'db2' })).toThrow(/DATABASE_READ_URL="db2"/);
  });
});
