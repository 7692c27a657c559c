/**
 * `npm run import` as a person runs it (issue #7): the report on stdout,
 * exit 0 when it landed, 1 when the file was rejected, 2 for bad arguments,
 * and Debian's gdal-bin named when GDAL is missing.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Clone, fixture, SOURCE, seededTemplate, type Template, tempDir } from './import-support.ts';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

let template: Template;
let clone: Clone;
beforeAll(async () => {
  template = await seededTemplate();
  clone = await template.clone();
});
afterAll(async () => {
  await clone?.drop();
  await template?.drop();
});

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [tsx, path.join(root, 'scripts', 'import.ts'), ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: clone.url, ...env },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run import', () => {
  it('prints the report and exits 0 when the file lands, then 0 with nothing changed the second time', () => {
    const args = [fixture('dien-bien-communes.geojson'), '--layer', 'communes', '--source', SOURCE];
    const first = run(args);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^dien-bien-communes\.geojson → communes: imported \(data version \d+\)$/m);
    expect(first.stdout).toMatch(/inserted 1, updated 5, unchanged 0, new citations 6/);
    const second = run(args);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/communes: nothing changed, nothing written/);
  });

  it('exits 1 and lists the problems when the file is rejected', () => {
    const r = run([fixture('projects-bad.csv'), '--layer', 'projects', '--source', SOURCE]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAILED, nothing written/);
    expect(r.stdout).toMatch(
      /projects-bad\.csv: line 4 "B-03": commune_code: no current commune has code 09999/,
    );
  });

  it('exits 2 naming the option for bad arguments', () => {
    const r = run([fixture('projects-bad.csv'), '--layer', 'rivers', '--source', SOURCE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^import: --layer: "rivers"; expected provinces, communes, roads, projects, border-gates/m,
    );
    const s = run([fixture('projects-bad.csv'), '--layer', 'projects', '--srid', 'utm']);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/--srid: "utm"/);
  });

  it("names Debian's gdal-bin when ogr2ogr is not installed", () => {
    const tmp = tempDir();
    try {
      const gpkg = path.join(tmp.dir, 'communes.gpkg');
      spawnSync('ogr2ogr', ['-f', 'GPKG', gpkg, fixture('dien-bien-communes.geojson')]);
      // An empty directory as PATH: node is started by its full path, GDAL cannot be found.
      const r = run([gpkg, '--layer', 'communes', '--source', SOURCE], { PATH: tmp.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/ogr2ogr.*apt-get install gdal-bin/);
    } finally {
      tmp.remove();
    }
  });
});
