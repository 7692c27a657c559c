import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultDataDir, SeedError, seed } from '../seeds/index.ts';
import { fingerprint } from '../seeds/load.ts';
import { runDatabase, scratchDatabase } from './helpers.ts';

const database = runDatabase();
const dirs: string[] = [];
afterAll(async () => {
  await database.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A copy of data/ with one file edited by `edit`. */
function dataWith(file: string, edit: (json: any) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'border-atlas-data-'));
  dirs.push(dir);
  cpSync(defaultDataDir, dir, { recursive: true });
  const p = path.join(dir, file);
  const json = JSON.parse(readFileSync(p, 'utf8'));
  edit(json);
  writeFileSync(p, JSON.stringify(json));
  return dir;
}

async function version(): Promise<number> {
  const { rows } = await sql<{ version: number }>`SELECT version FROM data_version`.execute(database.db);
  return rows[0]!.version;
}

describe('seeding', () => {
  it('a second run over the same data changes nothing, not even the data version', async () => {
    const before = await fingerprint(database.db);
    const v = await version();
    const r = await seed(database.db);
    expect(r.changed).toBe(false);
    expect(await version()).toBe(v);
    expect(await fingerprint(database.db)).toBe(before);
  });

  const firstProject = (fc: any) => fc.features[0];
  const badCases: [string, string, (j: any) => void, RegExp][] = [
    [
      'an unknown commune',
      'projects.geojson',
      (fc) => {
        firstProject(fc).properties.commune = 'xa-khong-co';
      },
      /projects\.geojson: record #0 "[^"]+": field commune: unknown commune "xa-khong-co"/,
    ],
    [
      'coordinates outside Vietnam’s region',
      'projects.geojson',
      (fc) => {
        firstProject(fc).geometry.coordinates = [2.35, 48.85];
      },
      /projects\.geojson: record #0 "[^"]+": field geometry\.coordinates\.0: longitude outside the region/,
    ],
    [
      'a missing source',
      'projects.geojson',
      (fc) => {
        firstProject(fc).properties.sources = [];
      },
      /projects\.geojson: record #0 "[^"]+": field sources: at least one source/,
    ],
    [
      'a source that does not exist',
      'border-gates.geojson',
      (fc) => {
        fc.features[0].properties.sources = ['bao-khong-co'];
      },
      /border-gates\.geojson: record #0 "[^"]+": field sources: unknown source "bao-khong-co"/,
    ],
    [
      'an invalid geometry (a road of zero length)',
      'roads.geojson',
      (fc) => {
        const [a] = fc.features[0].geometry.coordinates;
        fc.features[0].geometry.coordinates = [a, a];
      },
      /roads\.geojson: record #0 "[^"]+": field geometry: invalid geometry/,
    ],
    [
      'an unknown category',
      'projects.geojson',
      (fc) => {
        firstProject(fc).properties.category = 'casino';
      },
      /projects\.geojson: record #0 "[^"]+": field category: /,
    ],
    [
      'an approximate location without its uncertainty',
      'projects.geojson',
      (fc) => {
        firstProject(fc).properties.precision = 'approximate';
        firstProject(fc).properties.uncertainty_m = null;
      },
      /projects\.geojson: record #0 "[^"]+": field uncertainty_m: approximate locations need/,
    ],
    [
      'a successor that does not exist',
      'units.json',
      (units) => {
        units[0].successors = ['xa-khong-co'];
      },
      /units\.json: record #0 "[^"]+": field successors: unknown unit "xa-khong-co"/,
    ],
  ];

  for (const [what, file, edit, message] of badCases) {
    it(`stops on ${what}, names file, record and field, and writes nothing`, async () => {
      const dir = dataWith(file, edit);
      const before = await fingerprint(database.db);
      const v = await version();
      const err = await seed(database.db, dir).catch((e) => e);
      expect(err).toBeInstanceOf(SeedError);
      expect(String(err.message)).toMatch(message);
      expect(await fingerprint(database.db)).toBe(before);
      expect(await version()).toBe(v);
    });
  }

  it('rolls back rows already written when a later step fails in the database', async () => {
    // floors_max below floors_min passes the file schema and is caught only by
    // the table's CHECK constraint, after the projects were already upserted.
    const dir = dataWith('projects.geojson', (fc) => {
      const market = fc.features.find((f: any) => f.properties.category === 'market');
      market.properties.details.floors_min = 5;
      market.properties.details.floors_max = 1;
      fc.features[0].properties.name = `${fc.features[0].properties.name} (changed)`;
    });
    const before = await fingerprint(database.db);
    await expect(seed(database.db, dir)).rejects.toThrow(/market_details/);
    expect(await fingerprint(database.db)).toBe(before);
  });

  it('a changed record bumps the data version, a removed one disappears, imported rows and citations stay', async () => {
    const scratch = await scratchDatabase();
    try {
      const db = scratch.database.db;
      const first = await seed(db);
      expect(first.changed).toBe(true);
      // An imported project (origin <> 'seed') must survive re-seeding.
      await sql`INSERT INTO projects (slug, name, category, unit_id, geom, precision, origin)
        SELECT 'imported-1', 'Imported', 'other', id, seat, 'surveyed', 'import' FROM admin_units WHERE seat IS NOT NULL LIMIT 1`.execute(
        db,
      );
      // So must an import's citation on a seeded unit (a boundary it attached).
      await sql`INSERT INTO sources (id, title) VALUES ('import-test', 'Imported boundaries')`.execute(db);
      await sql`INSERT INTO citations (entity, entity_id, source_id)
        SELECT 'admin_unit', id, 'import-test' FROM admin_units WHERE slug = 'xa-muong-nha'`.execute(db);
      let removed = '';
      const dir = dataWith('projects.geojson', (fc) => {
        fc.features[0].properties.investment_bn_vnd = 123.456;
        fc.features[0].properties.investment_qualifier = 'exact';
        removed = fc.features.pop().properties.slug;
      });
      const second = await seed(db, dir);
      expect(second.changed).toBe(true);
      expect(second.version).toBe(first.version + 1);
      const { rows } = await sql<{ slug: string }>`SELECT slug FROM projects`.execute(db);
      const slugs = rows.map((r) => r.slug);
      expect(slugs).not.toContain(removed);
      expect(slugs).toContain('imported-1');
      const { rows: kept } = await sql`SELECT 1 FROM citations WHERE source_id = 'import-test'`.execute(db);
      expect(kept).toHaveLength(1);
    } finally {
      await scratch.drop();
    }
  });
});
