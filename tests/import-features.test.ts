/**
 * Importing point and line layers (issue #7): projects from CSV (lon/lat,
 * VN-2000 coordinates), roads from GeoJSON, border gates from WKT.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../seeds/load.ts';
import { importFile } from '../server/import/index.ts';
import { type Clone, fixture, SOURCE, seededTemplate, type Template, tempDir } from './import-support.ts';

let template: Template;
beforeAll(async () => {
  template = await seededTemplate();
});
afterAll(async () => {
  await template?.drop();
});

async function withClone(fn: (c: Clone) => Promise<void>): Promise<void> {
  const c = await template.clone();
  try {
    await fn(c);
  } finally {
    await c.drop();
  }
}

interface ProjectRow {
  slug: string;
  category: string;
  commune_code: string;
  investment: number | null;
  precision: string;
}

async function importedProjects(c: Clone): Promise<ProjectRow[]> {
  const { rows } = await sql<ProjectRow>`
    SELECT p.slug, p.category, u.code AS commune_code, p.investment_bn_vnd::float8 AS investment, p.precision::text AS precision
    FROM projects p JOIN admin_units u ON u.id = p.unit_id WHERE p.origin = 'import' ORDER BY p.slug`.execute(
    c.database.db,
  );
  return rows;
}

describe('importing projects, roads and border gates', () => {
  it('places CSV projects in their communes by code, by a code that lost its leading zero, and by accent-free name', async () => {
    await withClone(async (c) => {
      const r = await importFile(c.database.db, {
        file: fixture('projects-dien-bien.csv'),
        layer: 'projects',
        source: SOURCE,
      });
      expect(r.problems).toEqual([]);
      expect(r).toMatchObject({ ok: true, committed: true, format: 'csv' });
      const prefix = r.source.id;
      expect(await importedProjects(c)).toEqual([
        {
          slug: `${prefix}-db-01`,
          category: 'road',
          commune_code: '03368',
          investment: null,
          precision: 'approximate',
        },
        {
          slug: `${prefix}-db-02`,
          category: 'other',
          commune_code: '03356',
          investment: null,
          precision: 'approximate',
        },
        {
          slug: `${prefix}-db-03`,
          category: 'road',
          commune_code: '03164',
          investment: null,
          precision: 'approximate',
        },
        {
          slug: `${prefix}-na-01`,
          category: 'market',
          commune_code: '16738',
          investment: 101.46,
          precision: 'approximate',
        },
      ]);
      // The market has its details row, so it is on the markets layer too.
      const markets = await sql<{ name: string }>`
        SELECT name FROM layer_markets WHERE slug = ${`${prefix}-na-01`}`.execute(c.database.db);
      expect(markets.rows).toEqual([{ name: 'Chợ Kim Sơn, huyện Quế Phong (cũ)' }]);
    });
  });

  it('reads VN-2000 (EPSG:3405) coordinates with --srid and puts each project where they say', async () => {
    await withClone(async (c) => {
      const r = await importFile(c.database.db, {
        file: fixture('projects-dien-bien-vn2000.csv'),
        layer: 'projects',
        source: SOURCE,
        srid: 3405,
      });
      expect(r).toMatchObject({ ok: true, committed: true, srid: 3405 });
      // The fixture's x/y were made from these longitudes and latitudes.
      const { rows } = await sql<{ slug: string; metres: number }>`
        SELECT p.slug, ST_Distance(p.geom::geography, ST_SetSRID(ST_MakePoint(v.lon, v.lat), 4326)::geography) AS metres
        FROM projects p JOIN (VALUES ('db-01', 103.14902, 20.96006), ('db-02', 102.9086, 21.2185), ('db-03', 102.62, 21.9825))
          AS v(id, lon, lat) ON p.slug = ${`${r.source.id}-`} || v.id
        ORDER BY p.slug`.execute(c.database.db);
      expect(rows).toHaveLength(3);
      for (const row of rows) expect(row.metres).toBeLessThan(1);
    });
  });

  it('rolls a CSV with bad records back, naming the line and the field of each', async () => {
    await withClone(async (c) => {
      const print = await fingerprint(c.database.db);
      const r = await importFile(c.database.db, {
        file: fixture('projects-bad.csv'),
        layer: 'projects',
        source: SOURCE,
      });
      expect(r.ok).toBe(false);
      expect(r.problems.map((p) => [p.record, p.field])).toEqual([
        ['line 3 "B-02"', 'geometry'],
        ['line 4 "B-03"', 'commune_code'],
        ['line 5 "B-04"', 'start_year'],
        ['line 6 "B-05"', 'category'],
      ]);
      expect(r.problems[0]!.reason).toMatch(/longitude and latitude look swapped/);
      expect(r.problems[1]!.reason).toBe('no current commune has code 09999');
      expect(r.problems[3]!.reason).toMatch(/^"space_port" is not one of market, industrial_park/);
      expect(await importedProjects(c)).toEqual([]);
      expect(await fingerprint(c.database.db)).toBe(print);
    });
  });

  it('places a project with no commune column inside the commune whose imported boundary contains it', async () => {
    const tmp = tempDir();
    try {
      const csv = path.join(tmp.dir, 'no-commune.csv');
      writeFileSync(csv, 'id,ten,loai,lon,lat\nT-1,Trạm y tế thử nghiệm,health,103.05,21.12\n');
      await withClone(async (c) => {
        const opts = { layer: 'projects', source: SOURCE } as const;
        const before = await importFile(c.database.db, { ...opts, file: csv });
        expect(before.problems).toEqual([
          expect.objectContaining({
            record: 'line 2 "T-1"',
            field: 'commune_code',
            reason: expect.stringMatching(/^cannot place/),
          }),
        ]);
        await importFile(c.database.db, {
          file: fixture('dien-bien-communes.geojson'),
          layer: 'communes',
          source: SOURCE,
        });
        const after = await importFile(c.database.db, { ...opts, file: csv });
        expect(after.committed).toBe(true);
        expect(await importedProjects(c)).toEqual([expect.objectContaining({ commune_code: '99901' })]);
      });
    } finally {
      tmp.remove();
    }
  });

  it('imports roads: a MultiLineString whose parts join becomes one line, the class comes from the route number', async () => {
    await withClone(async (c) => {
      const r = await importFile(c.database.db, {
        file: fixture('dien-bien-roads.geojson'),
        layer: 'roads',
        source: SOURCE,
      });
      expect(r.committed).toBe(true);
      expect(r.warnings).toEqual([
        expect.objectContaining({
          record: '#3 "r3"',
          field: 'class',
          reason: 'no class and no route number: stored as rural',
        }),
      ]);
      const { rows } = await sql<{
        slug: string;
        ref: string | null;
        class: string;
        type: string;
        points: number;
      }>`
        SELECT slug, ref, class, GeometryType(geom) AS type, ST_NPoints(geom) AS points FROM roads
        WHERE origin = 'import' ORDER BY slug`.execute(c.database.db);
      const p = r.source.id;
      expect(rows).toEqual([
        { slug: `${p}-r1`, ref: null, class: 'district', type: 'LINESTRING', points: 2 },
        { slug: `${p}-r2`, ref: 'QL.279', class: 'national', type: 'LINESTRING', points: 3 },
        { slug: `${p}-r3`, ref: null, class: 'rural', type: 'LINESTRING', points: 3 },
      ]);
      const again = await importFile(c.database.db, {
        file: fixture('dien-bien-roads.geojson'),
        layer: 'roads',
        source: SOURCE,
      });
      expect(again).toMatchObject({ changed: false, committed: false });
    });
  });

  it('imports border gates from WKT, taking a missing neighbouring country from the nearest border segment', async () => {
    await withClone(async (c) => {
      const r = await importFile(c.database.db, {
        file: fixture('border-gates.csv'),
        layer: 'border-gates',
        source: SOURCE,
      });
      expect(r.problems).toEqual([]);
      const { rows } = await sql<{ name: string; kind: string; neighbour: string; commune: string | null }>`
        SELECT g.name, g.kind, g.neighbour, g.commune FROM layer_border_gates g
        WHERE g.id IN (SELECT id FROM border_gates WHERE origin = 'import') ORDER BY g.name`.execute(
        c.database.db,
      );
      expect(rows).toEqual([
        // A Pa Chải stands at the tripoint, so the file says "Trung Quốc"; the others are inferred.
        { name: 'Cửa khẩu A Pa Chải', kind: 'main', neighbour: 'CHN', commune: null },
        { name: 'Cửa khẩu Hoành Mô', kind: 'main', neighbour: 'CHN', commune: null },
        { name: 'Cửa khẩu quốc tế Tây Trang', kind: 'international', neighbour: 'LAO', commune: null },
      ]);
    });
  });
});
