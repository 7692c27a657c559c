/**
 * Report answers are cached per data version (server/analysis/cache.ts):
 * while the version stands the same request is answered from memory (a
 * change made without a bump is not seen, which shows the cache is used),
 * and the first request after a bump shows the change. On a scratch
 * database: one province with a boundary, one stretch of border with China,
 * one project.
 */
import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { DB } from '../server/db/types.ts';
import { useApp } from './helpers.ts';

const app = useApp({
  database: 'scratch',
  setup: async ({ db }) => {
    await sql`INSERT INTO countries (iso3, name, name_vi, geom) VALUES
      ('VNM', 'Viet Nam', 'Việt Nam', ST_Multi(ST_MakeEnvelope(104, 20, 106, 22, 4326))),
      ('CHN', 'China', 'Trung Quốc', ST_Multi(ST_MakeEnvelope(104, 22, 106, 24, 4326)))`.execute(db);
    await sql`INSERT INTO admin_units (slug, code, name, kind, level, boundary, boundary_precision, valid_from, origin)
      VALUES ('tinh-thu', '99', 'Tỉnh Thử', 'tỉnh', 'province', ST_Multi(ST_MakeEnvelope(104, 20, 106, 22, 4326)),
              'schematic', '2025-07-01', 'test')`.execute(db);
    await sql`INSERT INTO border_segments (neighbour, part, geom, length_m)
      SELECT 'CHN', 1, g, ST_Length(g::geography)
      FROM (SELECT ST_MakeLine(ST_Point(104.2, 22, 4326), ST_Point(104.6, 22, 4326)) AS g) s`.execute(db);
    await addProject(db, 'du-an-1', 100);
  },
});

async function addProject(db: Kysely<DB>, slug: string, investment: number): Promise<void> {
  await sql`INSERT INTO projects (slug, name, category, investment_bn_vnd, unit_id, geom, precision, origin)
    SELECT ${slug}, ${slug}, 'market', ${investment}, id, ST_Point(105, 21, 4326), 'surveyed', 'test'
    FROM admin_units WHERE slug = 'tinh-thu'`.execute(db);
}

/** What every write path does at its commit (server/import/write.ts): bump the version; resolves once the app knows. */
async function bump(): Promise<void> {
  const { rows } = await sql<{ version: string }>`
    UPDATE data_version SET version = version + 1 RETURNING version`.execute(app.database.db);
  await app.version.waitFor(Number(rows[0]!.version));
}

async function get(path: string): Promise<{ body: string; timing: string | null; type: string | null }> {
  const res = await fetch(`${app.base}${path}`);
  expect(res.status).toBe(200);
  return {
    body: await res.text(),
    timing: res.headers.get('server-timing'),
    type: res.headers.get('content-type'),
  };
}

interface Investment {
  totals: { count: number; investment_bn_vnd: number };
}

describe('report cache', () => {
  it('answers from the cache while the data version stands, and afresh after a bump', async () => {
    const path = '/api/stats/investment?by=category';
    const first = await get(path);
    expect((JSON.parse(first.body) as Investment).totals).toMatchObject({ count: 1, investment_bn_vnd: 100 });
    expect(first.timing).not.toMatch(/cache;desc="hit"/);
    expect(first.timing).toMatch(/db;dur=/);

    // Written without a bump: the version stands, so the cached answer does too.
    await addProject(app.database.db, 'du-an-2', 50);
    const again = await get(path);
    expect(again.body).toBe(first.body);
    expect(again.timing).toMatch(/cache;desc="hit"/);

    await bump();
    const after = await get(path);
    expect(after.timing).not.toMatch(/cache;desc="hit"/);
    expect((JSON.parse(after.body) as Investment).totals).toMatchObject({ count: 2, investment_bn_vnd: 150 });
  });

  it('keeps each format and parameter set apart', async () => {
    const json = await get('/api/stats/investment?by=province');
    const csv = await get('/api/stats/investment?by=province&f=csv');
    const byCategory = await get('/api/stats/investment?by=category');
    expect(json.type).toMatch(/application\/json/);
    expect(csv.type).toMatch(/text\/csv/);
    expect(csv.body.split('\n')[0]).toContain('province');
    expect(byCategory.body).not.toBe(json.body);
    // Cached now: the same requests give the same bytes and types.
    expect((await get('/api/stats/investment?by=province&f=csv')).body).toBe(csv.body);
    expect((await get('/api/stats/investment?by=province')).type).toMatch(/application\/json/);
  });

  it('recomputes the border length after a write that changes the border', async () => {
    const path = '/api/stats/border-length?by=province';
    const length = async () => {
      const r = JSON.parse((await get(path)).body) as { rows: { code: string; border_km_chn: number }[] };
      return r.rows.find((x) => x.code === '99')?.border_km_chn ?? 0;
    };
    const before = await length();
    expect(before).toBeGreaterThan(35);
    expect(before).toBeLessThan(50);
    // The stretch twice as long, announced as an import announces it.
    await app.database.db.transaction().execute(async (trx) => {
      await sql`UPDATE border_segments
        SET geom = ST_MakeLine(ST_Point(104.2, 22, 4326), ST_Point(105.0, 22, 4326))`.execute(trx);
      await sql`UPDATE data_version SET version = version + 1`.execute(trx);
    });
    const { rows } = await sql<{ version: string }>`SELECT version FROM data_version`.execute(
      app.database.db,
    );
    await app.version.waitFor(Number(rows[0]!.version));
    const after = await length();
    expect(after).toBeGreaterThan(before * 1.8);
    expect(after).toBeLessThan(before * 2.2);
  });
});
