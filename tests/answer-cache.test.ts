/**
 * Small feature pages and search answers are kept per data version
 * (server/http/answer-cache.ts): while the version stands, the same request
 * is answered from memory (a change made without a bump is not seen, which
 * shows the cache is used) with the same bytes, and the first request after
 * a bump shows the change. Large pages and CSV are never kept. Links name
 * the host that asked, so another Host gets its own answer. On a scratch
 * database with one province and its projects.
 */
import http from 'node:http';
import { type Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { DB } from '../server/db/types.ts';
import { useApp } from './helpers.ts';

const app = useApp({
  database: 'scratch',
  setup: async ({ db }) => {
    await sql`INSERT INTO admin_units (slug, code, name, kind, level, boundary, boundary_precision, valid_from, origin)
      VALUES ('tinh-thu', '99', 'Tỉnh Thử', 'tỉnh', 'province', ST_Multi(ST_MakeEnvelope(104, 20, 106, 22, 4326)),
              'schematic', '2025-07-01', 'test')`.execute(db);
    for (const slug of ['cho-mot', 'cho-hai']) await addProject(db, slug, `Chợ ${slug}`);
  },
});

async function addProject(db: Kysely<DB>, slug: string, name: string): Promise<void> {
  await sql`INSERT INTO projects (slug, name, category, unit_id, geom, precision, origin)
    SELECT ${slug}, ${name}, 'market', id, ST_Point(105, 21, 4326), 'surveyed', 'test'
    FROM admin_units WHERE slug = 'tinh-thu'`.execute(db);
}

/** What every write path does at its commit: bump the version; resolves once the app knows. */
async function bump(): Promise<void> {
  const { rows } = await sql<{ version: string }>`
    UPDATE data_version SET version = version + 1 RETURNING version`.execute(app.database.db);
  await app.version.waitFor(Number(rows[0]!.version));
}

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${app.base}${path}`, { headers });
  expect(res.status).toBe(200);
  return {
    body: await res.text(),
    timing: res.headers.get('server-timing'),
    type: res.headers.get('content-type'),
  };
}

const names = (body: string) =>
  (JSON.parse(body) as { features: { properties: { name: string } }[] }).features
    .map((f) => f.properties.name)
    .sort();

describe('answer cache', () => {
  it('keeps a small page until the data version moves', async () => {
    const path = '/ogc/collections/projects/items?limit=10';
    const first = await get(path);
    expect(first.timing ?? '').not.toMatch(/cache;desc="hit"/);
    expect(names(first.body)).toEqual(['Chợ cho-hai', 'Chợ cho-mot']);
    const second = await get(path);
    expect(second.timing).toMatch(/cache;desc="hit"/);
    expect(second.body).toBe(first.body);
    expect(second.type).toBe(first.type);

    // Written without a bump: the cache still answers (it is what is being tested).
    await addProject(app.database.db, 'cho-ba', 'Chợ cho-ba');
    expect(names((await get(path)).body)).toHaveLength(2);
    await bump();
    const after = await get(path);
    expect(after.timing ?? '').not.toMatch(/cache;desc="hit"/);
    expect(names(after.body)).toEqual(['Chợ cho-ba', 'Chợ cho-hai', 'Chợ cho-mot']);
  });

  it('gives another host its own links', async () => {
    const path = '/ogc/collections/projects/items?limit=1';
    await get(path);
    // fetch may not set Host: node:http may.
    const body = await new Promise<string>((resolve, reject) => {
      const req = http.get(`${app.base}${path}`, { headers: { Host: 'atlas.example.org' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
    });
    const self = (JSON.parse(body) as { links: { rel: string; href: string }[] }).links.find(
      (l) => l.rel === 'self',
    );
    expect(self?.href).toMatch(/^http:\/\/atlas\.example\.org\//);
  });

  it('never keeps CSV or large pages', async () => {
    for (const path of [
      '/ogc/collections/projects/items?limit=10&f=csv',
      '/ogc/collections/projects/items?limit=2000',
    ]) {
      await get(path);
      expect((await get(path)).timing ?? '').not.toMatch(/cache;desc="hit"/);
    }
  });

  it('keeps a search answer until the data version moves', async () => {
    const path = '/api/search?q=tinh%20thu';
    const first = await get(path);
    const second = await get(path);
    expect(second.timing).toMatch(/cache;desc="hit"/);
    expect(second.body).toBe(first.body);
    await sql`UPDATE admin_units SET name = 'Tỉnh Thử Mới' WHERE slug = 'tinh-thu'`.execute(app.database.db);
    await bump();
    const after = await get(path);
    expect(after.body).toContain('Tỉnh Thử Mới');
  });
});
