/**
 * The one write path (server/import/write.ts) as the write API will call
 * it: one validated feature, its origin, a transaction. Seeding and imports
 * go through the same targets (seed.test.ts, import-*.test.ts).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../seeds/index.ts';
import { projectRecord } from '../server/import/schema.ts';
import { removeRows, writeRecords } from '../server/import/write.ts';
import { type Clone, seededTemplate, type Template } from './import-support.ts';

let template: Template;
beforeAll(async () => {
  template = await seededTemplate();
});
afterAll(async () => {
  await template?.drop();
});

class Refused extends Error {}

/** A feature as the API would receive it. */
function raw(changes: Record<string, unknown> = {}) {
  return {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [103.15, 20.96] },
    properties: {
      slug: 'cho-thu-muong-nha',
      name: 'Chợ thử Mường Nhà',
      category: 'market',
      investment_bn_vnd: 12.5,
      investment_qualifier: 'about',
      funding: 'state_budget',
      start_year: 2024,
      end_year: null,
      status: 'under_construction',
      area_m2: null,
      commune: 'xa-muong-nha',
      precision: 'approximate',
      uncertainty_m: 500,
      details: { kiosks: 40 },
      sources: ['art-dien-bien-border-economy'],
      ...changes,
    },
  };
}

/** Checked by the schema data/ is checked with. */
const market = (changes: Record<string, unknown> = {}) => projectRecord.parse(raw(changes));

/** Writes one feature in its own transaction, rolled back when refused. */
async function write(c: Clone, f: ReturnType<typeof market>) {
  try {
    return await c.database.db.transaction().execute(async (trx) => {
      const r = await writeRecords(
        trx,
        'projects',
        [{ label: `#0 "${f.properties.slug}"`, properties: f.properties, geometry: f.geometry }],
        { origin: 'edit' },
      );
      if (!r.ok) throw Object.assign(new Refused('refused'), { result: r });
      return r;
    });
  } catch (e) {
    if (e instanceof Refused)
      return (e as Refused & { result: Awaited<ReturnType<typeof writeRecords>> }).result;
    throw e;
  }
}

async function row(c: Clone, slug: string) {
  const { rows } = await sql<{ id: string; name: string; origin: string; kiosks: number; cites: string[] }>`
    SELECT p.id, p.name, p.origin, m.kiosks,
           ARRAY(SELECT source_id FROM citations WHERE entity = 'project' AND entity_id = p.id ORDER BY 1) AS cites
    FROM projects p LEFT JOIN market_details m ON m.project_id = p.id WHERE p.slug = ${slug}`.execute(
    c.database.db,
  );
  return rows[0];
}

describe('writeRecords, one feature at a time', () => {
  it('creates, leaves alone when unchanged, updates in place, and survives re-seeding', async () => {
    const c = await template.clone();
    try {
      const created = await write(c, market());
      expect(created.ok).toBe(true);
      expect(created.counts).toMatchObject({ inserted: 1, updated: 0 });
      const first = await row(c, 'cho-thu-muong-nha');
      expect(first).toMatchObject({ origin: 'edit', kiosks: 40, cites: ['art-dien-bien-border-economy'] });

      const again = await write(c, market());
      expect(again.counts).toMatchObject({ inserted: 0, updated: 0, details: 0, citations: 0 });

      const renamed = await write(c, market({ name: 'Chợ Mường Nhà mới', details: { kiosks: 48 } }));
      expect(renamed.counts).toMatchObject({ inserted: 0, updated: 1 });
      expect(await row(c, 'cho-thu-muong-nha')).toMatchObject({
        id: first!.id,
        name: 'Chợ Mường Nhà mới',
        kiosks: 48,
      });

      // data/ does not know the row, and it is not seed's to remove.
      await seed(c.database.db);
      expect(await row(c, 'cho-thu-muong-nha')).toMatchObject({ id: first!.id, origin: 'edit' });

      // Deleting: only rows of the writer's origin, with their details and citations.
      const db = c.database.db;
      expect(await removeRows(db, 'projects', 'edit', ['cho-thu-muong-nha', 'cho-kim-son'])).toBe(1);
      expect(await row(c, 'cho-thu-muong-nha')).toBeUndefined();
      expect(await row(c, 'cho-kim-son')).toMatchObject({ origin: 'seed' });
      const { rows } =
        await sql`SELECT 1 FROM citations WHERE entity = 'project' AND entity_id = ${first!.id}`.execute(db);
      expect(rows).toEqual([]);
    } finally {
      await c.drop();
    }
  });

  it('refuses a record naming an unknown commune or source, or the slug of a seeded row, and writes nothing', async () => {
    const c = await template.clone();
    try {
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ commune: 'xa-khong-co' }, 'commune', /^unknown commune "xa-khong-co"$/],
        [{ sources: ['bao-khong-co'] }, 'sources', /^unknown source "bao-khong-co"$/],
        [{ slug: 'cho-kim-son' }, 'slug', /belongs to a row of origin seed/],
      ];
      for (const [changes, field, reason] of cases) {
        const r = await write(c, market(changes));
        expect(r.ok).toBe(false);
        expect(r.problems.list[0]).toMatchObject({ field, reason: expect.stringMatching(reason) });
      }
      expect(await row(c, 'cho-thu-muong-nha')).toBeUndefined();
      expect(await row(c, 'cho-kim-son')).toMatchObject({ origin: 'seed' });
    } finally {
      await c.drop();
    }
  });

  it('the schema refuses what data/ would refuse, naming the field', () => {
    const r = projectRecord.safeParse(raw({ category: 'casino' }));
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ['properties', 'category'] });
    expect(() => market({ precision: 'approximate', uncertainty_m: null })).toThrow(
      /approximate locations need/,
    );
    expect(() => market({ start_year: 2024, end_year: 2020 })).toThrow(/2020 is before start_year 2024/);
    expect(() => market({ details: { kiosks: -1 } })).toThrow(/must not be negative/);
  });
});
