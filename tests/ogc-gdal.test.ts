/**
 * GDAL reads the feature API as a GIS user would (Debian's GDAL 3.6, OAPIF
 * driver): ogrinfo lists the collections, ogr2ogr copies a collection into a
 * GeoPackage page by page, and a -where clause is sent to the server as CQL.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layers } from '../server/layers/index.ts';
import { useApp } from './helpers.ts';

const run = promisify(execFile);
const app = useApp();
const { database } = app;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ogc-gdal-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const env = (debug = false) => ({ ...process.env, CPL_DEBUG: debug ? 'ON' : 'OFF', GDAL_HTTP_TIMEOUT: '30' });

async function count(sqlText: ReturnType<typeof sql<{ n: number }>>): Promise<number> {
  const { rows } = await sqlText.execute(database.db);
  return Number(rows[0]!.n);
}

describe('GDAL (OAPIF driver) on /ogc', () => {
  it('ogrinfo -ro -so lists every collection', async () => {
    const { stdout } = await run('ogrinfo', ['-ro', '-so', `OAPIF:${app.base}/ogc`], { env: env() });
    const listed = [...stdout.matchAll(/^\d+: (\S+)/gm)].map((m) => m[1]);
    expect(listed).toEqual(layers.map((l) => l.id));
  });

  it('ogr2ogr copies projects into a GeoPackage with exactly the database count, paging by next links', async () => {
    const out = path.join(dir, 'projects.gpkg');
    const expected = await count(sql<{ n: number }>`SELECT count(*) AS n FROM layer_projects`);
    expect(expected).toBeGreaterThan(7);
    const { stderr } = await run(
      'ogr2ogr',
      ['-oo', 'PAGE_SIZE=7', '-f', 'GPKG', out, `OAPIF:${app.base}/ogc`, 'projects'],
      { env: env(true) },
    );
    // GDAL logs each request: the second page is the one our next link names (by cursor).
    expect(stderr).toMatch(/\/ogc\/collections\/projects\/items\?limit=7&cursor=[\w.-]+/);
    const { stdout } = await run('ogrinfo', ['-ro', '-so', out, 'projects'], { env: env() });
    expect(Number(/Feature Count: (\d+)/.exec(stdout)![1])).toBe(expected);
  });

  it('types fields from the collection schema: integers stay integers even when the first page has none', async () => {
    const { stdout } = await run('ogrinfo', ['-ro', '-so', `OAPIF:${app.base}/ogc`, 'projects'], {
      env: env(),
    });
    expect(stdout).toMatch(/start_year: Integer/);
    expect(stdout).toMatch(/investment_bn_vnd: Real/);
    expect(stdout).toMatch(/name: String/);
  });

  it('keeps Vietnamese diacritics through the copy', async () => {
    const out = path.join(dir, 'markets.gpkg');
    await run('ogr2ogr', ['-f', 'GPKG', out, `OAPIF:${app.base}/ogc`, 'markets'], { env: env() });
    const { stdout } = await run(
      'ogrinfo',
      ['-ro', out, '-sql', "SELECT name FROM markets WHERE name = 'Chợ Kim Sơn'"],
      {
        env: env(),
      },
    );
    expect(stdout).toContain('name (String) = Chợ Kim Sơn');
  });

  it('sends a -where clause to the server as a CQL filter and gets the same features as the database', async () => {
    const out = path.join(dir, 'filtered.gpkg');
    const where = "category = 'market' AND investment_bn_vnd > 10";
    const { stderr } = await run(
      'ogr2ogr',
      ['-f', 'GPKG', out, `OAPIF:${app.base}/ogc`, 'projects', '-where', where],
      { env: env(true) },
    );
    expect(stderr).toContain('filter-lang=cql-text');
    const { stdout } = await run('ogrinfo', ['-ro', '-so', out, 'projects'], { env: env() });
    const expected = await count(
      sql<{
        n: number;
      }>`SELECT count(*) AS n FROM layer_projects WHERE category = 'market' AND investment_bn_vnd > 10`,
    );
    expect(Number(/Feature Count: (\d+)/.exec(stdout)![1])).toBe(expected);
  });
});
