/**
 * Ingestion's review (issue 12 section 3) against a seeded scratch database:
 * POST /api/ingest/accept writes reviewed candidates in one transaction
 * through the write path, citing the article (its date kept); refused
 * candidates are named and leave every table as it was; a stale `existing`
 * ETag is a 412. annotateExisting (server/ingest/existing.ts) recognises on
 * re-ingestion what was accepted, by the article's URL or its text's hash,
 * or by category, commune and a close name, and lists only what differs.
 *
 * The ingestion result is built by hand (tests/fixtures/ingest-result.json,
 * an article of our own), in the shape of /work/wt/ingest-contract.md.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { annotateExisting, type IngestResultLike } from '../server/ingest/existing.ts';
import { authHeader, dataVersion, fingerprint, type RoleName, seedWithTokens } from './edit-support.ts';
import { useApp } from './helpers.ts';

const app = useApp({ database: 'scratch', setup: seedWithTokens });

type Result = IngestResultLike & { article: Record<string, unknown>; candidates: any[] };
const fixture = (): Result =>
  JSON.parse(readFileSync(new URL('./fixtures/ingest-result.json', import.meta.url), 'utf8')) as Result;

async function post(body: unknown, role: RoleName = 'editor', type = 'application/json') {
  const res = await fetch(`${app.base}/api/ingest/accept`, {
    method: 'POST',
    headers: { ...authHeader(role), 'Content-Type': type, Accept: 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

const bodyOf = (r: Result) => structuredClone({ article: r.article, candidates: r.candidates });

/** The tables a write may touch (edit-support's), the indicators and the audit. */
async function state(): Promise<string> {
  const { rows } = await sql<{ i: string; a: number }>`
    SELECT (SELECT md5(coalesce(string_agg(i::text, ',' ORDER BY id), '')) FROM indicators i) AS i,
           (SELECT count(*)::int FROM audit_log) AS a`.execute(app.database.db);
  return `${await fingerprint(app.database)} ${rows[0]!.i} ${rows[0]!.a}`;
}

/** Every refusal: the status, the fields it names, and not one row changed. */
async function refused(body: unknown, status: number, fields: string[]) {
  const before = await state();
  const r = await post(body);
  expect(r.status, r.text).toBe(status);
  expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
  expect(r.body.parameter).toBe(fields[0]);
  expect(await state()).toBe(before);
}

describe('POST /api/ingest/accept', () => {
  let fx: Result;
  beforeEach(() => {
    fx = fixture();
  });

  it('only editors: 401 without a token, 403 for a viewer, 415 for another body type', async () => {
    expect((await post(bodyOf(fx), 'anonymous')).status).toBe(401);
    expect((await post(bodyOf(fx), 'viewer')).status).toBe(403);
    expect((await post('x', 'editor', 'text/plain')).status).toBe(415);
  });

  it('a body of the wrong shape is a 400 naming candidates[i].<field>, nothing written', async () => {
    await refused({ article: fx.article }, 400, ['candidates']);
    await refused({ ...bodyOf(fx), candidates: [] }, 400, ['candidates']);
    const bad = bodyOf(fx);
    bad.candidates[1] = {
      ...bad.candidates[1],
      location: { geometry: { type: 'Point', coordinates: ['x', 1] } },
    };
    bad.candidates[2] = { ...bad.candidates[2], value: 'four' };
    const r = await post(bad);
    expect(r.status).toBe(400);
    const fields = r.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toContain('candidates[1].location.geometry.coordinates[0]');
    expect(fields).toContain('candidates[1].location.precision');
    expect(fields).toContain('candidates[2].value');
    await refused({ ...bodyOf(fx), article: { ...fx.article, published: '12/06/2025' } }, 400, [
      'article.published',
    ]);
  });

  it('a candidate the write path refuses is a 422 naming it; the good ones are not written either', async () => {
    const bad = bodyOf(fx);
    bad.candidates[0].properties.category = 'casino';
    bad.candidates[1].properties.commune = 'xa-khong-co-that';
    bad.candidates[2].indicator = 'happiness_index';
    await refused(bad, 422, [
      'candidates[0].properties.category',
      'candidates[1].properties.commune',
      'candidates[2].indicator',
    ]);
    const noPlace = bodyOf(fixture());
    noPlace.candidates = [
      { ...noPlace.candidates[0], location: { ...noPlace.candidates[0].location, geometry: null } },
    ];
    await refused(noPlace, 422, ['candidates[0].location.geometry']);
  });

  it('writes every candidate in one transaction, citing the article with its date; the data version moves', async () => {
    const version = await dataVersion(app.database);
    const r = await post(bodyOf(fx));
    expect(r.status, r.text).toBe(200);
    expect(r.body.written).toMatchObject([
      { candidate: 'c1', layer: 'projects', slug: 'y-ty-border-market', created: true },
      { candidate: 'c2', layer: 'projects', created: true },
      { candidate: 'c3', layer: 'indicators', slug: 'xa-gia-phu|poverty_rate_pct|2024|||', created: true },
    ]);
    expect(await dataVersion(app.database)).toBeGreaterThan(version);
    const source = await app.database.db
      .selectFrom('sources')
      .selectAll()
      .where('id', '=', r.body.source)
      .executeTakeFirstOrThrow();
    expect(source).toMatchObject({
      url: fx.article.url,
      title: fx.article.title,
      text_hash: fx.article.hash,
    });
    expect(
      String(
        (await sql<{ d: string }>`SELECT ${source.published}::date::text AS d`.execute(app.database.db))
          .rows[0]!.d,
      ),
    ).toBe('2025-06-12');

    // The market: on the markets layer with its kiosks, its figures' qualifiers, the article as its source.
    const market = r.body.written[0].id;
    const got = await (await fetch(`${app.base}/ogc/collections/markets/items/${market}`)).json();
    expect(got.properties).toMatchObject({
      name: 'Y Ty border market',
      kiosks: 150,
      investment_bn_vnd: 38,
      commune: 'Gia Phú',
    });
    const sources = await (await fetch(`${app.base}/api/features/projects/${market}/sources`)).json();
    expect(sources.sources).toEqual([expect.objectContaining({ id: r.body.source, url: fx.article.url })]);
    const road = await (
      await fetch(`${app.base}/api/features/projects/${r.body.written[1].id}/sources`)
    ).json();
    expect(road.figures).toEqual([{ key: 'length_km', value: 12 }]);
    // One audit row per row written, citing the source.
    const { rows } = await sql<{ layer: string; operation: string; source_id: string }>`
      SELECT layer, operation, source_id FROM audit_log WHERE source_id = ${r.body.source} ORDER BY id`.execute(
      app.database.db,
    );
    expect(rows.map((x) => `${x.layer} ${x.operation}`)).toEqual([
      'projects create',
      'projects create',
      'indicators create',
    ]);
  });

  it('re-ingestion: annotateExisting finds what was accepted, by URL or by text hash, changes only what differs', async () => {
    const again = fixture();
    await annotateExisting(app.database.db, again);
    const [c1, c2, c3] = again.candidates;
    expect(c1.existing).toMatchObject({ layer: 'projects', slug: 'y-ty-border-market', changes: {} });
    expect(c1.existing.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(c2.existing).toMatchObject({ layer: 'projects', changes: {} });
    expect(c2.existing.id).not.toBe(c1.existing.id);
    expect(c3.existing).toMatchObject({
      layer: 'indicators',
      slug: 'xa-gia-phu|poverty_rate_pct|2024|||',
      changes: {},
    });

    // The same text pasted without its URL, the market's figure corrected and a new count given.
    const noUrl = fixture();
    noUrl.article.url = null;
    noUrl.candidates[0].properties.investment_bn_vnd = 39;
    noUrl.candidates[0].properties.details = { kiosks: 150, floors_max: 2 };
    noUrl.candidates[2].value = 4.3;
    await annotateExisting(app.database.db, noUrl);
    expect(noUrl.candidates[0].existing.changes).toEqual({
      investment_bn_vnd: { from: 38, to: 39 },
      'details.floors_max': { from: null, to: 2 },
    });
    expect(noUrl.candidates[2].existing.changes).toEqual({ value: { from: 4.1, to: 4.3 } });

    // Another article, another URL and text: the market is the same by category, commune and a close name.
    const other = fixture();
    other.article.url = 'https://example.org/test/another-paper';
    other.article.hash = 'a'.repeat(64);
    other.candidates[0].properties.name = 'Y Ty Border Market';
    other.candidates[1].properties.name = 'Water plant of Y Ty';
    other.candidates[1].properties.category = 'water_supply';
    await annotateExisting(app.database.db, other);
    expect(other.candidates[0].existing).toMatchObject({ slug: 'y-ty-border-market' });
    expect(other.candidates[0].existing.changes).toEqual({
      name: { from: 'Y Ty border market', to: 'Y Ty Border Market' },
    });
    expect(other.candidates[1].existing).toBeNull();
  });

  it('accepting an update: a stale ETag is a 412 and nothing is written; the current one updates, cites, keeps the place', async () => {
    const again = fixture();
    await annotateExisting(app.database.db, again);
    const c1 = again.candidates[0];
    const id = Number(c1.existing.id);
    c1.properties.investment_bn_vnd = 41;
    const stale = structuredClone(c1);
    stale.existing.etag = '"0123456789abcdef0123456789abcdef"';
    await refusedStale({ article: again.article, candidates: [again.candidates[2], stale] });
    // Moved on the map meanwhile: the ETag the review holds is stale too.
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM audit_log WHERE feature_id = ${id} AND outcome = 'conflict'`.execute(
      app.database.db,
    );
    expect(rows[0]!.n).toBe(1);

    c1.properties.name = 'Y Ty border market (phase 1)';
    const r = await post({ article: again.article, candidates: [c1, again.candidates[2]] });
    expect(r.status, r.text).toBe(200);
    expect(r.body.written).toMatchObject([
      { candidate: 'c1', layer: 'projects', id, created: false },
      { candidate: 'c3', layer: 'indicators', created: false },
    ]);
    const got = await (await fetch(`${app.base}/ogc/collections/markets/items/${id}`)).json();
    expect(got.properties).toMatchObject({
      investment_bn_vnd: 41,
      kiosks: 150,
      name: 'Y Ty border market (phase 1)',
    });
    expect(got.geometry.coordinates).toEqual([104.07799, 22.34322]);
    const { rows: n } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM projects WHERE slug LIKE 'y-ty-border-market%'`.execute(app.database.db);
    expect(n[0]!.n).toBe(1);
  });
});

async function refusedStale(body: unknown) {
  const before = await state();
  const r = await post(body);
  expect(r.status, r.text).toBe(412);
  expect(r.body.etag).toMatch(/^"[0-9a-f]{32}"$/);
  // The attempt is audited (after the rollback); nothing else changes.
  const [tables, indicators, audits] = before.split(' ');
  expect(await state()).toBe(`${tables} ${indicators} ${Number(audits) + 1}`);
}
