/**
 * The audit of the write API: who changed what, the feature before and
 * after, JSON and CSV for admins, "last edited by" for editors, restoring a
 * deleted feature, and seeding that leaves edited and deleted rows alone.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { seed } from '../seeds/index.ts';
import {
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

const items = '/ogc/collections/projects/items';

describe('the audit', () => {
  it('records who, what, before and after, and the source; admins read it as JSON and CSV', async () => {
    const created = await send(app.base, 'POST', items, 'editor', newMarket({ name: 'Chợ kiểm toán' }));
    const id = created.body.id as number;
    const patched = await send(
      app.base,
      'PATCH',
      `${items}/${id}`,
      'editor',
      { properties: { investment_bn_vnd: 50, source: { id: 'art-que-phong-infrastructure' } } },
      { 'If-Match': created.headers.get('etag')! },
    );
    expect(patched.status, patched.text).toBe(200);

    const r = await send(app.base, 'GET', `/api/audit?layer=projects&id=${id}`, 'admin');
    expect(r.status).toBe(200);
    const edits = r.body.edits as {
      operation: string;
      outcome: string;
      actor_name: string;
      before: { properties: Record<string, unknown> } | null;
      after: { properties: Record<string, unknown> } | null;
      source_id: string;
    }[];
    expect(edits.map((e) => e.operation)).toEqual(['update', 'create']);
    const [update, create] = edits;
    expect(update!.actor_name).toBe('test editor');
    expect(update!.before!.properties.investment_bn_vnd).toBe(42);
    expect(update!.after!.properties.investment_bn_vnd).toBe(50);
    expect(update!.source_id).toBe('art-que-phong-infrastructure');
    expect(create!.before).toBeNull();
    expect(create!.source_id).toMatch(/^edit-/);

    const csv = await fetch(`${app.base}/api/audit?layer=projects&id=${id}&f=csv`, {
      headers: { Authorization: `Bearer ${(await import('./edit-support.ts')).tokens.admin}` },
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toContain('id,at,token_id,actor_name,layer,feature_id,operation,outcome');
    expect(lines).toHaveLength(3);

    const since = await send(app.base, 'GET', '/api/audit?since=2999-01-01', 'admin');
    expect(since.body.edits).toEqual([]);
    const bad = await send(app.base, 'GET', '/api/audit?since=yesterday', 'admin');
    expect(bad.status).toBe(400);
    expect(bad.body.parameter).toBe('since');
  });

  it('is for admins; "last edited by" is for editors', async () => {
    expect((await send(app.base, 'GET', '/api/audit', 'anonymous')).status).toBe(401);
    expect((await send(app.base, 'GET', '/api/audit', 'editor')).status).toBe(403);
    const created = await send(app.base, 'POST', items, 'admin', newMarket({ name: 'Chợ ai sửa' }));
    const id = created.body.id as number;
    expect((await send(app.base, 'GET', `/api/features/projects/${id}/edits`, 'viewer')).status).toBe(403);
    const edits = await send(app.base, 'GET', `/api/features/markets/${id}/edits`, 'editor');
    expect(edits.status).toBe(200);
    expect(edits.body.edits).toMatchObject([{ actor: 'test admin', operation: 'create' }]);
    expect((edits.body.edits as { at: string }[])[0]!.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('GET /api/sources lists the sources a write may cite, to anyone', async () => {
    const r = await send(app.base, 'GET', '/api/sources', 'anonymous');
    expect(r.status).toBe(200);
    const sources = r.body.sources as { id: string; title: string }[];
    expect(sources.find((s) => s.id === 'art-que-phong-infrastructure')?.title).toBeTruthy();
  });
});

describe('restore', () => {
  it('brings a deleted feature back from its audit record; a second restore is a 409', async () => {
    const created = await send(
      app.base,
      'POST',
      items,
      'editor',
      newMarket({ name: 'Chợ phục hồi', kiosks: 77 }),
    );
    const id = created.body.id as number;
    const del = await send(app.base, 'DELETE', `${items}/${id}`, 'editor', undefined, {
      'If-Match': created.headers.get('etag')!,
    });
    expect(del.status).toBe(204);
    const audit = await send(app.base, 'GET', `/api/audit?layer=projects&id=${id}`, 'admin');
    const deletion = (audit.body.edits as { id: number; operation: string }[]).find(
      (e) => e.operation === 'delete',
    )!;

    expect((await send(app.base, 'POST', `/api/audit/${deletion.id}/restore`, 'editor')).status).toBe(403);
    const restored = await send(app.base, 'POST', `/api/audit/${deletion.id}/restore`, 'admin');
    expect(restored.status, restored.text).toBe(201);
    const newId = restored.body.id as number;
    const market = await getFeature(app.base, 'markets', newId);
    expect(market.status).toBe(200);
    expect(market.body.properties).toMatchObject({ name: 'Chợ phục hồi', kiosks: 77, slug: 'cho-phuc-hoi' });
    const sources = await send(app.base, 'GET', `/api/features/markets/${newId}/sources`, 'anonymous');
    expect(JSON.stringify(sources.body)).toContain('example.org/lao-cai/cho-bien-gioi');

    const before = await fingerprint(app.database);
    const again = await send(app.base, 'POST', `/api/audit/${deletion.id}/restore`, 'admin');
    expect(again.status).toBe(409);
    expect(await fingerprint(app.database)).toBe(before);
    const notDelete = (audit.body.edits as { id: number; operation: string }[]).find(
      (e) => e.operation === 'create',
    )!;
    expect((await send(app.base, 'POST', `/api/audit/${notDelete.id}/restore`, 'admin')).status).toBe(409);
    expect((await send(app.base, 'POST', '/api/audit/999999/restore', 'admin')).status).toBe(404);
  });
});

describe('seeding after edits', () => {
  it('keeps an edited seeded feature as edited, and a deleted one deleted', async () => {
    const editedId = await idOf(app.database, 'projects', 'cho-kim-son');
    const got = await getFeature(app.base, 'projects', editedId);
    const r = await send(
      app.base,
      'PATCH',
      `${items}/${editedId}`,
      'editor',
      { properties: { status: 'completed', source: { id: 'art-que-phong-infrastructure' } } },
      { 'If-Match': got.etag },
    );
    expect(r.status, r.text).toBe(200);
    const { rows } = await sql<{ slug: string; id: number }>`
      SELECT slug, id::int FROM roads WHERE origin = 'seed' ORDER BY id LIMIT 1`.execute(app.database.db);
    const road = rows[0]!;
    const roadTag = (await getFeature(app.base, 'roads', road.id)).etag;
    const del = await send(
      app.base,
      'DELETE',
      `/ogc/collections/roads/items/${road.id}`,
      'editor',
      undefined,
      {
        'If-Match': roadTag,
      },
    );
    expect(del.status, del.text).toBe(204);

    await seed(app.database.db);
    expect((await getFeature(app.base, 'projects', editedId)).body.properties?.status).toBe('completed');
    const back = await sql`SELECT 1 FROM roads WHERE slug = ${road.slug}`.execute(app.database.db);
    expect(back.rows).toHaveLength(0);
  });
});
