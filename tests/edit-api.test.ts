/**
 * The write API (OGC API - Features Part 4) against a seeded scratch
 * database: create, replace, update and delete on every writable layer,
 * ETags and If-Match (428, 412, two concurrent PATCHes), refused writes that
 * leave the database as it was, and the data version that every reader
 * (tiles, pages, near-border, statistics) keys on.
 */
import { describe, expect, it } from 'vitest';
import {
  dataVersion,
  fingerprint,
  getFeature,
  idOf,
  newMarket,
  pickCommune,
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

const items = (layer: string) => `/ogc/collections/${layer}/items`;

describe('create, read, update, delete a project', () => {
  it('POST creates a market: 201, Location, ETag, the feature as GET returns it, on the markets layer too', async () => {
    const r = await send(app.base, 'POST', items('projects'), 'editor', newMarket());
    expect(r.status, r.text).toBe(201);
    const location = r.headers.get('location')!;
    expect(location).toMatch(/\/ogc\/collections\/projects\/items\/\d+$/);
    expect(r.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(r.body.properties).toMatchObject({
      name: 'Chợ biên giới thử nghiệm',
      category: 'market',
      investment_bn_vnd: 42,
      precision: 'approximate',
    });
    const id = Number(location.split('/').pop());
    const got = await getFeature(app.base, 'projects', id);
    expect(got.status).toBe(200);
    expect(got.etag).toBe(r.headers.get('etag'));
    const market = await getFeature(app.base, 'markets', id);
    expect(market.status).toBe(200);
    expect(market.body.properties).toMatchObject({ kiosks: 120 });
    // The new source is cited.
    const sources = await send(app.base, 'GET', `/api/features/projects/${id}/sources`, 'anonymous');
    expect(JSON.stringify(sources.body)).toContain('https://example.org/lao-cai/cho-bien-gioi');
  });

  it('PATCH (merge patch) with If-Match: 200, a new ETag; without If-Match 428; stale 412 and nothing changes', async () => {
    const created = await send(
      app.base,
      'POST',
      items('projects'),
      'editor',
      newMarket({ name: 'Chợ PATCH' }),
    );
    const id = created.body.id as number;
    const etag = created.headers.get('etag')!;
    const patch = {
      properties: { status: 'under_construction', source: { id: 'art-que-phong-infrastructure' } },
    };

    const noMatch = await send(app.base, 'PATCH', `${items('projects')}/${id}`, 'editor', patch);
    expect(noMatch.status).toBe(428);
    expect(noMatch.headers.get('content-type')).toContain('application/problem+json');

    const ok = await send(app.base, 'PATCH', `${items('projects')}/${id}`, 'editor', patch, {
      'If-Match': etag,
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.properties).toMatchObject({ status: 'under_construction' });
    const newTag = ok.headers.get('etag')!;
    expect(newTag).not.toBe(etag);
    expect((await getFeature(app.base, 'projects', id)).etag).toBe(newTag);

    const before = await fingerprint(app.database);
    const stale = await send(
      app.base,
      'PATCH',
      `${items('projects')}/${id}`,
      'editor',
      { properties: { status: 'completed', source: { id: 'art-que-phong-infrastructure' } } },
      { 'If-Match': etag },
    );
    expect(stale.status).toBe(412);
    expect(await fingerprint(app.database)).toBe(before);
    expect((await getFeature(app.base, 'projects', id)).body.properties?.status).toBe('under_construction');
  });

  it('PUT replaces the whole feature; the slug stays', async () => {
    const created = await send(app.base, 'POST', items('markets'), 'editor', newMarket({ name: 'Chợ PUT' }));
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as number;
    const replacement = newMarket({
      name: 'Chợ PUT mới',
      kiosks: 200,
      source: { id: 'art-que-phong-infrastructure' },
    });
    const r = await send(app.base, 'PUT', `${items('markets')}/${id}`, 'editor', replacement, {
      'If-Match': created.headers.get('etag')!,
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body.properties).toMatchObject({ name: 'Chợ PUT mới', kiosks: 200, slug: 'cho-put' });
  });

  it('DELETE with If-Match: 204, then 404', async () => {
    const created = await send(
      app.base,
      'POST',
      items('projects'),
      'editor',
      newMarket({ name: 'Chợ DELETE' }),
    );
    const id = created.body.id as number;
    const r = await send(app.base, 'DELETE', `${items('projects')}/${id}`, 'editor', undefined, {
      'If-Match': created.headers.get('etag')!,
    });
    expect(r.status, r.text).toBe(204);
    expect((await getFeature(app.base, 'projects', id)).status).toBe(404);
  });

  it('a market made a school leaves the markets layer and loses its market details', async () => {
    const created = await send(
      app.base,
      'POST',
      items('projects'),
      'editor',
      newMarket({ name: 'Chợ thành trường' }),
    );
    const id = created.body.id as number;
    const r = await send(
      app.base,
      'PATCH',
      `${items('projects')}/${id}`,
      'editor',
      { properties: { category: 'school', kiosks: null, source: { id: 'art-que-phong-infrastructure' } } },
      { 'If-Match': created.headers.get('etag')! },
    );
    expect(r.status, r.text).toBe(200);
    expect(r.body.properties?.category).toBe('school');
    expect((await getFeature(app.base, 'markets', id)).status).toBe(404);
  });
});

describe('the other writable layers', () => {
  it('a seeded border gate moves to its surveyed place (PATCH geometry needs precision)', async () => {
    const id = await idOf(app.database, 'border_gates', await firstSlug('border_gates'));
    const got = await getFeature(app.base, 'border-gates', id);
    const [lon, lat] = (got.body.geometry as { coordinates: number[] }).coordinates as [number, number];
    const moved = { type: 'Point', coordinates: [lon + 0.001, lat + 0.001] };
    const missing = await send(
      app.base,
      'PATCH',
      `${items('border-gates')}/${id}`,
      'editor',
      { geometry: moved, properties: { source: { id: await firstSource() } } },
      { 'If-Match': got.etag },
    );
    expect(missing.status).toBe(422);
    expect(missing.body.parameter).toBe('properties.precision');
    const r = await send(
      app.base,
      'PATCH',
      `${items('border-gates')}/${id}`,
      'editor',
      {
        geometry: moved,
        properties: { precision: 'surveyed', uncertainty_m: null, source: { id: await firstSource() } },
      },
      { 'If-Match': got.etag },
    );
    expect(r.status, r.text).toBe(200);
    expect(r.body.properties?.precision).toBe('surveyed');
    expect((r.body.geometry as { coordinates: number[] }).coordinates[0]).toBeCloseTo(lon + 0.001, 6);
  });

  it('a road gets a new course (PUT of a LineString)', async () => {
    const id = await idOf(app.database, 'roads', await firstSlug('roads'));
    const got = await getFeature(app.base, 'roads', id);
    const body = {
      type: 'Feature',
      geometry: {
        type: 'LineString',
        coordinates: [
          [103.8, 22.4],
          [103.9, 22.45],
          [104.0, 22.5],
        ],
      },
      properties: { ...got.body.properties, precision: 'schematic', source: { id: await firstSource() } },
    };
    const r = await send(app.base, 'PUT', `${items('roads')}/${id}`, 'editor', body, {
      'If-Match': got.etag,
    });
    expect(r.status, r.text).toBe(200);
    expect((r.body.geometry as { coordinates: number[][] }).coordinates).toHaveLength(3);
  });

  it('a commune is renamed and gains a boundary; a province keeps its code', async () => {
    const communes = await send(app.base, 'GET', `${items('communes')}?limit=1`, 'anonymous');
    const first = (communes.body.features as { id: number; geometry: { coordinates: number[] } }[])[0]!;
    const got = await getFeature(app.base, 'communes', first.id);
    const [x, y] = first.geometry.coordinates as [number, number];
    const square = {
      type: 'Polygon',
      coordinates: [
        [
          [x - 0.01, y - 0.01],
          [x + 0.01, y - 0.01],
          [x + 0.01, y + 0.01],
          [x - 0.01, y + 0.01],
          [x - 0.01, y - 0.01],
        ],
      ],
    };
    const r = await send(
      app.base,
      'PATCH',
      `${items('communes')}/${first.id}`,
      'editor',
      {
        geometry: square,
        properties: {
          name: 'Tên mới',
          precision: 'approximate',
          uncertainty_m: 300,
          source: { id: await firstSource() },
        },
      },
      { 'If-Match': got.etag },
    );
    expect(r.status, r.text).toBe(200);
    expect(r.body.properties).toMatchObject({
      name: 'Tên mới',
      geometry_kind: 'boundary',
      precision: 'approximate',
    });
    expect((r.body.geometry as { type: string }).type).toBe('MultiPolygon');
  });

  it('derived layers answer 405 with Allow; OPTIONS answers Allow', async () => {
    const post = await send(app.base, 'POST', items('border-segments'), 'editor', newMarket());
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    const del = await send(app.base, 'DELETE', `${items('countries')}/1`, 'admin', undefined, {
      'If-Match': '*',
    });
    expect(del.status).toBe(405);
    const opt = await fetch(`${app.base}${items('projects')}/1`, { method: 'OPTIONS' });
    expect(opt.headers.get('allow')).toBe('GET, HEAD, PUT, PATCH, DELETE, OPTIONS');
    const optItems = await fetch(`${app.base}${items('projects')}`, { method: 'OPTIONS' });
    expect(optItems.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
    const conf = await send(app.base, 'GET', '/ogc/conformance', 'anonymous');
    expect(conf.body.conformsTo).toContain(
      'http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete',
    );
  });
});

describe('optimistic locking under concurrency', () => {
  it('two concurrent PATCHes with the same ETag: exactly one 200, one 412; the audit holds both', async () => {
    const created = await send(
      app.base,
      'POST',
      items('projects'),
      'editor',
      newMarket({ name: 'Chợ tranh chấp' }),
    );
    const id = created.body.id as number;
    const etag = created.headers.get('etag')!;
    const patch = (status: string) =>
      send(
        app.base,
        'PATCH',
        `${items('projects')}/${id}`,
        'editor',
        { properties: { status, source: { id: 'art-que-phong-infrastructure' } } },
        { 'If-Match': etag },
      );
    const answers = await Promise.all([patch('licensed'), patch('completed')]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 412]);
    const winner = answers.find((a) => a.status === 200)!;
    const final = await getFeature(app.base, 'projects', id);
    expect(final.body.properties?.status).toBe(winner.body.properties?.status);
    const audit = await send(app.base, 'GET', `/api/audit?layer=projects&id=${id}`, 'admin');
    const outcomes = (audit.body.edits as { operation: string; outcome: string }[])
      .filter((e) => e.operation === 'update')
      .map((e) => e.outcome)
      .sort();
    expect(outcomes).toEqual(['applied', 'conflict']);
  });
});

describe('a refused write changes nothing', () => {
  const cases: [
    string,
    () => Promise<{ path: string; method: string; body: unknown; etag?: string }>,
    number,
    string,
  ][] = [
    [
      'invalid geometry',
      async () => ({
        path: items('projects'),
        method: 'POST',
        body: newMarket({}, { type: 'Point', coordinates: [103.9] }),
      }),
      422,
      'geometry',
    ],
    [
      'geometry outside the region',
      async () => ({
        path: items('projects'),
        method: 'POST',
        body: newMarket({}, { type: 'Point', coordinates: [2.35, 48.85] }),
      }),
      422,
      'geometry',
    ],
    [
      'unknown commune',
      async () => ({ path: items('projects'), method: 'POST', body: newMarket({ commune_code: '99999' }) }),
      422,
      'properties.commune_code',
    ],
    [
      'unknown category',
      async () => ({ path: items('projects'), method: 'POST', body: newMarket({ category: 'casino' }) }),
      422,
      'properties.category',
    ],
    [
      'missing source',
      async () => ({ path: items('projects'), method: 'POST', body: newMarket({ source: undefined }) }),
      422,
      'properties.source',
    ],
    [
      'unknown source id',
      async () => ({
        path: items('projects'),
        method: 'POST',
        body: newMarket({ source: { id: 'no-such-source' } }),
      }),
      422,
      'properties.source.id',
    ],
    [
      'years in the wrong order',
      async () => ({
        path: items('projects'),
        method: 'POST',
        body: newMarket({ start_year: 2026, end_year: 2020 }),
      }),
      422,
      'properties.end_year',
    ],
    [
      'a constraint the database checks (kiosks beyond integer range)',
      async () => ({ path: items('projects'), method: 'POST', body: newMarket({ kiosks: 3_000_000_000 }) }),
      422,
      'properties',
    ],
    [
      'a self-intersecting boundary',
      async () => {
        const c = (await send(app.base, 'GET', `${items('communes')}?limit=1`, 'anonymous')).body
          .features as { id: number }[];
        const got = await getFeature(app.base, 'communes', c[0]!.id);
        const bowtie = {
          type: 'Polygon',
          coordinates: [
            [
              [103, 22],
              [103.1, 22.1],
              [103.1, 22],
              [103, 22.1],
              [103, 22],
            ],
          ],
        };
        return {
          path: `${items('communes')}/${c[0]!.id}`,
          method: 'PATCH',
          etag: got.etag,
          body: {
            geometry: bowtie,
            properties: { precision: 'surveyed', source: { id: await firstSource() } },
          },
        };
      },
      422,
      'geometry',
    ],
  ];
  for (const [what, make, status, parameter] of cases)
    it(`${what}: ${status} naming ${parameter}, the fingerprint unchanged`, async () => {
      const before = await fingerprint(app.database);
      const req = await make();
      const r = await send(
        app.base,
        req.method,
        req.path,
        'editor',
        req.body,
        req.etag ? { 'If-Match': req.etag } : {},
      );
      expect(r.status, r.text).toBe(status);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.parameter, r.text).toBe(parameter);
      expect(Array.isArray(r.body.errors)).toBe(true);
      expect(await fingerprint(app.database)).toBe(before);
    });
});

describe('every reader sees a write at once', () => {
  it('a write bumps the data version; the next page, tile, near-border list and statistics show it', async () => {
    const v0 = await dataVersion(app.database);
    const statsBefore = await send(app.base, 'GET', '/api/stats/investment?by=province', 'anonymous');
    const created = await send(
      app.base,
      'POST',
      items('projects'),
      'editor',
      newMarket({ name: 'Chợ thấy ngay', investment_bn_vnd: 777 }),
    );
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as number;
    const v1 = await dataVersion(app.database);
    expect(v1).toBeGreaterThan(v0);
    await app.version.waitFor(v1);
    const page = await send(
      app.base,
      'GET',
      `${items('projects')}?name=${encodeURIComponent('Chợ thấy ngay')}`,
      'anonymous',
    );
    expect((page.body.features as unknown[]).length).toBe(1);
    const near = await send(app.base, 'GET', '/api/analysis/near-border?km=50&layers=projects', 'anonymous');
    expect(near.text).toContain('Chợ thấy ngay');
    const statsAfter = await send(app.base, 'GET', '/api/stats/investment?by=province', 'anonymous');
    const total = (s: typeof statsAfter) =>
      (s.body.totals as { investment_bn_vnd: number }).investment_bn_vnd;
    expect(total(statsAfter) - total(statsBefore)).toBeCloseTo(777, 6);
    // A tile at zoom 12 over the point carries it.
    const [z, x, y] = tileOf(103.96, 22.5, 12);
    const tile = await fetch(`${app.base}/tiles/projects/${z}/${x}/${y}.mvt`);
    const bytes = Buffer.from(await tile.arrayBuffer());
    expect(bytes.includes(Buffer.from('Chợ thấy ngay'))).toBe(true);
    expect(id).toBeGreaterThan(0);
  });
});

function tileOf(lon: number, lat: number, z: number): [number, number, number] {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return [z, x, y];
}

async function firstSlug(table: string): Promise<string> {
  const { sql } = await import('kysely');
  const { rows } = await sql<{
    slug: string;
  }>`SELECT slug FROM ${sql.table(table)} ORDER BY id LIMIT 1`.execute(app.database.db);
  return rows[0]!.slug;
}

async function firstSource(): Promise<string> {
  const { sql } = await import('kysely');
  const { rows } = await sql<{ id: string }>`SELECT id FROM sources ORDER BY id LIMIT 1`.execute(
    app.database.db,
  );
  return rows[0]!.id;
}
