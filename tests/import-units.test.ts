/**
 * Importing commune boundaries (issue #7): units gain boundaries without
 * duplicates, bad records roll the whole file back, --dry-run writes
 * nothing, a second import changes nothing, and statistics use the result.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as turf from '@turf/turf';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../seeds/index.ts';
import { fingerprint } from '../seeds/load.ts';
import { importFile } from '../server/import/index.ts';
import {
  type Clone,
  dataVersion,
  fixture,
  SOURCE,
  seededTemplate,
  type Template,
  tempDir,
} from './import-support.ts';

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

const communes = { file: fixture('dien-bien-communes.geojson'), layer: 'communes', source: SOURCE } as const;

async function unit(c: Clone, code: string) {
  const { rows } = await sql<{
    id: number;
    name: string;
    origin: string;
    has_boundary: boolean;
    kind: string;
  }>`
    SELECT id, name, origin, kind, boundary IS NOT NULL AS has_boundary FROM admin_units
    WHERE code = ${code} AND valid_to IS NULL`.execute(c.database.db);
  return rows;
}

describe('importing commune boundaries', () => {
  it('attaches boundaries to existing communes by code and by accent-free name, creating only the unknown one', async () => {
    await withClone(async (c) => {
      const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM admin_units`.execute(
        c.database.db,
      );
      const r = await importFile(c.database.db, communes);
      expect(r.ok).toBe(true);
      expect(r.committed).toBe(true);
      expect(r.matched).toEqual({ byCode: 4, byName: 1 });
      expect(r.written.inserted).toBe(1);
      const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM admin_units`.execute(
        c.database.db,
      );
      expect(after.rows[0]!.n).toBe(before.rows[0]!.n + 1);
      for (const code of ['03368', '03158', '03349', '03356', '03164']) {
        const rows = await unit(c, code);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ origin: 'seed', has_boundary: true });
      }
      expect(await unit(c, '99901')).toEqual([
        expect.objectContaining({ name: 'Thử Nghiệm', kind: 'xã', origin: 'import', has_boundary: true }),
      ]);
    });
  });

  it('shows the boundaries in the communes layer view as geometry_kind boundary', async () => {
    await withClone(async (c) => {
      await importFile(c.database.db, communes);
      const { rows } = await sql<{ code: string; kind: string; type: string; province: string }>`
        SELECT code, geometry_kind AS kind, GeometryType(geom) AS type, province FROM layer_communes
        WHERE code IN ('03368', '03164', '99901', '06841') ORDER BY code`.execute(c.database.db);
      expect(rows).toEqual([
        { code: '03164', kind: 'boundary', type: 'MULTIPOLYGON', province: 'Điện Biên' },
        { code: '03368', kind: 'boundary', type: 'MULTIPOLYGON', province: 'Điện Biên' },
        { code: '06841', kind: 'seat', type: 'POINT', province: 'Quảng Ninh' },
        { code: '99901', kind: 'boundary', type: 'MULTIPOLYGON', province: 'Điện Biên' },
      ]);
    });
  });

  it('cites the given source for every unit it touched', async () => {
    await withClone(async (c) => {
      const r = await importFile(c.database.db, communes);
      const { rows } = await sql<{ title: string; url: string; n: number }>`
        SELECT s.title, s.url, count(c.*)::int AS n FROM sources s
        JOIN citations c ON c.source_id = s.id AND c.entity = 'admin_unit'
        WHERE s.id = ${r.source.id} GROUP BY s.title, s.url`.execute(c.database.db);
      expect(rows).toEqual([
        {
          title: 'Test fixtures drawn around the seats of data/units.json',
          url: 'https://example.org/border-atlas-fixtures',
          n: 6,
        },
      ]);
    });
  });

  it('bumps the data version once, and a second import of the same file changes nothing, not even the version', async () => {
    await withClone(async (c) => {
      const v0 = await dataVersion(c.database);
      const first = await importFile(c.database.db, communes);
      expect(first.dataVersion).toBe(v0 + 1);
      expect(await dataVersion(c.database)).toBe(v0 + 1);
      const print = await fingerprint(c.database.db);
      const second = await importFile(c.database.db, communes);
      expect(second).toMatchObject({ ok: true, changed: false, committed: false });
      expect(second.written).toMatchObject({ inserted: 0, updated: 0, unchanged: 6, citations: 0 });
      // "Quang Lam" has no code in the file: it is found by name each time.
      expect(second.matched).toEqual({ byCode: 5, byName: 1 });
      expect(await fingerprint(c.database.db)).toBe(print);
      expect(await dataVersion(c.database)).toBe(v0 + 1);
    });
  });

  it('--dry-run reports what would change and writes nothing', async () => {
    await withClone(async (c) => {
      const print = await fingerprint(c.database.db);
      const v0 = await dataVersion(c.database);
      const r = await importFile(c.database.db, { ...communes, dryRun: true });
      expect(r).toMatchObject({ ok: true, changed: true, committed: false, dryRun: true });
      expect(r.written).toMatchObject({ inserted: 1, updated: 5 });
      expect(await fingerprint(c.database.db)).toBe(print);
      expect(await dataVersion(c.database)).toBe(v0);
    });
  });

  it('rolls the whole file back when one record is bad, naming each bad record and field', async () => {
    await withClone(async (c) => {
      const print = await fingerprint(c.database.db);
      const r = await importFile(c.database.db, {
        ...communes,
        file: fixture('dien-bien-communes-bad.geojson'),
      });
      expect(r.ok).toBe(false);
      expect(r.committed).toBe(false);
      const f = 'dien-bien-communes-bad.geojson';
      expect(r.problems).toEqual([
        {
          file: f,
          record: '#2 "03158"',
          field: 'geometry',
          reason: expect.stringMatching(/^outside Vietnam's region .*longitude and latitude look swapped$/),
        },
        {
          file: f,
          record: '#3 "03349"',
          field: 'geometry',
          reason: 'wrong type: Point, expected Polygon or MultiPolygon',
        },
        { file: f, record: '#4 "03356"', field: 'geometry', reason: 'empty geometry' },
        {
          file: f,
          record: '#5 "Xã Không Mã"',
          field: 'code',
          reason: 'not an official code of 5 digits: "3x56"',
        },
      ]);
      // Record #1 was fine, and still did not land.
      expect(await unit(c, '03368')).toEqual([expect.objectContaining({ has_boundary: false })]);
      expect(await fingerprint(c.database.db)).toBe(print);
    });
  });

  it('repairs an invalid polygon with ST_MakeValid and says so, or rejects it with --strict', async () => {
    await withClone(async (c) => {
      const opts = { ...communes, file: fixture('bowtie-commune.geojson'), parent: '11' };
      const strict = await importFile(c.database.db, { ...opts, strict: true });
      expect(strict.ok).toBe(false);
      expect(strict.problems[0]).toMatchObject({
        record: '#1 "03349"',
        field: 'geometry',
        reason: expect.stringMatching(/^invalid geometry: Self-intersection/),
      });
      expect(await unit(c, '03349')).toEqual([expect.objectContaining({ has_boundary: false })]);

      const repaired = await importFile(c.database.db, opts);
      expect(repaired.committed).toBe(true);
      expect(repaired.warnings[0]).toMatchObject({
        record: '#1 "03349"',
        reason: expect.stringMatching(/^repaired with ST_MakeValid: Self-intersection/),
      });
      const { rows } = await sql<{ valid: boolean; parts: number }>`
        SELECT ST_IsValid(boundary) AS valid, ST_NumGeometries(boundary) AS parts FROM admin_units
        WHERE code = '03349' AND valid_to IS NULL`.execute(c.database.db);
      expect(rows).toEqual([{ valid: true, parts: 2 }]);
    });
  });

  it('keeps imported units and boundaries when data/ is seeded again', async () => {
    await withClone(async (c) => {
      await importFile(c.database.db, communes);
      await seed(c.database.db);
      expect(await unit(c, '99901')).toEqual([
        expect.objectContaining({ origin: 'import', has_boundary: true }),
      ]);
      expect(await unit(c, '03368')).toEqual([
        expect.objectContaining({ origin: 'seed', has_boundary: true }),
      ]);
    });
  });

  it('asks for the province of a commune it would have to create', async () => {
    const tmp = tempDir();
    try {
      const file = path.join(tmp.dir, 'orphan.geojson');
      const ring = [
        [103.0, 21.1],
        [103.05, 21.1],
        [103.05, 21.15],
        [103.0, 21.1],
      ];
      writeFileSync(
        file,
        JSON.stringify({
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: { code: '99902', name: 'Không Tỉnh' },
              geometry: { type: 'Polygon', coordinates: [ring] },
            },
          ],
        }),
      );
      await withClone(async (c) => {
        const r = await importFile(c.database.db, { ...communes, file });
        expect(r.ok).toBe(false);
        expect(r.problems).toEqual([
          expect.objectContaining({
            record: '#1 "99902"',
            field: 'province_code',
            reason: expect.stringMatching(/--parent/),
          }),
        ]);
      });
    } finally {
      tmp.remove();
    }
  });

  it('gives per-commune statistics from the boundary: border length in metres, checked against Turf', async () => {
    await withClone(async (c) => {
      await importFile(c.database.db, communes);
      const { rows } = await sql<{ code: string; neighbour: string; metres: number }>`
        SELECT u.code, b.neighbour, sum(ST_Length(ST_Intersection(u.boundary, b.geom)::geography))::float8 AS metres
        FROM layer_communes l JOIN admin_units u ON u.id = l.id
        JOIN border_segments b ON ST_Intersects(u.boundary, b.geom)
        WHERE l.geometry_kind = 'boundary'
        GROUP BY u.code, b.neighbour ORDER BY u.code, b.neighbour`.execute(c.database.db);
      const byKey = new Map(rows.map((r) => [`${r.code} ${r.neighbour}`, r.metres]));
      // Sín Thầu reaches the tripoint: its octagon (12 km across) holds border with China and Laos.
      expect(byKey.get('03158 CHN')).toBeGreaterThan(1000);
      expect(byKey.get('03158 LAO')).toBeGreaterThan(1000);
      // Quảng Lâm's octagon (3.6 km) stays inside Vietnam, 7.5 km from the border.
      expect([...byKey.keys()].some((k) => k.startsWith('03164'))).toBe(false);

      // Independently: clip the same border lines to the same polygon with Turf.
      const poly = await sql<{ g: string }>`
        SELECT ST_AsGeoJSON(boundary) AS g FROM admin_units WHERE code = '03158' AND valid_to IS NULL`.execute(
        c.database.db,
      );
      const polygon = turf.feature(JSON.parse(poly.rows[0]!.g));
      const lines = await sql<{ neighbour: string; g: string }>`
        SELECT neighbour, ST_AsGeoJSON(geom) AS g FROM border_segments b, admin_units u
        WHERE u.code = '03158' AND u.valid_to IS NULL AND ST_Intersects(u.boundary, b.geom)`.execute(
        c.database.db,
      );
      for (const n of ['CHN', 'LAO']) {
        let km = 0;
        for (const l of lines.rows.filter((x) => x.neighbour === n)) {
          const pieces = turf.lineSplit(turf.feature(JSON.parse(l.g)), polygon as any);
          const parts = pieces.features.length ? pieces.features : [turf.feature(JSON.parse(l.g))];
          for (const p of parts) {
            const mid = turf.along(p as any, turf.length(p as any) / 2);
            if (turf.booleanPointInPolygon(mid, polygon as any)) km += turf.length(p as any);
          }
        }
        // Turf measures on a sphere, PostGIS on the spheroid: within 1 %.
        expect(Math.abs(km * 1000 - byKey.get(`03158 ${n}`)!) / (km * 1000)).toBeLessThan(0.01);
      }
    });
  });
});
