/**
 * The registry owns every fact about a layer: a layer registered at run time
 * (a module object and a view in a scratch database, no other edit) is
 * served everywhere a layer is — collections and queryables, tiles and
 * TileJSON, the OpenAPI document, search, near-border — and shown by the web
 * map in its layer list, legend and filters, in Vietnamese and in English.
 */

import { sql } from 'kysely';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerLayer } from '../server/layers/index.ts';
import { type LayerDef, precisionProperties } from '../server/layers/types.ts';
import { ensureClientBuilt, launch, mapIdle, type Watched, watchedPage } from './e2e/browser.ts';
import { type Running, scratchDatabase, startApp } from './helpers.ts';
import { getTile, tileOf } from './tiles-helpers.ts';

const clinics: LayerDef = {
  id: 'clinics',
  title: 'Clinics',
  title_vi: 'Phòng khám',
  description: 'Hand-made clinics of the registry test.',
  view: 'layer_test_clinics',
  geometryType: 'Point',
  properties: [
    { name: 'name', type: 'string', description: 'Name', filterable: true, sortable: true },
    {
      name: 'category',
      type: 'string',
      description: 'Kind of clinic',
      filterable: true,
      enum: ['general_clinic', 'pharmacy'],
      title: { vi: 'Loại cơ sở', en: 'Kind of facility' },
      labels: {
        general_clinic: { vi: 'Phòng khám đa khoa', en: 'General clinic' },
        pharmacy: { vi: 'Nhà thuốc', en: 'Pharmacy' },
      },
    },
    ...precisionProperties,
  ],
  minzoom: 0,
  maxzoom: 16,
  tile: { simplify: false },
  style: {
    kind: 'circle',
    color: '#00897b',
    size: 7,
    label: 'name',
    colorBy: { property: 'category', colors: { general_clinic: '#00897b', pharmacy: '#c2185b' } },
  },
  citationEntity: 'test_clinic',
  analysis: { properties: ['name', 'category', 'precision', 'uncertainty_m'] },
  search: { name: 'name', kind: 'category' },
};
registerLayer(clinics);

/** Two clinics a few km south of a hand-made border line, one pharmacy far from it. */
const ROWS = [
  { id: 1, name: 'Phòng khám Bát Xát', category: 'general_clinic', lon: 103.9, lat: 22.5 },
  { id: 2, name: 'Phòng khám Mường Khương', category: 'general_clinic', lon: 104.1, lat: 22.55 },
  { id: 3, name: 'Nhà thuốc Hà Giang', category: 'pharmacy', lon: 105.0, lat: 21.6 },
];

let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
let app: Running;

beforeAll(async () => {
  scratch = await scratchDatabase();
  const db = scratch.database.db;
  await sql`
    CREATE TABLE test_clinics (id bigint PRIMARY KEY, name text NOT NULL, category text NOT NULL,
      precision text NOT NULL, uncertainty_m float8, geom geometry(Point, 4326) NOT NULL);
    CREATE VIEW layer_test_clinics AS
      SELECT id, geom, name, category, precision, uncertainty_m FROM test_clinics;
    INSERT INTO countries (iso3, name, name_vi, geom)
      VALUES ('CHN', 'China', 'Trung Quốc', ST_Multi(ST_MakeEnvelope(103.5, 22.6, 104.5, 23.5, 4326)));
    INSERT INTO border_segments (neighbour, part, geom, length_m)
      VALUES ('CHN', 1, ST_GeomFromText('LINESTRING(103.5 22.6, 104.5 22.6)', 4326), 102000);
  `.execute(db);
  for (const r of ROWS) {
    await sql`INSERT INTO test_clinics VALUES (${r.id}, ${r.name}, ${r.category}, 'approximate', 500,
      ST_SetSRID(ST_MakePoint(${r.lon}, ${r.lat}), 4326))`.execute(db);
  }
  app = await startApp(scratch.database);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await scratch?.drop();
});

const json = async (path: string, accept = 'application/json') => {
  const res = await fetch(`${app.base}${path}`, { headers: { Accept: accept } });
  expect(res.status, path).toBe(200);
  return res.json() as Promise<any>;
};

describe('a layer registered at run time', () => {
  it('is a collection, with its labels, and has queryables', async () => {
    const list = await json('/ogc/collections');
    const col = list.collections.find((c: any) => c.id === 'clinics');
    expect(col.title_vi).toBe('Phòng khám');
    expect(col.properties.category.enum).toEqual(['general_clinic', 'pharmacy']);
    expect(col.properties.category['x-labels'].pharmacy).toEqual({ vi: 'Nhà thuốc', en: 'Pharmacy' });
    expect((await json('/ogc/collections/clinics')).id).toBe('clinics');
    const q = await json('/ogc/collections/clinics/queryables');
    expect(Object.keys(q.properties).sort()).toEqual(['category', 'geometry', 'id', 'name', 'precision']);
    expect(q.properties.category['x-title']).toEqual({ vi: 'Loại cơ sở', en: 'Kind of facility' });
    const items = await json(`/ogc/collections/clinics/items?category=pharmacy`);
    expect(items.features.map((f: any) => f.properties.name)).toEqual(['Nhà thuốc Hà Giang']);
  });

  it('is in the tiles and in TileJSON', async () => {
    const tj = await json('/tiles/clinics.json');
    expect(tj.vector_layers.map((l: any) => l.id)).toEqual(['clinics']);
    expect(Object.keys(tj.vector_layers[0].fields)).toEqual(
      expect.arrayContaining(['name', 'category', 'precision']),
    );
    const all = await json('/tiles/all.json');
    expect(all.vector_layers.map((l: any) => l.id)).toContain('clinics');
    const t = tileOf(104.1, 22.55, 10);
    const { res, tile } = await getTile(`${app.base}/tiles/clinics/${t.z}/${t.x}/${t.y}.mvt`);
    expect(res.status).toBe(200);
    const layer = tile.layers.clinics!;
    expect(layer.length).toBe(1);
    const f = layer.feature(0);
    expect(f.properties.name).toBe('Phòng khám Mường Khương');
    expect(f.properties.category).toBe('general_clinic');
  });

  it('is in the OpenAPI document', async () => {
    const doc = await json('/ogc/api?f=json');
    const paths = Object.keys(doc.paths);
    expect(paths.some((p) => p.includes('/collections/clinics/items'))).toBe(true);
  });

  it('is found by search, without accents', async () => {
    const body = await json(`/api/search?q=${encodeURIComponent('phong kham muong khuong')}`);
    const hit = body.results.find((r: any) => r.layer === 'clinics');
    expect(hit).toMatchObject({
      entity: 'feature',
      id: 2,
      name: 'Phòng khám Mường Khương',
      kind: 'general_clinic',
    });
    expect(hit.point).toEqual([104.1, 22.55]);
  });

  it('is measured by near-border', async () => {
    const fc = await json('/api/analysis/near-border?layers=clinics&km=20');
    expect(fc.features.map((f: any) => f.properties.name)).toEqual([
      'Phòng khám Mường Khương',
      'Phòng khám Bát Xát',
    ]);
    const [first] = fc.features;
    expect(first.properties).toMatchObject({
      layer: 'clinics',
      category: 'general_clinic',
      neighbour: 'CHN',
    });
    // 0.05° of latitude south of the line: about 5.5 km.
    expect(first.properties.distance_km).toBeGreaterThan(5);
    expect(first.properties.distance_km).toBeLessThan(6);
    expect(fc.totals.by_layer).toEqual({ clinics: 2 });
    expect(fc.totals.projects).toBe(0);
    const bad = await fetch(`${app.base}/api/analysis/near-border?layers=clinicz`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).detail).toContain('clinics');
  });
});

describe('the web map shows a layer registered at run time', { timeout: 150_000 }, () => {
  let browser: Browser;
  let watched: Watched | undefined;
  beforeAll(async () => {
    await ensureClientBuilt();
    browser = await launch();
  }, 240_000);
  afterAll(async () => {
    await watched?.context.close();
    await browser?.close();
  });

  /** The visible text of each element matching `selector` (hidden ones are left out). */
  const texts = (page: Page, selector: string) =>
    page.$$eval(selector, (els) =>
      els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => (e.textContent ?? '').trim()),
    );
  /** What a person reads in one element: it must be visible. */
  const seen = async (l: Locator): Promise<string> => {
    expect(await l.isVisible()).toBe(true);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, as a person reads it
    return l.innerText();
  };

  it('in its layer list, legend and filters, in Vietnamese and in English', async () => {
    watched = await watchedPage(browser, app.base);
    const { page } = watched;
    await page.goto(`${app.base}/#map=8/22.3/104.3`);
    await mapIdle(page);
    // Drawn from our tiles.
    const drawn = await page.evaluate(() => {
      const { map, roles } = (window as any).atlas;
      const layers = roles.get('clinics').interactive.filter((l: string) => map.getLayer(l));
      return map.queryRenderedFeatures({ layers }).map((f: any) => f.properties.name);
    });
    expect(drawn).toContain('Phòng khám Mường Khương');

    const entry = page.locator('.layer-list li[data-layer="clinics"]');
    expect(await seen(entry.locator('label'))).toContain('Phòng khám');
    await entry.locator('summary').click();
    expect(await texts(page, '.layer-list li[data-layer="clinics"] .legend li')).toEqual([
      'Phòng khám đa khoa',
      'Nhà thuốc',
    ]);

    await page.click('[role=tab][data-tab="filters"]');
    const category = page.locator('fieldset[data-name="category"]');
    expect(await seen(category.locator('legend'))).toBe('Loại dự án');
    const choices = await texts(page, 'fieldset[data-name="category"] label');
    expect(choices).toEqual(expect.arrayContaining(['Chợ', 'Phòng khám đa khoa', 'Nhà thuốc']));
    expect(await seen(page.locator('#filters .hint'))).toContain('Phòng khám');

    // Ticking one of its values filters it on the map.
    await page.check('input[name="category"][value="pharmacy"]');
    await page.waitForFunction(() => window.location.hash.includes('cat=pharmacy'));
    await mapIdle(page);
    const left: string[] = await page.evaluate(() => {
      const { map, roles } = (window as any).atlas;
      const layers = roles.get('clinics').interactive.filter((l: string) => map.getLayer(l));
      return map.queryRenderedFeatures({ layers }).map((f: any) => f.properties.name);
    });
    expect(left.filter((n) => n !== 'Nhà thuốc Hà Giang')).toEqual([]);

    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await seen(entry.locator('label'))).toContain('Clinics');
    expect(await texts(page, 'fieldset[data-name="category"] label')).toEqual(
      expect.arrayContaining(['Market', 'General clinic', 'Pharmacy']),
    );
    expect(await seen(page.locator('#filters .hint'))).toContain('Clinics');
    expect(watched.errors).toEqual([]);
    expect(watched.foreign).toEqual([]);
  });
});
