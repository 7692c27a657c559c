/**
 * Tiles while the database is away: cached tiles keep being served, others
 * are a 503 with Retry-After, the process survives, and when the database is
 * back tiles render again and the data version is followed again. Runs its
 * own PostgreSQL cluster (tests/helpers.ts, privateCluster) so that stopping
 * it disturbs nothing else.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useApp, waitFor } from './helpers.ts';
import { getTile, rawGet, tileOf } from './tiles-helpers.ts';

const app = useApp({
  database: 'cluster',
  retryAfterS: 7,
  setup: async (database) => {
    await sql`INSERT INTO countries (iso3, name, name_vi, geom)
      VALUES ('VNM', 'before', 'before', ST_Multi(ST_MakeEnvelope(104, 19, 106, 21, 4326)))`.execute(
      database.db,
    );
  },
});

const url = (t: { z: number; x: number; y: number }) =>
  `${app.base}/tiles/countries/${t.z}/${t.x}/${t.y}.mvt`;

describe('tiles when the database is unreachable', () => {
  it('serves cached tiles, answers 503 for others, survives, and follows the data again when it is back', async () => {
    const cached = tileOf(105, 20, 6);
    const other = tileOf(105, 20, 7);
    expect((await rawGet(url(cached))).status).toBe(200);

    app.cluster.stop();

    const hit = await rawGet(url(cached));
    expect(hit.status).toBe(200);
    const miss = await rawGet(url(other));
    expect(miss.status).toBe(503);
    expect(miss.headers['retry-after']).toBe('7');
    expect(miss.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await fetch(`${app.base}/health`)).status).toBe(200);

    await app.cluster.start();
    const back = await waitFor(async () => (await rawGet(url(other))).status === 200, 30_000);
    expect(back).toBe(true);

    // The version is followed again (LISTEN re-established, or polling meanwhile).
    const v = await app.database.db.transaction().execute(async (trx) => {
      await sql`UPDATE countries SET name = 'after'`.execute(trx);
      const { rows } = await sql<{ version: string }>`
        UPDATE data_version SET version = version + 1 RETURNING version`.execute(trx);
      return Number(rows[0]!.version);
    });
    await app.version.waitFor(v);
    const { tile } = await getTile(url(cached));
    expect(tile.layers.countries?.feature(0).properties.name).toBe('after');
  });
});
