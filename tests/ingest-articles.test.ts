/**
 * Ingestion against the seeded gazetteer, with articles we wrote
 * (tests/fixtures/articles): namesakes told apart by the article's other
 * places, old names mapped to their 2025 successors, HTML input, candidates
 * the write path's schema accepts, and POST /api/ingest (400s naming the
 * field, 401, 403, 200).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createToken } from '../server/auth/tokens.ts';
import { projectRecord } from '../server/import/schema.ts';
import { ingest } from '../server/ingest/index.ts';
import type { FeatureCandidate, IngestResult } from '../server/ingest/types.ts';
import { runDatabase, useApp } from './helpers.ts';

const app = useApp();
const database = runDatabase();
afterAll(() => database.close());

const article = (name: string) =>
  readFileSync(path.join(import.meta.dirname, 'fixtures', 'articles', name), 'utf8');
const source = { title: 'An article we wrote', url: 'https://example.org/article' };

function unitPlace(r: IngestResult, name: string) {
  return r.places.find((p) => p.unit?.name === name && p.unit.level !== 'province');
}

describe('ingest()', () => {
  it('"Quảng An" is Đầm Hà\'s in an article about Đầm Hà, Quảng Điền\'s in one about Quảng Điền', async () => {
    const damHa = await ingest(database.db, {
      text: article('vi-dam-ha-quang-an.txt'),
      source,
      published: '2024-10-01',
    });
    expect(damHa.article.lang).toBe('vi');
    const a = unitPlace(damHa, 'Quảng An')!;
    expect(a.unit).toMatchObject({ code: '06901', era: 'before-2025', province: { name: 'Quảng Ninh' } });
    expect(a.unit!.successors.map((s) => s.name)).toEqual(['Quảng Tân']);
    expect(a.current).toEqual(['06913']);
    for (const [s, e] of a.ranges) expect(damHa.article.text.slice(s, e)).toMatch(/Quảng An/);

    const quangDien = await ingest(database.db, { text: article('en-quang-dien-quang-an.txt'), source });
    expect(quangDien.article.lang).toBe('en');
    const b = unitPlace(quangDien, 'Quảng An')!;
    expect(b.unit).toMatchObject({ code: '19888', era: 'before-2025' });
    expect(b.current).toEqual([b.unit!.successors[0]!.code]);
  });

  it('old names → the 2025 successors, in English without diacritics', async () => {
    const r = await ingest(database.db, {
      text: article('en-bat-xat-ban-qua.txt'),
      source,
      published: '2024-05-01',
    });
    const banQua = unitPlace(r, 'Bản Qua')!;
    expect(banQua.text).toBe('Ban Qua commune');
    expect(banQua.unit!.code).toBe('02716');
    expect(banQua.current).toEqual(['02683']);
    const roads = r.places.filter((p) => p.kind === 'road').map((p) => p.road!.ref);
    expect(roads).toEqual(['QL4D', 'ĐT156B']);
    const gate = r.places.find((p) => p.kind === 'border_gate')!;
    expect(gate).toMatchObject({ text: 'Kim Thanh border gate', gate: null });
    const market = r.candidates.find((c): c is FeatureCandidate => c.type === 'feature')!;
    expect(market.properties).toMatchObject({
      category: 'market',
      investment_bn_vnd: 14.6,
      funding: 'state_budget',
      area_m2: 3000,
      figure_qualifiers: { area_m2: 'over' },
      details: { kiosks: 96 },
      end_year: 2023,
      commune: 'xa-bat-xat-02683',
      commune_as_named: 'xa-ban-qua-02716-cu',
    });
  });

  it('HTML: what a reader does not read is dropped, places elsewhere in Vietnam resolve', async () => {
    const r = await ingest(database.db, {
      html: article('vi-dong-van-lung-cu.html'),
      source,
      published: '2024-10-01',
    });
    expect(r.article.text).not.toMatch(/tracking|Sủng Là|Trang chủ|Lũng Táo|color/);
    expect(r.article.text.startsWith('Lũng Cú có nhà máy nước mới')).toBe(true);
    const lungCu = unitPlace(r, 'Lũng Cú')!;
    expect(lungCu.unit).toMatchObject({ code: '00715', era: 'before-2025', province: { name: 'Hà Giang' } });
    expect(lungCu.current).toEqual(['00715']);
    const plant = r.candidates.find((c): c is FeatureCandidate => c.type === 'feature')!;
    expect(plant.properties).toMatchObject({
      category: 'water_supply',
      investment_bn_vnd: 42,
      investment_qualifier: 'nearly',
    });
    const f = r.figures.find((x) => x.id === plant.figures[0])!;
    expect(r.article.text.slice(...f.ranges[0]!)).toBe('gần 42 tỷ đồng');
    expect(f.of).toBe(plant.id);
  });

  it("indicators of units with the definitions' names, features placed honestly, properties the write path takes", async () => {
    const r = await ingest(database.db, { text: article('en-dien-bien-indicators.txt'), source });
    const indicators = r.candidates.filter((c) => c.type === 'indicator');
    expect(indicators).toContainEqual(
      expect.objectContaining({
        unit: 'tinh-dien-bien',
        indicator: 'border_area_investment_bn_vnd',
        value: 2500,
        qualifier: 'over',
        period_start: 2022,
        period_end: 2025,
        // Named as data/indicator-definitions.json names it, for the review page.
        label: { vi: 'Vốn đầu tư cho khu vực biên giới', en: 'Investment capital for border areas' },
      }),
    );
    expect(indicators.map((c) => c.type === 'indicator' && c.indicator)).toContain('bts_stations_count');
    const park = r.candidates.find((c): c is FeatureCandidate => c.type === 'feature')!;
    expect(park.properties).toMatchObject({
      category: 'industrial_park',
      details: { hectares: 155, enterprises: 12, workers: 1500 },
    });
    expect(park.location.precision).toBe('approximate');
    expect(park.location.how).toMatch(/^seat of xã Sam Mứn/);
    for (const doc of ['vi-dam-ha-quang-an.txt', 'en-bat-xat-ban-qua.txt', 'en-dien-bien-indicators.txt']) {
      const res = await ingest(database.db, { text: article(doc), source });
      for (const c of res.candidates) {
        if (c.type !== 'feature' || !c.location.geometry) continue;
        const parsed = projectRecord.safeParse({
          type: 'Feature',
          properties: { ...c.properties, sources: ['art-test'] },
          geometry: c.location.geometry,
        });
        expect(parsed.error?.issues ?? [], `${doc} ${c.id}`).toEqual([]);
      }
    }
  });
});

describe('POST /api/ingest', () => {
  const tokens: Record<string, string> = {};
  const post = async (body: unknown, role: 'viewer' | 'editor' | null = 'editor') => {
    if (role) tokens[role] ??= (await createToken(app.database.db, { name: `ingest ${role}`, role })).token;
    return fetch(`${app.base}/api/ingest`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(role ? { authorization: `Bearer ${tokens[role]}` } : {}),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  };

  it('answers the JSON of ingest() to an editor', async () => {
    const res = await post({
      text: article('vi-dam-ha-quang-an.txt'),
      source,
      published: '2024-10-01',
      lang: 'vi',
    });
    expect(res.status).toBe(200);
    const r = (await res.json()) as IngestResult;
    expect(r.article).toMatchObject({
      title: source.title,
      url: source.url,
      published: '2024-10-01',
      lang: 'vi',
    });
    expect(r.article.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(unitPlace(r, 'Quảng An')!.unit!.code).toBe('06901');
  });

  it('401 without a token, 403 for a viewer', async () => {
    expect((await post({ text: 'x', source }, null)).status).toBe(401);
    expect((await post({ text: 'x', source }, 'viewer')).status).toBe(403);
  });

  it.each([
    [{ source }, 'text'],
    [{ text: 'a', html: '<p>a</p>', source }, 'text'],
    [{ text: '   ', source }, 'text'],
    [{ html: 42, source }, 'html'],
    [{ text: 'a' }, 'source'],
    [{ text: 'a', source: { url: null } }, 'source.title'],
    [{ text: 'a', source: { title: 'Title', url: 'ftp://x' } }, 'source.url'],
    [{ text: 'a', source: { title: 'Title', url: null, extra: 1 } }, 'source.extra'],
    [{ text: 'a', source, published: '2025-02-30' }, 'published'],
    [{ text: 'a', source, lang: 'fr' }, 'lang'],
    [{ text: 'a', source, colour: 'red' }, 'colour'],
    [[1, 2], 'body'],
  ])('400 naming the field: %j', async (body, parameter) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(((await res.json()) as { parameter: string }).parameter).toBe(parameter);
  });

  it('malformed JSON is a 400, a body over BODY_LIMIT a 413', async () => {
    expect((await post('{"text":')).status).toBe(400);
    expect((await post({ text: 'x'.repeat(200_000), source })).status).toBe(413);
  });
});
