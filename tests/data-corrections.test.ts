/**
 * The corrections of issue 10 part 9, checked in the seeded database so a
 * later edit of data/ cannot silently undo them. data/README.md says why each
 * one is so.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type RawBuilder, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultDataDir, SeedError, seed } from '../seeds/index.ts';
import { runDatabase } from './helpers.ts';

const database = runDatabase();
const scratchDirs: string[] = [];
afterAll(async () => {
  await database.close();
  for (const d of scratchDirs) rmSync(d, { recursive: true, force: true });
});

const PARKS = 'art-quang-ninh-industrial-parks';
const RES06 = 'art-quang-ninh-resolution-06';

type Entity = 'project' | 'road' | 'border_gate' | 'indicator' | 'admin_unit';
const TABLES: Record<Entity, { table: string; key: string }> = {
  project: { table: 'projects', key: 'slug' },
  road: { table: 'roads', key: 'slug' },
  border_gate: { table: 'border_gates', key: 'slug' },
  indicator: { table: 'indicators', key: 'indicator' },
  admin_unit: { table: 'admin_units', key: 'slug' },
};

async function sourcesOf(entity: Entity, key: string): Promise<string[]> {
  const { table, key: col } = TABLES[entity];
  const { rows } = await sql<{ source_id: string }>`
    SELECT c.source_id FROM citations c JOIN ${sql.table(table)} t ON t.id = c.entity_id
    WHERE c.entity = ${entity} AND t.${sql.ref(col)} = ${key} ORDER BY 1`.execute(database.db);
  return rows.map((r) => r.source_id);
}

async function one<T>(query: RawBuilder<T>): Promise<T> {
  const { rows } = await query.execute(database.db);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

describe('data corrections (issue 10 part 9)', () => {
  it('ĐT341/QL18C and the Móng Cái, Bắc Phong Sinh and Hoành Mô gates cite the industrial-parks article only', async () => {
    const records: [Entity, string][] = [
      ['road', 'dt341-mong-cai-bac-phong-sinh'],
      ['project', 'dt341-giai-doan-2'],
      ['border_gate', 'cua-khau-mong-cai'],
      ['border_gate', 'cua-khau-bac-phong-sinh'],
      ['border_gate', 'cua-khau-hoanh-mo'],
    ];
    for (const [entity, slug] of records) expect(await sourcesOf(entity, slug), slug).toEqual([PARKS]);
    for (const table of ['roads', 'projects'])
      for (const slug of ['ql18c-tien-yen-hoanh-mo', 'dt341-mong-cai-bac-phong-sinh', 'dt341-giai-doan-2']) {
        const { rows } = await sql<{ note: string }>`
          SELECT note FROM ${sql.table(table)} WHERE slug = ${slug}`.execute(database.db);
        for (const r of rows) expect(r.note, slug).not.toMatch(/003/);
      }
  });

  it('the Resolution 06 date and Conclusion 65-KL/TW are cited to the article that gives them', async () => {
    const r = await one(sql<{ note: string }>`
      SELECT note FROM indicators WHERE indicator = 'action_programme_target_groups_count'`);
    expect(r.note).toContain('17 May 2021');
    expect(r.note).toMatch(/65-KL\/TW.*30 October 2019/);
    expect(await sourcesOf('indicator', 'action_programme_target_groups_count')).toEqual([PARKS, RES06]);
  });

  it("Hải Sơn's 80 million VND is one household's figure on the commune that paid it, before the merger", async () => {
    const { rows: rates } = await sql`
      SELECT 1 FROM indicators WHERE indicator LIKE '%per_household%'
      UNION ALL SELECT 1 FROM project_figures WHERE key LIKE '%per_household%'`.execute(database.db);
    expect(rates).toEqual([]);
    const r = await one(sql<{ unit: string; value: number; year: number; valid_to: string; merged: string }>`
      SELECT u.slug AS unit, i.value::float8 AS value, i.year, u.valid_to::text AS valid_to,
             min(s.valid_from)::text AS merged
      FROM indicators i JOIN admin_units u ON u.id = i.unit_id
      JOIN unit_successors us ON us.unit_id = u.id JOIN admin_units s ON s.id = us.successor_id
      WHERE i.indicator = 'example_household_resettlement_support_million_vnd'
      GROUP BY u.slug, i.value, i.year, u.valid_to`);
    expect(r).toEqual({
      unit: 'xa-hai-son-mong-cai',
      value: 80,
      year: 2025,
      valid_to: '2025-06-30',
      merged: '2025-07-01',
    });
    const p = await one(sql<{ as_named: string }>`
      SELECT n.slug AS as_named FROM projects p JOIN admin_units n ON n.id = p.unit_as_named_id
      WHERE p.slug = 'tai-dinh-cu-hai-son'`);
    expect(p.as_named).toBe('xa-hai-son-mong-cai');
  });

  it('keeps the qualifiers the articles give', async () => {
    const credit = await one(sql<{ qualifier: string; value: number }>`
      SELECT qualifier, value::float8 AS value FROM indicators WHERE indicator = 'credit_capital_share_pct'`);
    expect(credit).toEqual({ qualifier: 'up_to', value: 82.5 });

    const areas = await sql<{ slug: string; area: number; q: string }>`
      SELECT slug, area_m2::float8 AS area, figure_qualifiers->>'area_m2' AS q FROM projects
      WHERE slug IN ('cho-kim-son', 'xu-ly-rac-que-phong') ORDER BY slug`.execute(database.db);
    expect(areas.rows).toEqual([
      { slug: 'cho-kim-son', area: 6000, q: 'over' },
      { slug: 'xu-ly-rac-que-phong', area: 20000, q: 'nearly' },
    ]);
    const market = await one(sql<{ floor: number | null }>`
      SELECT m.floor_area_m2 AS floor FROM market_details m JOIN projects p ON p.id = m.project_id
      WHERE p.slug = 'cho-kim-son'`);
    expect(market.floor).toBeNull();

    const parks = await sql<{ slug: string; figure: string; value: number; q: string }>`
      SELECT p.slug, f.figure, (to_jsonb(d) ->> f.figure)::float8 AS value, p.figure_qualifiers ->> f.figure AS q
      FROM projects p JOIN industrial_park_details d ON d.project_id = p.id
      JOIN (VALUES ('kcn-nam-son', 'state_support_bn_vnd'), ('kcn-yen-than', 'target_workers'),
                   ('kcn-dong-dam-ha-b', 'hectares')) AS f(slug, figure) ON f.slug = p.slug
      ORDER BY p.slug`.execute(database.db);
    expect(parks.rows).toEqual([
      { slug: 'kcn-dong-dam-ha-b', figure: 'hectares', value: 60, q: 'over' },
      { slug: 'kcn-nam-son', figure: 'state_support_bn_vnd', value: 60, q: 'over' },
      { slug: 'kcn-yen-than', figure: 'target_workers', value: 2000, q: 'over' },
    ]);
  });

  it('records Scheme 79, the Sơn La hydropower resettlement and Sín Thầu’s crop models', async () => {
    const scheme = await one(sql<{ unit: string; q: string }>`
      SELECT u.slug AS unit, i.qualifier AS q FROM indicators i JOIN admin_units u ON u.id = i.unit_id
      WHERE i.programme LIKE '%Scheme 79%' AND i.programme LIKE '%Sơn La hydropower%'`);
    expect(scheme).toEqual({ unit: 'tinh-dien-bien', q: 'over' });
    expect(await sourcesOf('indicator', 'population_arrangement_households_count')).toEqual([
      'art-dien-bien-border-economy',
    ]);

    const models = await one(sql<{ name: string; unit: string; precision: string }>`
      SELECT p.name, u.slug AS unit, p.precision::text AS precision FROM projects p
      JOIN admin_units u ON u.id = p.unit_id WHERE p.slug = 'mo-hinh-que-mac-ca-duoc-lieu-sin-thau'`);
    expect(models.unit).toBe('xa-sin-thau');
    for (const crop of ['quế', 'mắc ca', 'dược liệu']) expect(models.name).toContain(crop);
    expect(await sourcesOf('project', 'mo-hinh-que-mac-ca-duoc-lieu-sin-thau')).toEqual([
      'art-dien-bien-border-economy',
    ]);
  });

  it('the old Đầm Hà district went to xã Đầm Hà and xã Quảng Tân, as its communes did', async () => {
    const { rows } = await sql<{ successor: string }>`
      SELECT s.slug AS successor FROM unit_successors us
      JOIN admin_units u ON u.id = us.unit_id JOIN admin_units s ON s.id = us.successor_id
      WHERE u.slug = 'huyen-dam-ha' ORDER BY 1`.execute(database.db);
    expect(rows.map((r) => r.successor)).toEqual(['xa-dam-ha', 'xa-quang-tan']);
    // Every former commune of the district recorded here went to one of the two.
    const { rows: stray } = await sql<{ slug: string }>`
      SELECT c.slug FROM admin_units c JOIN admin_units d ON d.id = c.parent_id AND d.slug = 'huyen-dam-ha'
      JOIN unit_successors us ON us.unit_id = c.id JOIN admin_units s ON s.id = us.successor_id
      WHERE s.slug NOT IN ('xa-dam-ha', 'xa-quang-tan')`.execute(database.db);
    expect(stray).toEqual([]);
    const daiThanh = await one(
      sql<{ note: string }>`SELECT note FROM admin_units WHERE slug = 'xa-dai-thanh-tien-yen'`,
    );
    expect(daiThanh.note).toMatch(/Known:/);
    expect(daiThanh.note).toMatch(/Inferred/);
  });

  it('the Mường Khương district-wide roads are schematic', async () => {
    const r = await one(sql<{ precision: string }>`
      SELECT precision::text AS precision FROM projects WHERE slug = 'duong-gtnt-muong-khuong-2021-2025'`);
    expect(r.precision).toBe('schematic');
  });

  it('a point that could be anywhere in its commune has an uncertainty covering the commune', async () => {
    // Farthest distance from each point to its 2025 commune's edge, measured on
    // the reference commune polygons (not shipped; see data/README.md).
    const covering: Record<string, number> = {
      'tai-dinh-cu-hai-son': 13_839,
      'kcn-yen-than': 18_768,
      'duong-muong-nha-pha-lay-moc-130': 22_656,
    };
    const { rows } = await sql<{ slug: string; u: number }>`
      SELECT slug, uncertainty_m::float8 AS u FROM projects WHERE slug = ANY(${Object.keys(covering)}::text[])`.execute(
      database.db,
    );
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r.u, r.slug).toBeGreaterThanOrEqual(covering[r.slug]!);
    // Generally: a project placed on a commune's area centroid is no more
    // certain than the centroid is as a stand-in for the commune.
    const { rows: tooSure } = await sql<{ slug: string }>`
      SELECT p.slug FROM projects p JOIN admin_units u ON u.id = p.unit_id
      WHERE u.seat_how LIKE 'Area centroid%' AND ST_DWithin(p.geom::geography, u.seat::geography, 1)
        AND p.uncertainty_m < u.seat_uncertainty_m`.execute(database.db);
    expect(tooSure).toEqual([]);
  });

  it('names whose diacritics we reconstructed say so', async () => {
    const { rows } = await sql<{ slug: string }>`
      SELECT slug FROM projects WHERE category = 'irrigation' AND note NOT LIKE '%without diacritics%'
      UNION ALL
      SELECT slug FROM admin_units WHERE level = 'village' AND slug IN
        ('thon-dong-cam', 'thon-luc-chan', 'thon-ly-la', 'thon-phai-giac', 'thon-truong-tung', 'ban-cam-que-phong')
        AND note NOT LIKE '%without diacritics%'
      UNION ALL
      SELECT slug FROM projects WHERE slug IN ('kcn-nam-son', 'kcn-yen-than') AND note NOT LIKE '%without diacritics%'`.execute(
      database.db,
    );
    expect(rows).toEqual([]);
  });

  const kimSon = (fc: any) => fc.features.find((f: any) => f.properties.slug === 'cho-kim-son').properties;
  for (const [what, edit, message] of [
    [
      'a qualifier for a figure the record does not have',
      (fc: any) => {
        kimSon(fc).figure_qualifiers = { floor_area_m2: 'over' };
      },
      /field figure_qualifiers\.floor_area_m2: names no figure/,
    ],
    [
      'a qualifier outside the list',
      (fc: any) => {
        kimSon(fc).figure_qualifiers = { area_m2: 'roughly' };
      },
      /field figure_qualifiers\.area_m2/,
    ],
  ] as const) {
    it(`seeding refuses ${what}, naming the field`, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'border-atlas-corrections-'));
      scratchDirs.push(dir);
      cpSync(defaultDataDir, dir, { recursive: true });
      const file = path.join(dir, 'projects.geojson');
      const fc = JSON.parse(readFileSync(file, 'utf8'));
      edit(fc);
      writeFileSync(file, JSON.stringify(fc));
      const err = await seed(database.db, dir).catch((e) => e);
      expect(err).toBeInstanceOf(SeedError);
      expect(String(err.message)).toMatch(message);
    });
  }
});
