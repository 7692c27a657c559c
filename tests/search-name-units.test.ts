/**
 * The unit count of each gazetteer name (unit_names.units, migration
 * 2026-11-30T1330_search-name-units): search's name cut is the score at
 * which the best names hold `limit` units, so the counts must follow every
 * write of admin_units, and the cut must spare the names tied below it.
 * The pages themselves are checked against the uncut ranking in
 * tests/search-tail.test.ts.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../server/db/connect.ts';
import { unitsQuery } from '../server/search/search.ts';
import { runDatabase, scratchDatabase } from './helpers.ts';

const database = runDatabase();
afterAll(() => database.close());

async function counts(db: Database['db']): Promise<Record<string, number>> {
  const { rows } = await sql<{ n: string; units: number }>`
    SELECT name_plain AS n, units FROM unit_names ORDER BY 1`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.n, r.units]));
}

describe('unit_names.units', () => {
  it('is the number of units of each name in the seeded gazetteer', async () => {
    const { rows } = await sql<{ wrong: number; total: number }>`
      SELECT count(*) FILTER (WHERE n.units <> (SELECT count(*) FROM admin_units u WHERE u.name_plain = n.name_plain))::int AS wrong,
             sum(n.units)::int AS total
      FROM unit_names n`.execute(database.db);
    const { rows: units } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM admin_units`.execute(
      database.db,
    );
    expect(rows[0]!.wrong).toBe(0);
    expect(rows[0]!.total).toBe(units[0]!.n);
    expect(units[0]!.n).toBeGreaterThan(14000);
  });

  it('follows inserts, renames, deletes and truncation', async () => {
    const scratch = await scratchDatabase();
    try {
      const db = scratch.database.db;
      await sql`INSERT INTO admin_units (slug, code, name, kind, level) VALUES
        ('xa-a', '90001', 'Quảng An', 'xã', 'commune'), ('xa-b', '90002', 'Quảng An', 'xã', 'commune'),
        ('xa-c', '90003', 'Đông Ngũ', 'xã', 'commune')`.execute(db);
      expect(await counts(db)).toEqual({ 'dong ngu': 1, 'quang an': 2 });
      await sql`INSERT INTO admin_units (slug, code, name, kind, level) VALUES
        ('xa-d', '90004', 'Quang An', 'xã', 'commune')`.execute(db);
      expect(await counts(db)).toEqual({ 'dong ngu': 1, 'quang an': 3 });
      await sql`UPDATE admin_units SET name = 'Mường Nhà' WHERE slug = 'xa-a'`.execute(db);
      expect(await counts(db)).toEqual({ 'dong ngu': 1, 'muong nha': 1, 'quang an': 2 });
      // A write that changes no name leaves the counts as they are.
      await sql`UPDATE admin_units SET kind = 'phường'`.execute(db);
      expect(await counts(db)).toEqual({ 'dong ngu': 1, 'muong nha': 1, 'quang an': 2 });
      await sql`DELETE FROM admin_units WHERE slug IN ('xa-b', 'xa-c')`.execute(db);
      expect(await counts(db)).toEqual({ 'muong nha': 1, 'quang an': 1 });
      await sql`TRUNCATE admin_units CASCADE`.execute(db);
      expect(await counts(db)).toEqual({});
    } finally {
      await scratch.drop();
    }
  });
});

describe('the name cut by units', () => {
  /** How many matched names the units statement looks up on the btree of admin_units.name_plain. */
  async function namesLookedUp(q: string, limit: number): Promise<number> {
    const c = unitsQuery(q, limit).compile(database.db);
    const { rows } = await database.pool.query(
      `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, FORMAT JSON) ${c.sql}`,
      c.parameters as unknown[],
    );
    let loops = 0;
    const walk = (node: Record<string, unknown>) => {
      if (
        typeof node['Index Cond'] === 'string' &&
        /^\(name_plain = n(_\d+)?\.name_plain\)$/.test(node['Index Cond'])
      )
        loops += Number(node['Actual Loops']);
      for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
    };
    walk(rows[0]['QUERY PLAN'][0].Plan);
    return loops;
  }

  it('does not look up the names tied below the units that fill the page', async () => {
    // "tan trung": 1 exact name and 6 at 0.778 hold 14 units; 145 names ("… trung") tie at 0.667 below them.
    const { rows } = await sql<{ tied: number }>`
      SELECT count(*)::int AS tied FROM unit_names
      WHERE (name_plain % 'tan trung' OR 'tan trung' <% name_plain) AND strpos(name_plain, 'tan trung') = 0
        AND round(GREATEST(similarity(name_plain, 'tan trung'), word_similarity('tan trung', name_plain))::numeric, 3) = 0.667`.execute(
      database.db,
    );
    expect(rows[0]!.tied).toBeGreaterThan(100);
    const looked = await namesLookedUp('tan trung', 10);
    expect(looked).toBeGreaterThan(0);
    expect(looked).toBeLessThan(20);
    // A page of 50 needs more units than the best names hold: the cut goes down and more names are read.
    expect(await namesLookedUp('tan trung', 50)).toBeGreaterThan(looked);
  });
});
