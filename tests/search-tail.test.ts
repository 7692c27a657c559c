/**
 * The name cut of gazetteer search (server/gazetteer/match.ts): only the
 * names that can still rank are joined to their units, one btree lookup
 * per name. A page must be the head of the ranking of every matching unit:
 * a cut set too high would drop a unit that ranks.
 *
 * And the statements' text does not depend on the words searched, so the
 * search pool keeps them prepared under one generic plan
 * (server/search/search.ts, "Prepared"), with the same answers.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { unitHitsSql } from '../server/gazetteer/match.ts';
import { searchPlaces, unitsQuery } from '../server/search/search.ts';
import { runDatabase } from './helpers.ts';

const database = runDatabase();
afterAll(() => database.close());

/** Every matching unit, best first in the search's order, without the cut. */
async function uncut(q: string): Promise<{ id: number; score: number }[]> {
  const { rows } = await sql<{ id: string; score: number }>`
    SELECT h.id, round(h.score::numeric, 3)::float8 AS score FROM (${unitHitsSql(q)}) h
    ORDER BY h.score DESC, h.located DESC, h.valid_to DESC NULLS FIRST, h.id`.execute(database.db);
  return rows.map((r) => ({ id: Number(r.id), score: r.score }));
}

/** The units a search ranks itself (not the successors that follow them), best first. */
async function ranked(q: string, limit: number): Promise<{ id: number; score: number }[]> {
  const { rows } = await unitsQuery(q, limit).execute(database.db);
  return rows.filter((r) => r.succ_of_id === null).map((r) => ({ id: Number(r.id), score: r.score }));
}

describe('the name cut', () => {
  // Many namesakes and near names; a kind word (its bonus may lift a name over the cut); a context.
  // A page is the head of the ranking of every matching unit, uncut.
  for (const q of [
    'tan trung',
    'Trung Thành',
    'xa tan thanh',
    'phuong tan an',
    'quang an dam ha',
    'kim son',
    'bna qua',
  ]) {
    it(`answers the head of the uncut ranking for "${q}"`, async () => {
      const all = await uncut(q);
      expect(all.length).toBeGreaterThan(10);
      for (const limit of [1, 3, 10, 50]) {
        // The statement answers its best `limit` by rounded score, then id.
        const head = all.slice(0, limit).sort((a, b) => b.score - a.score || a.id - b.id);
        expect(await ranked(q, limit)).toEqual(head);
      }
    });
  }

  it('looks the matched names up on the btree instead of reading every unit', async () => {
    for (const q of ['Cẩm Thịnh', 'thanh minh phu tho', 'tan trung']) {
      const c = unitsQuery(q, 10).compile(database.db);
      const { rows } = await database.pool.query(`EXPLAIN ${c.sql}`, c.parameters as unknown[]);
      const plan = rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
      // Each name on the btree of admin_units.name_plain, not a hash of every unit.
      expect(plan).toMatch(/Index Cond: \(name_plain = n(_\d+)?\.name_plain\)/);
      expect(plan).not.toMatch(/Hash Cond: \(\S*name_plain = \S*name_plain\)/);
    }
  });
});

describe('prepared with generic plans (the search pool)', () => {
  // One connection, so that pg_prepared_statements is read where the statements were prepared.
  const generic = () =>
    new pg.Pool({
      connectionString: inject('dbUrl'),
      max: 1,
      options: '-c plan_cache_mode=force_generic_plan',
    });

  it('answers what the statement planned for its own values answers', async () => {
    const pool = generic();
    try {
      // Whole names, namesakes, typos, a kind word, a context, a kind word with a context, one letter.
      for (const q of [
        'Quảng An',
        'quang an dam ha',
        'xa quang an dam ha',
        'thanh pho ho chi minh',
        'bna qua',
        'tna thanh',
        'kim son',
        'muong nha',
        'Bản Qua Bát Xát Lào Cai',
        'y',
      ]) {
        for (const limit of [1, 10, 50]) {
          const viaKysely = await searchPlaces(database.db, q, limit);
          expect(await searchPlaces({ db: database.db, searchPool: pool }, q, limit)).toEqual(viaKysely);
        }
      }
    } finally {
      await pool.end();
    }
  });

  it('prepares each statement once and runs it on one generic plan', async () => {
    const pool = generic();
    try {
      for (const q of ['quang an', 'quang an dam ha', 'xa tan thanh', 'kim son', 'muong nah', 'y y']) {
        await searchPlaces({ db: database.db, searchPool: pool }, q, 10);
      }
      const { rows } = await pool.query<{ name: string; generic_plans: string; custom_plans: string }>(
        `SELECT name, generic_plans, custom_plans FROM pg_prepared_statements WHERE name LIKE 'search\\_%'`,
      );
      // Two statements (units, features) whatever the words, each run six times without a custom plan.
      expect(rows).toHaveLength(2);
      for (const r of rows) {
        expect(Number(r.custom_plans)).toBe(0);
        expect(Number(r.generic_plans)).toBe(6);
      }
    } finally {
      await pool.end();
    }
  });
});
