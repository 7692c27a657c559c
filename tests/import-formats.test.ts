/**
 * Import formats (issue #7): a GeoPackage in UTM made with ogr2ogr, a
 * Shapefile, GeoJSON text sequences, a truncated file; and bad arguments,
 * each naming its option.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../seeds/load.ts';
import { ImportArgumentError, type ImportOptions, importFile } from '../server/import/index.ts';
import { openReader } from '../server/import/readers/index.ts';
import { type Clone, fixture, SOURCE, seededTemplate, type Template, tempDir } from './import-support.ts';

let template: Template;
let tmp: ReturnType<typeof tempDir>;
beforeAll(async () => {
  template = await seededTemplate();
  tmp = tempDir();
});
afterAll(async () => {
  await template?.drop();
  tmp?.remove();
});

async function withClone(fn: (c: Clone) => Promise<void>): Promise<void> {
  const c = await template.clone();
  try {
    await fn(c);
  } finally {
    await c.drop();
  }
}

const communes: ImportOptions = {
  file: fixture('dien-bien-communes.geojson'),
  layer: 'communes',
  source: SOURCE,
};

/** ogr2ogr from the GeoJSON fixture to `name` in the temp dir. */
function convert(name: string, ...args: string[]): string {
  const out = path.join(tmp.dir, name);
  execFileSync('ogr2ogr', [...args, out, communes.file], { stdio: 'pipe' });
  return out;
}

/** Largest distance between the stored boundary and the fixture's polygon, in metres. */
async function offset(c: Clone, code: string, feature: number): Promise<number> {
  const g = JSON.stringify(JSON.parse(readFileSync(communes.file, 'utf8')).features[feature].geometry);
  const { rows } = await sql<{ m: number }>`
    SELECT ST_HausdorffDistance(boundary, ST_SetSRID(ST_GeomFromGeoJSON(${g}), 4326)) * 111320 AS m
    FROM admin_units WHERE code = ${code} AND valid_to IS NULL`.execute(c.database.db);
  return rows[0]!.m;
}

describe('import formats', () => {
  it('reads a GeoPackage in UTM zone 48N (EPSG:32648) and puts the boundaries back where they were drawn', async () => {
    const gpkg = convert('communes-utm.gpkg', '-f', 'GPKG', '-t_srs', 'EPSG:32648', '-nln', 'communes');
    await withClone(async (c) => {
      const r = await importFile(c.database.db, { ...communes, file: gpkg });
      expect(r.problems).toEqual([]);
      expect(r).toMatchObject({ ok: true, committed: true, format: 'gpkg', srid: 4326 });
      expect(r.matched).toEqual({ byCode: 4, byName: 1 });
      expect(await offset(c, '03368', 0)).toBeLessThan(0.5);
      expect(await offset(c, '03158', 1)).toBeLessThan(0.5);
    });
  });

  it('loses no feature of the ogr2ogr pipe when the reader starts late', async () => {
    const gpkg = convert('late-reader.gpkg', '-f', 'GPKG');
    const reader = await openReader(gpkg);
    // ogr2ogr has long finished writing by now; its output must still be all there.
    await new Promise((r) => setTimeout(r, 1500));
    let n = 0;
    for await (const rec of reader.records) if (!rec.bad) n++;
    expect(n).toBe(6);
  });

  it('takes --srid for a Shapefile that has no .prj', async () => {
    const shp = convert(
      'communes-utm.shp',
      '-f',
      'ESRI Shapefile',
      '-t_srs',
      'EPSG:32648',
      '-lco',
      'ENCODING=UTF-8',
    );
    execFileSync('rm', [shp.replace(/\.shp$/, '.prj')]);
    await withClone(async (c) => {
      const without = await importFile(c.database.db, { ...communes, file: shp });
      expect(without.ok).toBe(false);
      expect(without.problems[0]!.reason).toMatch(/these look like projected coordinates: give --srid/);
      const r = await importFile(c.database.db, { ...communes, file: shp, srid: 32648 });
      expect(r).toMatchObject({ ok: true, committed: true, format: 'shp' });
      expect(await offset(c, '03368', 0)).toBeLessThan(0.5);
    });
  });

  it('changes nothing when the same communes come again as a Shapefile (clockwise rings) after the GeoJSON', async () => {
    const shp = convert('communes.shp', '-f', 'ESRI Shapefile', '-lco', 'ENCODING=UTF-8');
    await withClone(async (c) => {
      await importFile(c.database.db, communes);
      const print = await fingerprint(c.database.db);
      const r = await importFile(c.database.db, { ...communes, file: shp });
      expect(r).toMatchObject({ ok: true, changed: false, committed: false });
      expect(await fingerprint(c.database.db)).toBe(print);
    });
  });

  it('reads GeoJSON text sequences line by line', async () => {
    const seq = convert('communes.geojsons', '-f', 'GeoJSONSeq', '-lco', 'RS=YES');
    await withClone(async (c) => {
      const r = await importFile(c.database.db, { ...communes, file: seq, dryRun: true });
      expect(r).toMatchObject({ ok: true, format: 'geojsonseq', records: { read: 6, skipped: 0 } });
    });
  });

  it('reports a truncated GeoJSON file as a problem of the file and writes nothing', async () => {
    const text = readFileSync(communes.file, 'utf8');
    const cut = path.join(tmp.dir, 'truncated.geojson');
    writeFileSync(cut, text.slice(0, Math.floor(text.length * 0.6)));
    await withClone(async (c) => {
      const r = await importFile(c.database.db, { ...communes, file: cut });
      expect(r.ok).toBe(false);
      expect(r.problems).toEqual([
        expect.objectContaining({
          record: '(file)',
          field: '(file)',
          reason: expect.stringMatching(/truncated/),
        }),
      ]);
    });
  });

  it('names a record whose geometry cannot be parsed, and only that one', async () => {
    const csv = path.join(tmp.dir, 'gates-bad-wkt.csv');
    writeFileSync(
      csv,
      'ten,loai,nuoc,wkt\nCửa khẩu Tây Trang,quốc tế,Lào,POINT(102.9086 21.2185)\nCửa khẩu hỏng,phụ,Lào,POINT(102.9 21.2\n',
    );
    await withClone(async (c) => {
      const r = await importFile(c.database.db, { file: csv, layer: 'border-gates', source: SOURCE });
      expect(r.ok).toBe(false);
      expect(r.problems).toEqual([
        expect.objectContaining({
          record: 'line 3 "Cửa khẩu hỏng"',
          field: 'geometry',
          reason: expect.stringMatching(/^cannot read: /),
        }),
      ]);
    });
  });

  it('skips records that do not match --where', async () => {
    await withClone(async (c) => {
      const r = await importFile(c.database.db, {
        ...communes,
        where: { ma_tinh: '11', ma_xa: '03368' },
        dryRun: true,
      });
      expect(r.records).toEqual({ read: 1, skipped: 5 });
    });
  });

  it("names Debian's gdal-bin when GDAL's programs are missing", async () => {
    const gpkg = convert('for-missing-gdal.gpkg', '-f', 'GPKG');
    await withClone(async (c) => {
      const e = await importFile(
        c.database.db,
        { ...communes, file: gpkg },
        { gdalBin: '/nonexistent/' },
      ).catch((x) => x);
      expect(e).toBeInstanceOf(ImportArgumentError);
      expect(e.message).toMatch(/apt-get install gdal-bin/);
    });
  });

  const badArguments: [string, Partial<ImportOptions>, string, RegExp][] = [
    ['an unknown layer', { layer: 'rivers' as never }, '--layer', /provinces, communes, roads/],
    ['no source', { source: ' ' }, '--source', /title, URL/],
    ['a source URL that is not one', { source: 'Bản đồ, https://' }, '--source', /is not a URL/],
    ['an SRID PostGIS does not know', { srid: 999999 }, '--srid', /spatial_ref_sys/],
    ['a field the layer does not have', { map: { population: 'dan_so' } }, '--map', /code, name, full_name/],
    ['a missing file', { file: '/nonexistent/x.geojson' }, 'file', /cannot read/],
    ['approximate without an uncertainty', { precision: 'approximate' }, '--uncertainty', /metres/],
    ['a parent that is not a province code', { parent: 'Điện Biên' }, '--parent', /province code/],
  ];
  for (const [what, change, option, message] of badArguments) {
    it(`rejects ${what}, naming ${option}`, async () => {
      await withClone(async (c) => {
        const e = await importFile(c.database.db, { ...communes, ...change }).catch((x) => x);
        expect(e).toBeInstanceOf(ImportArgumentError);
        expect(e.option).toBe(option);
        expect(e.message).toMatch(message);
      });
    });
  }
});
