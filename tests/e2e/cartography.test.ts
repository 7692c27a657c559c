/**
 * The map's cartography in a real browser (Debian's Chromium, WebGL through
 * SwiftShader), drawn with the server's own style (/styles/atlas.json):
 * labels (one per unit, a hierarchy by zoom, roads named along their
 * lines; the area names and the rivers read from the tiles), the basemap's rivers, the selection kept in the URL, the copy-link
 * button, choropleths, the open-in-GIS panel, MapLibre's control labels in
 * both languages, and the style drawn by a plain MapLibre page of another
 * origin. Every test also fails on a console error or on a request to a host
 * that is not ours.
 *
 * The database is a scratch one, seeded, where Quảng Ninh has a boundary of
 * many parts (Vietnam's land and islands around it): the case where the old
 * map wrote "Quảng Ninh" once per island.
 */

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../../seeds/index.ts';
import { useApp } from '../helpers.ts';
import { artifacts, ensureClientBuilt, launch, mapIdle, type Watched, watchedPage } from './browser.ts';

let browser: Browser;
let watched: Watched[] = [];

beforeAll(() => ensureClientBuilt(), 240_000);
const app = useApp({
  database: 'scratch',
  setup: async (d) => {
    await seed(d.db);
    await sql`UPDATE admin_units SET boundary = (
        SELECT ST_Multi(ST_CollectionExtract(ST_Intersection(geom, ST_MakeEnvelope(106.6, 20.6, 108.1, 21.7, 4326)), 3))
        FROM layer_countries WHERE iso3 = 'VNM'), boundary_precision = 'schematic'
      WHERE code = '22' AND level = 'province' AND valid_to IS NULL`.execute(d.db);
  },
});
beforeAll(async () => {
  browser = await launch();
}, 240_000);
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  for (const w of watched) {
    await w.context.close();
    expect(w.errors, 'console errors').toEqual([]);
    expect(w.foreign, 'requests to another origin').toEqual([]);
  }
  watched = [];
});

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

async function open(hash = '', viewport = DESKTOP): Promise<Watched> {
  const w = await watchedPage(browser, app.base, viewport);
  watched.push(w);
  await w.page.goto(`${app.base}/${hash}`);
  // Room for software WebGL on a busy shared machine (no timed assertion: a wait).
  await w.page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 150_000 });
  await mapIdle(w.page);
  return w;
}

/** Names each label layer draws in the viewport. */
function labels(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(() => {
    const { map } = (window as any).atlas;
    const out: Record<string, string[]> = {};
    for (const l of map.getStyle().layers)
      if (l.type === 'symbol' && (l.id.startsWith('labels:') || l.id.endsWith(':label')))
        out[l.id] = map
          .queryRenderedFeatures({ layers: [l.id] })
          .map((f: any) => String(f.properties.ref ?? f.properties.name));
    return out;
  });
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(artifacts, `carto-${name}.png`) });

describe('cartography', { timeout: 400_000 }, () => {
  it('draws with the style the server publishes, and names Quảng Ninh once over its many parts', async () => {
    const { page, responses } = await open('#map=8.2/21.15/107.45');
    expect(responses.some((r) => r.url === `${app.base}/styles/atlas.json?lang=vi` && r.status === 200)).toBe(
      true,
    );
    const served = await (await fetch(`${app.base}/styles/atlas.json?lang=vi`)).json();
    const used: string[] = await page.evaluate(() =>
      (window as any).atlas.map.getStyle().layers.map((l: any) => l.id),
    );
    // The style the map draws is the server's, in its order; panels add their own layers at run time.
    const servedIds: string[] = served.layers.map((l: any) => l.id);
    expect(used.filter((id) => servedIds.includes(id))).toEqual(servedIds);
    const parts: number = await page.evaluate(
      () =>
        (window as any).atlas.map
          .queryRenderedFeatures({ layers: ['provinces'] })
          .filter((f: any) => f.properties.code === '22').length,
    );
    // Several parts drawn (how many depends on the tiles in view), one label.
    expect(parts).toBeGreaterThan(1);
    const drawn = await labels(page);
    expect(drawn['labels:provinces']!.filter((n) => n === 'Quảng Ninh')).toHaveLength(1);
    await shot(page, 'quang-ninh-one-label');
  });

  it('names countries and provinces at the opening zoom, communes and roads closer in, not countries there', async () => {
    const { page, responses } = await open();
    const far = await labels(page);
    // Names and rivers come from the vector tiles' own layers (which QGIS reads too), not from GeoJSON.
    const from: string[] = await page.evaluate(() => {
      const { map } = (window as any).atlas;
      const ids = ['labels:countries', 'labels:provinces', 'basemap:rivers'];
      return [
        ...new Set(
          map.queryRenderedFeatures({ layers: ids }).map((f: any) => `${f.source}/${f.sourceLayer}`),
        ),
      ].sort() as string[];
    });
    expect(from).toEqual(['atlas/labels', 'atlas/rivers']);
    // The rivers file is not fetched; the label points are, but only for the choropleth's list of units.
    expect(responses.filter((r) => r.url.endsWith('/basemap/rivers.geojson'))).toEqual([]);
    expect(far['labels:countries']).toEqual(expect.arrayContaining(['Việt Nam', 'Trung Quốc', 'Lào']));
    expect(far['labels:provinces']).toEqual(expect.arrayContaining(['Lào Cai', 'Điện Biên', 'Nghệ An']));
    expect(far['labels:communes']).toEqual([]);
    // The rivers of the basemap are drawn.
    const rivers: number = await page.evaluate(
      () => (window as any).atlas.map.queryRenderedFeatures({ layers: ['basemap:rivers'] }).length,
    );
    expect(rivers).toBeGreaterThan(10);
    const w = await open('#map=10/21.42/107.55');
    const near = await labels(w.page);
    expect(near['labels:countries']).toEqual([]);
    expect(near['roads:label']!.length).toBeGreaterThan(0);
    expect(near['labels:communes']!.length).toBeGreaterThan(0);
    await shot(w.page, 'roads-communes-zoom10');
  });

  it("keeps the open popup's feature in the URL, reopens it from a link, and forgets it when closed", async () => {
    const markets = await (await fetch(`${app.base}/ogc/collections/markets/items?limit=100`)).json();
    const kimSon = markets.features.find((f: any) => f.properties.name === 'Chợ Kim Sơn');
    const { page } = await open(`#map=9/19.6/104.9&sel=markets/${kimSon.id}`);
    await page.waitForSelector('.feature-popup h3');
    expect(await page.textContent('.feature-popup h3')).toBe('Chợ Kim Sơn');
    expect(page.url()).toContain(`sel=markets/${kimSon.id}`);
    await page.click('.maplibregl-popup-close-button');
    await page.waitForFunction(() => !window.location.hash.includes('sel='));
    // Clicking a feature writes it.
    const [lon, lat] = kimSon.geometry.coordinates;
    const at = await page.evaluate(([x, y]) => (window as any).atlas.map.project([x, y]), [lon, lat]);
    const box = (await page.locator('#map canvas').boundingBox())!;
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await page.waitForFunction(() => window.location.hash.includes('sel='));
    expect(page.url()).toMatch(/sel=(markets|projects)\//);
  });

  it('copies the link with the copy-link button, and says so in the language of the page', async () => {
    const w = await open('#map=7/21/105&lang=en');
    await w.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.base });
    const button = w.page.locator('#copy-link button');
    expect(await button.textContent()).toBe('Copy link');
    await button.click();
    await w.page.waitForFunction(() => document.querySelector('#copy-link .copy-status')?.textContent !== '');
    expect(await w.page.textContent('#copy-link .copy-status')).toBe('Copied');
    const copied = await w.page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(w.page.url());
    expect(copied).toContain('lang=en');
    // Its text is readable: white on the dark bar.
    const colours = await button.evaluate((b) => {
      const s = getComputedStyle(b);
      return { fg: s.color, bg: getComputedStyle(b.closest('header')!).backgroundColor };
    });
    expect(colours.fg).toBe('rgb(255, 255, 255)');
    expect(colours.bg).toBe('rgb(23, 50, 74)');
  });

  it('shades provinces by investment with a legend that counts the unknown apart, in both languages', async () => {
    const { page } = await open('#map=6/21/105.5');
    await page.waitForSelector('#choropleth-figure');
    await page.selectOption('#choropleth-figure', 'provinces/investment');
    await page.waitForSelector('.choropleth-key');
    await mapIdle(page);
    const stats = await (await fetch(`${app.base}/api/stats/investment?by=province`)).json();
    const known = stats.rows.filter((r: any) => r.with_investment > 0).length;
    const total = (await (await fetch(`${app.base}/styles/labels.geojson`)).json()).features.filter(
      (f: any) => f.properties.layer === 'provinces',
    ).length;
    const legend = (await page.textContent('.choropleth-key'))!;
    expect(legend).toContain('Vốn đầu tư (tỷ đồng)');
    expect(legend).toContain(`Chưa rõ (${total - known})`);
    expect(await page.locator('.choropleth-key li').count()).toBeGreaterThan(1);
    expect(page.url()).toContain('choro=provinces/investment');
    // A province with a figure is coloured from the ramp, one without is grey.
    const colours: Record<string, string> = await page.evaluate(() => {
      const { map } = (window as any).atlas;
      const out: Record<string, string> = {};
      for (const f of map.queryRenderedFeatures({ layers: ['provinces', 'provinces:point'] })) {
        const c = f.layer.paint[f.layer.type === 'fill' ? 'fill-color' : 'circle-color'];
        out[f.properties.name] = `${Math.round(c.r * 255)},${Math.round(c.g * 255)},${Math.round(c.b * 255)}`;
      }
      return out;
    });
    const withFigure = stats.rows.find((r: any) => r.with_investment > 0).province;
    const without = stats.rows.find((r: any) => r.with_investment === 0).province;
    expect(colours[without]).toBe('189,189,189');
    expect(colours[withFigure]).not.toBe('189,189,189');
    await shot(page, 'choropleth-investment-vi');
    await page.click('#lang');
    await page.waitForFunction(() =>
      document.querySelector('.choropleth-key')?.textContent?.includes('Unknown'),
    );
    expect(await page.textContent('.choropleth-key')).toContain('Investment (billion VND)');
    // Reopened from its link.
    const again = await open(`#map=6/21/105.5&choro=provinces/investment&lang=en`);
    await again.page.waitForSelector('.choropleth-key');
    expect(await again.page.textContent('.choropleth-key')).toContain(`Unknown (${total - known})`);
  });

  it('gives working tile, TileJSON, style and feature URLs for what is shown, each with a copy button', async () => {
    const { page } = await open(
      '#map=8/21.3/107.3&layers=countries,provinces,projects,border-gates&cat=industrial_park,market',
    );
    await page.waitForSelector('.links-panel summary');
    await page.click('.links-panel summary');
    await page.waitForSelector('.links-panel dd[data-link="style"]');
    const entries: Record<string, string> = await page.$$eval('.links-panel dd', (dds) =>
      Object.fromEntries(
        dds.map((d) => [(d as HTMLElement).dataset.link!, d.querySelector('code')!.textContent!]),
      ),
    );
    expect(Object.keys(entries)).toEqual(
      expect.arrayContaining(['tiles', 'tilejson', 'style', 'ogc', 'items:projects', 'items:border-gates']),
    );
    expect(entries.tiles).toBe(`${app.base}/tiles/countries,provinces,projects,border-gates/{z}/{x}/{y}.mvt`);
    expect(entries.style).toBe(`${app.base}/styles/atlas.json`);
    expect(entries['items:projects']).toContain('filter=');
    expect(await page.locator('.links-panel .copy-button').count()).toBe(Object.keys(entries).length);
    for (const [key, url] of Object.entries(entries)) {
      const res = await fetch(url.replace('{z}/{x}/{y}', '8/207/113'));
      expect([200, 204], key).toContain(res.status);
    }
    const items = await (await fetch(entries['items:projects']!)).json();
    expect(items.features.length).toBeGreaterThan(0);
    for (const f of items.features) expect(['industrial_park', 'market']).toContain(f.properties.category);
  });

  it("labels MapLibre's own controls in the page's language", async () => {
    const { page } = await open();
    const title = () => page.getAttribute('.maplibregl-ctrl-zoom-in', 'title');
    expect(await title()).toBe('Phóng to');
    await page.click('#lang');
    await page.waitForFunction(
      () => document.querySelector('.maplibregl-ctrl-zoom-in')?.getAttribute('title') === 'Zoom in',
    );
    expect(await page.getAttribute('.maplibregl-ctrl-zoom-out', 'aria-label')).toBe('Zoom out');
    // The country labels follow: English names from the server's English style.
    await page.waitForFunction(() =>
      JSON.stringify((window as any).atlas.map.getLayoutProperty('labels:countries', 'text-field')).includes(
        'name_en',
      ),
    );
  });

  it('is drawn by a plain MapLibre page of another origin from the style URL alone', async () => {
    // Another site: its own origin serves MapLibre's files and a page naming only our style URL.
    const dist = path.join(
      path.dirname(createRequire(import.meta.url).resolve('maplibre-gl/package.json')),
      'dist',
    );
    // MapLibre 6 is an ES module that runs its workers from a module of its own (docs/gis-clients.md).
    const page = `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/maplibre-gl.css"></head>
<body style="margin:0"><div id="map" style="width:1000px;height:700px"></div><script type="module">
import { Map, setWorkerUrl } from '/maplibre-gl.mjs';
setWorkerUrl('/maplibre-gl-worker.mjs');
window.map = new Map({ container: 'map', style: ${JSON.stringify(`${app.base}/styles/atlas.json?lang=en`)} });
window.map.on('idle', () => { document.body.dataset.idle = 'true'; });
</script></body></html>`;
    const file = (name: string, type: string): [string, string] => [
      type,
      readFileSync(path.join(dist, name), 'utf8'),
    ];
    const files: Record<string, [string, string]> = {
      '/': ['text/html', page],
      '/maplibre-gl.mjs': file('maplibre-gl.mjs', 'text/javascript'),
      '/maplibre-gl-worker.mjs': file('maplibre-gl-worker.mjs', 'text/javascript'),
      '/maplibre-gl.css': file('maplibre-gl.css', 'text/css'),
    };
    const other: Server = createServer((req, res) => {
      const f = files[req.url ?? ''];
      res.writeHead(f ? 200 : 404, { 'Content-Type': f?.[0] ?? 'text/plain' });
      res.end(f?.[1] ?? 'no');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const site = `http://localhost:${(other.address() as { port: number }).port}`;
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const foreign: string[] = [];
    const errors: string[] = [];
    const ours = new URL(app.base).origin;
    await context.route('**/*', (route) => {
      const origin = new URL(route.request().url()).origin;
      if (origin === ours || origin === site) return route.continue();
      foreign.push(route.request().url());
      return route.abort('blockedbyclient');
    });
    try {
      const p = await context.newPage();
      p.on('pageerror', (e) => errors.push(e.message));
      p.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await p.goto(site);
      await p.waitForFunction(() => document.body.dataset.idle === 'true', null, { timeout: 150_000 });
      const drawn = await p.evaluate(() => {
        const m = (window as any).map;
        const count = (ids: string[]) => m.queryRenderedFeatures({ layers: ids }).length;
        return {
          border: count(['border-segments']),
          gates: count(['border-gates', 'border-gates:cluster']),
          countries: count(['labels:countries']),
          provinces: count(['labels:provinces']),
        };
      });
      expect(drawn.border).toBeGreaterThan(0);
      expect(drawn.gates).toBeGreaterThan(0);
      expect(drawn.countries).toBeGreaterThan(0);
      expect(drawn.provinces).toBeGreaterThan(0);
      await p.screenshot({ path: path.join(artifacts, 'carto-other-origin.png') });
      expect(errors).toEqual([]);
      expect(foreign).toEqual([]);
    } finally {
      await context.close();
      await new Promise((r) => other.close(r));
    }
  });

  it('looks right on desktop and phone, in Vietnamese and English, from afar and close in', {
    timeout: 1_200_000,
  }, async () => {
    for (const [device, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const)
      for (const lang of ['vi', 'en'] as const) {
        const w = await open(`#lang=${lang}`, viewport);
        for (const view of ['open', 'zoom'] as const) {
          if (view === 'zoom') {
            await w.page.evaluate(() =>
              (window as any).atlas.map.jumpTo({ center: [107.5, 21.4], zoom: 9.6 }),
            );
            await mapIdle(w.page);
          }
          const drawn = await labels(w.page);
          if (view === 'open')
            expect(drawn['labels:countries']!.length, `${device} ${lang}`).toBeGreaterThan(0);
          else expect(drawn['labels:communes']!.length, `${device} ${lang}`).toBeGreaterThan(0);
          // The copy-link button is inside the viewport and does not cover the language button.
          const a = (await w.page.locator('#copy-link button').boundingBox())!;
          const b = (await w.page.locator('#lang').boundingBox())!;
          const apart =
            a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
          expect(apart, `${device} ${lang}`).toBe(true);
          expect(a.x + a.width).toBeLessThanOrEqual(viewport.width);
          await shot(w.page, `${device}-${lang}-${view}`);
        }
      }
  });
});
