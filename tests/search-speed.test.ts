/**
 * What keeps gazetteer search off a scan of the 14,000 units (migration
 * 2026-11-30T1320_search-speed): the distinct names it matches (unit_names)
 * follow every write of admin_units, the planner takes the trigram index,
 * and the seed skips the work its unchanged files need not repeat (the
 * gazetteer's CSV, the country outlines and the border derived from them).
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultDataDir, SeedError, seed } from '../seeds/index.ts';
import { fingerprint, loadData } from '../seeds/load.ts';
import { readData, unitFilesDigest } from '../seeds/read.ts';
import type { Database } from '../server/db/connect.ts';
import { searchPlaces, unitsQuery } from '../server/search/search.ts';
import { runDatabase, scratchDatabase } from './helpers.ts';

const database = runDatabase();
afterAll(() => database.close());

async function names(db: Database['db']): Promise<string[]> {
  const { rows } = await sql<{ n: string }>`SELECT name_plain AS n FROM unit_names ORDER BY 1`.execute(db);
  return rows.map((r) => r.n);
}

async function distinctUnitNames(db: Database['db']): Promise<string[]> {
  const { rows } = await sql<{
    n: string;
  }>`SELECT DISTINCT name_plain AS n FROM admin_units ORDER BY 1`.execute(db);
  return rows.map((r) => r.n);
}

describe('unit_names', () => {
  it('holds one row per distinct unit name of the seeded gazetteer', async () => {
    const held = await names(database.db);
    expect(held.length).toBeGreaterThan(7000);
    expect(held).toEqual(await distinctUnitNames(database.db));
  });

  it('follows inserts, renames, deletes and truncation of admin_units', async () => {
    const scratch = await scratchDatabase();
    try {
      const db = scratch.database.db;
      await sql`INSERT INTO admin_units (slug, code, name, kind, level) VALUES
        ('xa-a', '90001', 'Quảng An', 'xã', 'commune'), ('xa-b', '90002', 'Quảng An', 'xã', 'commune'),
        ('xa-c', '90003', 'Đông Ngũ', 'xã', 'commune')`.execute(db);
      expect(await names(db)).toEqual(['dong ngu', 'quang an']);
      // One of two namesakes renamed: the old name stays (the other holds it), the new one comes.
      await sql`UPDATE admin_units SET name = 'Mường Nhà' WHERE slug = 'xa-a'`.execute(db);
      expect(await names(db)).toEqual(['dong ngu', 'muong nha', 'quang an']);
      expect((await searchPlaces(db, 'muong nah', 5)).map((r) => r.code)).toEqual(['90001']);
      await sql`DELETE FROM admin_units WHERE slug IN ('xa-b', 'xa-c')`.execute(db);
      expect(await names(db)).toEqual(['muong nha']);
      expect(await searchPlaces(db, 'quang an', 5)).toEqual([]);
      await sql`TRUNCATE admin_units CASCADE`.execute(db);
      expect(await names(db)).toEqual([]);
    } finally {
      await scratch.drop();
    }
  });
});

describe('the search plan', () => {
  it('matches names on the trigram index of unit_names, not by reading every name', async () => {
    for (const q of ['quang an dam ha', 'Trung Thành', 'bna qua']) {
      const c = unitsQuery(q, 10).compile(database.db);
      const { rows } = await database.pool.query(`EXPLAIN ${c.sql}`, c.parameters as unknown[]);
      const plan = rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Bitmap Index Scan on unit_names_trgm/);
      expect(plan).not.toMatch(/Seq Scan on unit_names/);
      expect(plan).not.toMatch(/Index Only Scan using unit_names_pkey/);
    }
  });
});

describe('a seed over unchanged files', () => {
  it('does not read the gazetteer CSV again, and changes nothing', async () => {
    const before = await fingerprint(database.db);
    const r = await loadData(database.db, readData(defaultDataDir, { gazetteer: false }), {
      unitFiles: unitFilesDigest(defaultDataDir),
      readGazetteer: () => {
        throw new Error('the CSV was read');
      },
    });
    expect(r.changed).toBe(false);
    expect(await fingerprint(database.db)).toBe(before);
  });

  it('reads and checks it when the units files changed (a bad row stops the seed, nothing written)', async () => {
    const before = await fingerprint(database.db);
    let read = 0;
    const err = await loadData(database.db, readData(defaultDataDir, { gazetteer: false }), {
      unitFiles: 'another digest',
      readGazetteer: () => {
        read++;
        throw new SeedError('gazetteer/units.csv', 'line 2', 'code', 'digits only');
      },
    }).catch((e) => e);
    expect(read).toBe(1);
    expect(err).toBeInstanceOf(SeedError);
    expect(await fingerprint(database.db)).toBe(before);
  });

  it('puts back a country changed behind its back, and then skips the countries again', async () => {
    const scratch = await scratchDatabase();
    try {
      const db = scratch.database.db;
      await seed(db);
      const segments = async () =>
        (await sql<{ n: number }>`SELECT count(*)::int AS n FROM border_segments`.execute(db)).rows[0]!.n;
      const n = await segments();
      expect(n).toBeGreaterThan(0);
      await sql`UPDATE countries SET name = 'Renamed' WHERE iso3 = 'LAO'`.execute(db);
      await sql`DELETE FROM border_segments WHERE part = 1`.execute(db);
      const again = await seed(db);
      expect(again.changed).toBe(true);
      const { rows } = await sql<{ name: string }>`SELECT name FROM countries WHERE iso3 = 'LAO'`.execute(db);
      expect(rows[0]!.name).not.toBe('Renamed');
      expect(await segments()).toBe(n);
      expect((await seed(db)).changed).toBe(false);
    } finally {
      await scratch.drop();
    }
  }, 300_000);
});
