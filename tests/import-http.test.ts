/**
 * POST /api/import (server/import/http.ts): the import command over HTTP.
 * Multipart uploads of the import fixtures into a seeded scratch database:
 * the same report as the command line, a dry run that writes nothing, a
 * file with bad records refused whole (fingerprint unchanged), bad fields
 * named in a 400, a file over IMPORT_MAX_BYTES a 413, progress as NDJSON,
 * a GeoPackage read through GDAL, and only editors and admins may.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect as tcp } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { seed } from '../seeds/index.ts';
import { fingerprint } from '../seeds/load.ts';
import { createToken } from '../server/auth/tokens.ts';
import type { ImportReport } from '../server/import/index.ts';
import { useApp, waitFor } from './helpers.ts';
import { dataVersion, fixture, SOURCE, tempDir } from './import-support.ts';

const MAX = 256 * 1024;
const app = useApp({
  database: 'scratch',
  setup: async (d) => {
    await seed(d.db);
  },
  config: { IMPORT_MAX_BYTES: MAX, WRITE_RATE_LIMIT: 0 },
});

const tmp = tempDir();
afterAll(() => tmp.remove());

const tokens: Partial<Record<'viewer' | 'editor' | 'admin', string>> = {};
async function token(role: 'viewer' | 'editor' | 'admin'): Promise<string> {
  tokens[role] ??= (await createToken(app.database.db, { name: `import ${role}`, role })).token;
  return tokens[role];
}

type Fields = Record<string, string>;

function form(file: { name: string; data: Buffer | string } | null, fields: Fields): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  if (file)
    f.append(
      'file',
      new Blob([typeof file.data === 'string' ? file.data : new Uint8Array(file.data)]),
      file.name,
    );
  return f;
}

const fromFixture = (name: string) => ({ name, data: readFileSync(fixture(name)) });

async function post(
  body: FormData | string,
  opts: { role?: 'viewer' | 'editor' | 'admin' | null; headers?: Record<string, string> } = {},
): Promise<Response> {
  const role = opts.role === undefined ? 'editor' : opts.role;
  const auth: Record<string, string> = role ? { authorization: `Bearer ${await token(role)}` } : {};
  return fetch(`${app.base}/api/import`, { method: 'POST', body, headers: { ...auth, ...opts.headers } });
}

async function state(): Promise<[string, number]> {
  return [await fingerprint(app.database.db), await dataVersion(app.database)];
}

async function importedProjects(): Promise<string[]> {
  const { rows } = await sql<{ slug: string }>`
    SELECT slug FROM projects WHERE origin = 'import' ORDER BY slug`.execute(app.database.db);
  return rows.map((r) => r.slug);
}

async function problem(res: Response, status: number, parameter?: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as { parameter?: string; detail: string };
  if (parameter !== undefined) expect(body.parameter, text).toBe(parameter);
  return body;
}

describe('POST /api/import', () => {
  it('needs an editor: 401 anonymous, 403 viewer, nothing written', async () => {
    const before = await state();
    const body = () => form(fromFixture('projects-dien-bien.csv'), { layer: 'projects', source: SOURCE });
    await problem(await post(body(), { role: null }), 401);
    await problem(await post(body(), { role: 'viewer' }), 403);
    expect(await state()).toEqual(before);
  });

  it('dry run: the report of what would land, and nothing written', async () => {
    const before = await state();
    const res = await post(
      form(fromFixture('projects-dien-bien.csv'), { layer: 'projects', source: SOURCE, dry_run: 'true' }),
    );
    expect(res.status).toBe(200);
    const r = (await res.json()) as ImportReport;
    expect(r).toMatchObject({
      file: 'projects-dien-bien.csv',
      layer: 'projects',
      format: 'csv',
      dryRun: true,
      ok: true,
      changed: true,
      committed: false,
      records: { read: 4, skipped: 0 },
      written: { inserted: 4, updated: 0 },
    });
    expect(await state()).toEqual(before);
  });

  it('imports a CSV of projects: the same report as the command line, the rows there, the version bumped', async () => {
    const [, version] = await state();
    const res = await post(
      form(fromFixture('projects-dien-bien.csv'), { layer: 'projects', source: SOURCE }),
      {
        role: 'admin',
      },
    );
    const r = (await res.json()) as ImportReport;
    expect(res.status, JSON.stringify(r.problems)).toBe(200);
    expect(r).toMatchObject({ ok: true, committed: true, dryRun: false, written: { inserted: 4 } });
    expect(r.dataVersion).toBeGreaterThan(version);
    expect(await dataVersion(app.database)).toBe(r.dataVersion);
    const slugs = await importedProjects();
    expect(slugs).toEqual(['db-01', 'db-02', 'db-03', 'na-01'].map((s) => `${r.source.id}-${s}`));
    // The audit holds the import, in the same transaction: who, which layer, the source.
    const logged = await app.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('operation', '=', 'import')
      .where('source_id', '=', r.source.id)
      .execute();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ outcome: 'applied', layer: 'projects', feature_id: null });
    expect(logged[0]!.token_id).not.toBeNull();
    // Again: nothing changes, nothing is written, not even the version.
    const again = (await (
      await post(form(fromFixture('projects-dien-bien.csv'), { layer: 'projects', source: SOURCE }))
    ).json()) as ImportReport;
    expect(again).toMatchObject({ ok: true, changed: false, committed: false });
    expect(await dataVersion(app.database)).toBe(r.dataVersion);
  });

  it('refuses a file with bad records whole (422 with the report), byte for byte nothing written', async () => {
    const before = await state();
    // Under a Vietnamese name: the report speaks of the file as it was sent.
    const bad = { name: 'Dự án lỗi.csv', data: readFileSync(fixture('projects-bad.csv')) };
    const res = await post(form(bad, { layer: 'projects', source: SOURCE }));
    expect(res.status).toBe(422);
    const r = (await res.json()) as ImportReport;
    expect(r.ok).toBe(false);
    expect(r.file).toBe('Dự án lỗi.csv');
    expect(r.committed).toBe(false);
    expect(r.problems.map((p) => [p.file, p.record, p.field])).toEqual([
      ['Dự án lỗi.csv', 'line 3 "B-02"', 'geometry'],
      ['Dự án lỗi.csv', 'line 4 "B-03"', 'commune_code'],
      ['Dự án lỗi.csv', 'line 5 "B-04"', 'start_year'],
      ['Dự án lỗi.csv', 'line 6 "B-05"', 'category'],
    ]);
    expect(await state()).toEqual(before);
  });

  it('names the bad field in a 400 and writes nothing', async () => {
    const before = await state();
    const csv = fromFixture('projects-dien-bien.csv');
    const cases: [FormData, string][] = [
      [form(csv, { layer: 'spaceports', source: SOURCE }), 'layer'],
      [form(csv, { layer: 'projects' }), 'source'],
      [form(csv, { layer: 'projects', source: SOURCE, srid: 'abc' }), 'srid'],
      [form(csv, { layer: 'projects', source: SOURCE, srid: '999999' }), 'srid'],
      [form(csv, { layer: 'projects', source: SOURCE, dry_run: 'perhaps' }), 'dry_run'],
      [form(csv, { layer: 'projects', source: SOURCE, map: 'code' }), 'map'],
      [form(csv, { layer: 'projects', source: SOURCE, precision: 'guessed' }), 'precision'],
      [form(csv, { layer: 'projects', source: SOURCE, parent: 'x1' }), 'parent'],
      [form(csv, { layer: 'projects', source: SOURCE, colour: 'red' }), 'colour'],
      [form(null, { layer: 'projects', source: SOURCE }), 'file'],
      [form({ name: 'notes.docx', data: 'PK' }, { layer: 'projects', source: SOURCE }), 'file'],
    ];
    for (const [body, field] of cases) await problem(await post(body), 400, field);
    // A field twice, and two files.
    const twice = form(csv, { layer: 'projects', source: SOURCE });
    twice.append('layer', 'roads');
    await problem(await post(twice), 400, 'layer');
    const two = form(csv, { layer: 'projects', source: SOURCE });
    two.append('file', new Blob(['x']), 'b.csv');
    await problem(await post(two), 400, 'file');
    // Not multipart at all.
    await problem(
      await post('{"layer":"projects"}', { headers: { 'content-type': 'application/json' } }),
      415,
      'Content-Type',
    );
    expect(await state()).toEqual(before);
  });

  it('refuses a file over IMPORT_MAX_BYTES with 413 naming file', async () => {
    const before = await state();
    const big = `id,ten,loai,ma_xa,lon,lat\n${'X-1,Tuyến đường thử,road,03368,103.149,20.960\n'.repeat(6000)}`;
    expect(Buffer.byteLength(big)).toBeGreaterThan(MAX);
    const b = await problem(
      await post(form({ name: 'big.csv', data: big }, { layer: 'projects', source: SOURCE })),
      413,
      'file',
    );
    expect(b.detail).toContain(String(MAX));
    expect(await state()).toEqual(before);
  });

  it('streams progress lines then the report with Accept: application/x-ndjson', async () => {
    const res = await post(
      form(fromFixture('dien-bien-roads.geojson'), { layer: 'roads', source: SOURCE, dry_run: '1' }),
      { headers: { accept: 'application/x-ndjson' } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    // fetch accepts br and gzip: progress lines are still sent as they are (server/http/compress.ts).
    expect(res.headers.get('content-encoding')).toBeNull();
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { progress?: { phase: string }; report?: ImportReport });
    const phases = lines.flatMap((l) => (l.progress ? [l.progress.phase] : []));
    expect(phases).toEqual(expect.arrayContaining(['reading', 'checking', 'writing']));
    expect(lines.at(-1)?.report).toMatchObject({ layer: 'roads', ok: true, dryRun: true, committed: false });
    expect(lines.slice(0, -1).every((l) => l.progress)).toBe(true);
    // A bad field is still a plain 400 problem: nothing had started.
    await problem(
      await post(
        form(fromFixture('dien-bien-roads.geojson'), { layer: 'roads', source: SOURCE, srid: '999999' }),
        {
          headers: { accept: 'application/x-ndjson' },
        },
      ),
      400,
      'srid',
    );
  });

  it('reads a GeoPackage through GDAL, by the uploaded name', async () => {
    const gpkg = path.join(tmp.dir, 'Đường Điện Biên.gpkg');
    execFileSync('ogr2ogr', ['-f', 'GPKG', gpkg, fixture('dien-bien-roads.geojson')]);
    const res = await post(
      form(
        { name: path.basename(gpkg), data: readFileSync(gpkg) },
        { layer: 'roads', source: SOURCE, dry_run: 'true' },
      ),
    );
    const r = (await res.json()) as ImportReport;
    expect(res.status, JSON.stringify(r)).toBe(200);
    expect(r).toMatchObject({ file: 'Đường Điện Biên.gpkg', format: 'gpkg', ok: true, dryRun: true });
    expect(r.records.read).toBeGreaterThan(0);
  });

  it('drops the part of a file whose client went away mid-upload', async () => {
    const uploads = () => readdirSync(tmpdir()).filter((n) => n.startsWith('border-atlas-upload-'));
    const before = await state();
    const boundary = 'b0undary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="layer"\r\n\r\nprojects\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="half.csv"\r\n\r\nid,ten,loai,ma_xa,lon,lat\n`;
    const { port } = new URL(app.base);
    const socket = tcp(Number(port), '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write(
      `POST /api/import HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${await token('editor')}\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 100000\r\n\r\n${head}`,
    );
    // The server has the part on disk…
    expect(await waitFor(async () => uploads().length > 0, 30_000)).toBe(true);
    socket.destroy();
    // …and deletes it once the client is gone.
    expect(await waitFor(async () => uploads().length === 0, 30_000)).toBe(true);
    expect(await state()).toEqual(before);
  });
});
