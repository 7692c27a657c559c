/**
 * Every method × role × layer of the write API, from a table: POST, PATCH,
 * PUT and DELETE as anonymous (401), viewer (403), editor and admin (201,
 * 200, 200, 204) on every layer of the registry; derived layers answer 405
 * with Allow whoever asks. Each refusal is a problem+json and leaves the
 * database's fingerprint as it was; each success changes it.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { layers } from '../server/layers/index.ts';
import {
  COMMUNE_CODE,
  fingerprint,
  pickCommune,
  type RoleName,
  seedWithTokens,
  send,
} from './edit-support.ts';
import { useApp } from './helpers.ts';

const app = useApp({
  database: 'scratch',
  setup: async (d) => {
    await seedWithTokens(d);
    await pickCommune(d);
  },
});

const ROLES: RoleName[] = ['anonymous', 'viewer', 'editor', 'admin'];
const WRITABLE = [
  'projects',
  'markets',
  'industrial-parks',
  'border-gates',
  'roads',
  'communes',
  'provinces',
];
const DERIVED = ['countries', 'border-segments'];

let provinceSlug = '';
let sourceId = '';
let serial = 0;

beforeAll(async () => {
  const { rows } = await sql<{ slug: string }>`
    SELECT slug FROM admin_units WHERE level = 'province' AND valid_to IS NULL ORDER BY id LIMIT 1`.execute(
    app.database.db,
  );
  provinceSlug = rows[0]!.slug;
  const s = await sql<{ id: string }>`SELECT id FROM sources ORDER BY id LIMIT 1`.execute(app.database.db);
  sourceId = s.rows[0]!.id;
});

const point = { type: 'Point', coordinates: [103.96, 22.5] };
const place = () => ({ commune_code: COMMUNE_CODE, precision: 'approximate', uncertainty_m: 500 });

/** A new feature of each writable layer, unique per call. */
function fixture(layer: string): { type: 'Feature'; geometry: unknown; properties: Record<string, unknown> } {
  const n = ++serial;
  const source = { id: sourceId };
  const project = {
    name: `Dự án ma trận ${n}`,
    investment_bn_vnd: null,
    investment_qualifier: null,
    ...place(),
    source,
  };
  switch (layer) {
    case 'projects':
      return { type: 'Feature', geometry: point, properties: { ...project, category: 'school' } };
    case 'markets':
      return { type: 'Feature', geometry: point, properties: { ...project, category: 'market', kiosks: 10 } };
    case 'industrial-parks':
      return {
        type: 'Feature',
        geometry: point,
        properties: { ...project, category: 'industrial_park', hectares: 50 },
      };
    case 'border-gates':
      return {
        type: 'Feature',
        geometry: point,
        properties: {
          name: `Cửa khẩu ma trận ${n}`,
          kind: 'secondary',
          neighbour: 'CHN',
          ...place(),
          source,
        },
      };
    case 'roads':
      return {
        type: 'Feature',
        geometry: {
          type: 'LineString',
          coordinates: [
            [103.9, 22.4],
            [104, 22.5],
          ],
        },
        properties: { name: `Đường ma trận ${n}`, class: 'rural', precision: 'schematic', source },
      };
    case 'communes':
      return {
        type: 'Feature',
        geometry: point,
        properties: {
          code: String(90000 + n),
          name: `Ma Trận ${n}`,
          kind: 'xã',
          parent: provinceSlug,
          precision: 'approximate',
          uncertainty_m: 1000,
          source,
        },
      };
    case 'provinces':
      return {
        type: 'Feature',
        geometry: point,
        properties: {
          code: null,
          name: `Tỉnh Ma Trận ${n}`,
          kind: 'tỉnh',
          precision: 'approximate',
          uncertainty_m: 5000,
          source,
        },
      };
    default:
      return { type: 'Feature', geometry: point, properties: { name: 'x', source } };
  }
}

/** A change every layer takes: its name. */
const rename = (n: string) => ({ properties: { name: n, source: { id: sourceId } } });

async function etagOf(layer: string, id: number): Promise<string> {
  const r = await fetch(`${app.base}/ogc/collections/${layer}/items/${id}`);
  return r.headers.get('etag') ?? '"none"';
}

async function anyId(layer: string): Promise<number> {
  const r = await send(app.base, 'GET', `/ogc/collections/${layer}/items?limit=1`, 'anonymous');
  return (r.body.features as { id: number }[])[0]!.id;
}

function expectProblem(r: Awaited<ReturnType<typeof send>>, status: number) {
  expect(r.status, r.text).toBe(status);
  expect(r.headers.get('content-type')).toContain('application/problem+json');
  expect(r.body.status).toBe(status);
}

describe.each(WRITABLE)('writable layer %s', (layer) => {
  const items = `/ogc/collections/${layer}/items`;
  let existing = 0;
  beforeAll(async () => {
    const r = await send(app.base, 'POST', items, 'editor', fixture(layer));
    expect(r.status, r.text).toBe(201);
    existing = r.body.id as number;
  });

  it.each(ROLES)(`as %s: POST, PATCH, PUT, DELETE`, async (role) => {
    const allowed = role === 'editor' || role === 'admin';
    if (!allowed) {
      const want = role === 'anonymous' ? 401 : 403;
      const tag = await etagOf(layer, existing);
      const attempts: [string, string, unknown][] = [
        ['POST', items, fixture(layer)],
        ['PATCH', `${items}/${existing}`, rename('Không được')],
        ['PUT', `${items}/${existing}`, fixture(layer)],
        ['DELETE', `${items}/${existing}`, undefined],
      ];
      for (const [method, path, body] of attempts) {
        const before = await fingerprint(app.database);
        const r = await send(app.base, method, path, role, body, { 'If-Match': tag });
        expectProblem(r, want);
        if (want === 401) expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(await fingerprint(app.database), `${method} as ${role}`).toBe(before);
      }
      return;
    }
    let before = await fingerprint(app.database);
    const created = await send(app.base, 'POST', items, role, fixture(layer));
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('location')).toBe(
      `${app.base}/ogc/collections/${layer}/items/${created.body.id}`,
    );
    expect(await fingerprint(app.database)).not.toBe(before);
    const id = created.body.id as number;

    before = await fingerprint(app.database);
    const patched = await send(app.base, 'PATCH', `${items}/${id}`, role, rename(`Đổi tên ${role}`), {
      'If-Match': created.headers.get('etag')!,
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.properties?.name).toBe(`Đổi tên ${role}`);
    expect(await fingerprint(app.database)).not.toBe(before);

    const replacement = fixture(layer);
    const put = await send(app.base, 'PUT', `${items}/${id}`, role, replacement, {
      'If-Match': patched.headers.get('etag')!,
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body.properties?.name).toBe(replacement.properties.name);

    const del = await send(app.base, 'DELETE', `${items}/${id}`, role, undefined, {
      'If-Match': put.headers.get('etag')!,
    });
    expect(del.status, del.text).toBe(204);
    expect((await fetch(`${app.base}${items}/${id}`)).status).toBe(404);
  });
});

describe.each(DERIVED)('derived layer %s', (layer) => {
  const items = `/ogc/collections/${layer}/items`;
  it.each(ROLES)('as %s: 405 with Allow for every write, nothing changed', async (role) => {
    const id = await anyId(layer);
    for (const [method, path] of [
      ['POST', items],
      ['PATCH', `${items}/${id}`],
      ['PUT', `${items}/${id}`],
      ['DELETE', `${items}/${id}`],
    ] as const) {
      const before = await fingerprint(app.database);
      const r = await send(app.base, method, path, role, method === 'DELETE' ? undefined : rename('x'), {
        'If-Match': '*',
      });
      expectProblem(r, 405);
      expect(r.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
      expect(await fingerprint(app.database)).toBe(before);
    }
  });
});

it('the table covers every layer of the registry', () => {
  expect([...WRITABLE, ...DERIVED].sort()).toEqual(layers.map((l) => l.id).sort());
});
