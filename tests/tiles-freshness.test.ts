/**
 * Nothing stale is served: tiles are cached under the data version, which
 * seeding, imports and writes bump; each server process learns a bump from
 * LISTEN/NOTIFY, or by polling when it cannot listen. On a scratch database
 * of this file's own.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DataVersion } from '../server/db/data-version.ts';
import { freePort, useApp } from './helpers.ts';
import { getTile, tileOf } from './tiles-helpers.ts';

const TILE = tileOf(105, 20, 6);

const app = useApp({
  database: 'scratch',
  setup: async (database) => {
    await sql`INSERT INTO countries (iso3, name, name_vi, geom)
      VALUES ('VNM', 'first', 'first', ST_Multi(ST_MakeEnvelope(104, 19, 106, 21, 4326)))`.execute(
      database.db,
    );
  },
});

async function countryName(): Promise<unknown> {
  const { tile } = await getTile(`${app.base}/tiles/countries/${TILE.z}/${TILE.x}/${TILE.y}.mvt`);
  return tile.layers.countries?.feature(0).properties.name;
}

/** What a seed or an import does: change data and bump the version, in one transaction. */
async function write(name: string): Promise<number> {
  return app.database.db.transaction().execute(async (trx) => {
    await sql`UPDATE countries SET name = ${name}`.execute(trx);
    const { rows } = await sql<{ version: string }>`
      UPDATE data_version SET version = version + 1 RETURNING version`.execute(trx);
    return Number(rows[0]!.version);
  });
}

describe('tile freshness', () => {
  it('a bump of data_version is announced on the data_version channel with the new version', async () => {
    const client = new pg.Client(app.url);
    await client.connect();
    try {
      await client.query('LISTEN data_version');
      const heard = new Promise<string | undefined>((r) => client.once('notification', (m) => r(m.payload)));
      const v = await write('announced');
      expect(await heard).toBe(String(v));
    } finally {
      await client.end();
    }
  });

  it('serves the cached tile while the version stands, and a fresh one right after a bump', async () => {
    const before = await countryName();
    // A change without a bump is not seen: the tile comes from the cache.
    await sql`UPDATE countries SET name = 'unannounced'`.execute(app.database.db);
    expect(await countryName()).toBe(before);

    const v = await write('second');
    await app.version.waitFor(v);
    expect(await countryName()).toBe('second');
  });

  it('keeps following the version after its LISTEN connection is killed', async () => {
    await countryName();
    const { rows } = await sql<{ ended: boolean }>`
      SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
      WHERE application_name = 'border-atlas-data-version' AND datname = current_database()`.execute(
      app.database.db,
    );
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.every((r) => r.ended)).toBe(true);
    const v = await write('third');
    await app.version.waitFor(v);
    expect(await countryName()).toBe('third');
  });

  it('follows the version by polling when it cannot LISTEN', async () => {
    const closed = await freePort();
    const version = new DataVersion(app.database.pool, {
      pollMs: 100,
      listenConfig: { host: '127.0.0.1', port: closed, user: 'postgres', connectionTimeoutMillis: 1000 },
    });
    try {
      await version.ready();
      expect(version.mode).toBe('polling');
      const { rows } = await sql<{ version: string }>`SELECT version FROM data_version`.execute(
        app.database.db,
      );
      expect(version.current).toBe(Number(rows[0]!.version));
      const v = await write('polled');
      await version.waitFor(v);
      expect(version.current).toBe(v);
    } finally {
      await version.stop();
    }
  });
});

describe('the one data version, shared by features', () => {
  const matched = async (iso3: string): Promise<number> => {
    const filter = encodeURIComponent(`iso3 = '${iso3}'`);
    const res = await fetch(`${app.base}/ogc/collections/countries/items?limit=1&filter=${filter}`);
    expect(res.status).toBe(200);
    return (await res.json()).numberMatched;
  };

  it('counts features afresh once the listener has the new version (the count is cached per version)', async () => {
    expect(await matched('XCT')).toBe(0);
    // Far from the tile the tests above read.
    const v = await app.database.db.transaction().execute(async (trx) => {
      await sql`INSERT INTO countries (iso3, name, name_vi, geom)
        VALUES ('XCT', 'counted', 'counted', ST_Multi(ST_MakeEnvelope(80, 10, 81, 11, 4326)))`.execute(trx);
      const { rows } = await sql<{ version: string }>`
        UPDATE data_version SET version = version + 1 RETURNING version`.execute(trx);
      return Number(rows[0]!.version);
    });
    await app.version.waitFor(v);
    expect(await matched('XCT')).toBe(1);
  });

  it('reads the version from the database while it cannot LISTEN, never one a poll interval old', async () => {
    const closed = await freePort();
    // A poll interval far longer than the test: only a read through the database can see the write.
    const version = new DataVersion(app.database.pool, {
      pollMs: 600_000,
      listenConfig: { host: '127.0.0.1', port: closed, user: 'postgres', connectionTimeoutMillis: 1000 },
    });
    try {
      const before = await version.read();
      expect(version.mode).toBe('polling');
      const v = await write('read through');
      expect(v).toBeGreaterThan(before);
      expect(await version.read()).toBe(v);
      expect(version.current).toBe(v);
    } finally {
      await version.stop();
    }
  });
});
