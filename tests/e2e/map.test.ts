/**
 * The web map in a real browser (Debian's Chromium, headless, WebGL through
 * SwiftShader) against the real server and the articles' data. Every test
 * also fails on a console error or on any request to another origin.
 * Screenshots go to test-artifacts/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useApp } from '../helpers.ts';
import { artifacts, ensureClientBuilt, launch, mapIdle, type Watched, watchedPage } from './browser.ts';

let browser: Browser;
let watched: Watched[] = [];

// Before the app starts: it serves dist/client only when that exists at its creation.
beforeAll(() => ensureClientBuilt(), 240_000);
// E2E_BASE=http://127.0.0.1:3000 checks a server that is already running instead.
const app = useApp({ base: process.env.E2E_BASE });
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

async function open(hash = '', viewport?: { width: number; height: number }): Promise<Page> {
  return (await openWatched(hash, viewport)).page;
}

async function openWatched(hash = '', viewport?: { width: number; height: number }): Promise<Watched> {
  const w = await watchedPage(browser, app.base, viewport);
  watched.push(w);
  await w.page.goto(`${app.base}/${hash}`);
  await mapIdle(w.page);
  return w;
}

/** Features each layer draws in the viewport, through the handle the map puts on window. */
function rendered(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const { map, roles, collections } = (window as any).atlas;
    const out: Record<string, number> = {};
    for (const c of collections) {
      const layers = roles.get(c.id).interactive.filter((l: string) => map.getLayer(l));
      out[c.id] = map.queryRenderedFeatures({ layers }).length;
    }
    return out;
  });
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(artifacts, `${name}.png`) });

// Software WebGL on a shared 2-core machine is slow: room for it, but no timed assertion.
describe('the web map', { timeout: 150_000 }, () => {
  it('draws every layer /ogc/collections lists, from our own tiles, with Vietnamese labels', async () => {
    const { page, responses } = await openWatched('#map=6.4/21.6/104.9');
    const listed: string[] = await (await fetch(`${app.base}/ogc/collections`))
      .json()
      .then((b: any) => b.collections.map((c: any) => c.id));
    const counts = await rendered(page);
    expect(Object.keys(counts).sort()).toEqual([...listed].sort());
    for (const id of listed) expect(counts[id], id).toBeGreaterThan(0);
    // The panel is built from the same list, with a count of what is in view.
    const panel = await page.$$eval('.layer-list li[data-layer]', (lis) =>
      lis.map((li) => (li as HTMLElement).dataset.layer),
    );
    expect(panel.sort()).toEqual([...listed].sort());
    // Labels such as "Quảng Ninh" need the Latin Extended Additional glyphs (ạ…ỹ), from our server.
    const ok = (re: RegExp) => responses.some((r) => re.test(r.url) && r.status === 200);
    expect(ok(/\/tiles\/[^/]+\/\d+\/\d+\/\d+\.mvt$/)).toBe(true);
    expect(ok(/\/fonts\/Noto%20Sans%20Regular\/7680-7935\.pbf$/)).toBe(true);
    await shot(page, 'map-all-layers');
  });

  it('hides a layer when its box is unticked, and shows it again', async () => {
    const page = await open('#map=6.4/21.6/104.9');
    expect((await rendered(page))['border-gates']).toBeGreaterThan(0);
    await page.uncheck('input[name="layer-border-gates"]');
    await mapIdle(page);
    expect((await rendered(page))['border-gates']).toBe(0);
    expect(page.url()).toContain('layers=');
    await page.check('input[name="layer-border-gates"]');
    await mapIdle(page);
    expect((await rendered(page))['border-gates']).toBeGreaterThan(0);
  });

  it('lists more features within 50 km of the border than within 5 km, nearest first', async () => {
    const page = await open('#tab=border');
    const setKm = async (km: number): Promise<number[]> => {
      const answered = page.waitForResponse((r) => r.url().includes(`/api/analysis/near-border?km=${km}`));
      await page.locator('input[name="km"]').evaluate((el, v) => {
        (el as HTMLInputElement).value = String(v);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }, km);
      expect((await answered).status()).toBe(200);
      await page.waitForFunction(
        (k) => document.querySelector('.border-slider output')?.textContent?.startsWith(`${k} `),
        km,
      );
      await page.waitForFunction(() => !document.querySelector('.totals')?.textContent?.includes('…'));
      // The list shows distances rounded to each location's precision; data-km keeps the computed one.
      return page.$$eval('.near-list li', (els) => els.map((e) => Number((e as HTMLElement).dataset.km)));
    };
    const near = await setKm(5);
    const far = await setKm(50);
    expect(far.length).toBeGreaterThan(near.length);
    expect(near.every((d) => d <= 5)).toBe(true);
    expect(far).toEqual([...far].sort((a, b) => a - b));
    expect(await page.textContent('.totals')).toMatch(/\d/);
    expect(page.url()).toContain('km=50');
    await mapIdle(page);
    await shot(page, 'border-band-50km');
  });

  it('finds "muong nha" without accents and flies to xã Mường Nhà', async () => {
    const page = await open();
    const hit = await (await fetch(`${app.base}/api/search?q=${encodeURIComponent('Mường Nhà')}`))
      .json()
      .then((b: any) =>
        b.results.find((r: any) => r.name === 'Mường Nhà' && r.level === 'commune' && !r.valid_to),
      );
    await page.fill('#q', 'muong nha');
    await page.waitForSelector('.results button.result');
    expect(await page.textContent('.results')).toContain('Mường Nhà');
    await page.press('#q', 'Enter');
    await page.waitForFunction(() => (window as any).atlas.map.getZoom() > 11);
    await mapIdle(page);
    const center = await page.evaluate(() => (window as any).atlas.map.getCenter());
    expect(center.lng).toBeCloseTo(hit.point[0], 3);
    expect(center.lat).toBeCloseTo(hit.point[1], 3);
    await shot(page, 'search-muong-nha');
  });

  it("shows a market's facts, its location precision and its source in a popup", async () => {
    const markets = await (await fetch(`${app.base}/ogc/collections/markets/items?limit=100`)).json();
    const kimSon = markets.features.find((f: any) => f.properties.name === 'Chợ Kim Sơn');
    const [lon, lat] = kimSon.geometry.coordinates;
    const page = await open(`#map=13/${lat}/${lon}`);
    const at = await page.evaluate(([x, y]) => (window as any).atlas.map.project([x, y]), [lon, lat]);
    const box = (await page.locator('#map canvas').boundingBox())!;
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await page.waitForSelector('.feature-popup .provenance .sources li');
    const text = (await page.textContent('.feature-popup'))!;
    expect(text).toContain('Chợ Kim Sơn');
    expect(text).toContain('101,46 tỷ đồng');
    expect(text).toMatch(/Ước lượng ± 2 km/);
    expect(text).toContain('Quế Phong district (Nghệ An)');
    await shot(page, 'popup-cho-kim-son');
  });

  it('narrows the projects drawn to the ticked category', async () => {
    const markets = await (await fetch(`${app.base}/ogc/collections/markets/items?limit=100`)).json();
    const [lon, lat] = markets.features[0].geometry.coordinates;
    const page = await open(`#map=9/${lat}/${lon}&tab=filters`);
    await page.check('input[name="category"][value="market"]');
    await page.waitForFunction(() => window.location.hash.includes('cat=market'));
    await mapIdle(page);
    const cats = await page.evaluate(() => {
      const { map } = (window as any).atlas;
      return map.queryRenderedFeatures({ layers: ['projects'] }).map((f: any) => f.properties.category);
    });
    expect(cats.length).toBeGreaterThan(0);
    expect(new Set(cats)).toEqual(new Set(['market']));
  });

  it('draws the filtered points in place of clusters, which cannot be filtered', async () => {
    const page = await open('#map=5.6/20.6/105.2&cat=market');
    await page.waitForFunction(
      () => (window as any).atlas.map.queryRenderedFeatures({ layers: ['selection:points'] }).length > 0,
    );
    const drawn = await page.evaluate(() => {
      const { map } = (window as any).atlas;
      return {
        clusters: map.queryRenderedFeatures({ layers: ['projects:cluster', 'markets:cluster'] }).length,
        overlay: map
          .queryRenderedFeatures({ layers: ['selection:points'] })
          .map((f: any) => f.properties.category as string),
      };
    });
    expect(drawn.clusters).toBe(0);
    expect(new Set(drawn.overlay)).toEqual(new Set(['market']));
    await shot(page, 'filter-markets-low-zoom');
  });

  it('restores view, layers, filters and distance from the URL after a reload', async () => {
    const page = await open(
      '#map=7.00/21.5000/104.0000&layers=countries,provinces,border-segments,projects&cat=market,school&years=2015-2025&min=5&km=30&lang=en&tab=filters',
    );
    await page.reload();
    await mapIdle(page);
    const state = await page.evaluate(() => {
      const { map, collections, isVisible } = (window as any).atlas;
      return {
        zoom: map.getZoom(),
        center: map.getCenter(),
        visible: collections.map((c: any) => c.id).filter((id: string) => isVisible(id)),
      };
    });
    expect(state.zoom).toBeCloseTo(7, 5);
    expect(state.center.lat).toBeCloseTo(21.5, 3);
    expect(state.center.lng).toBeCloseTo(104, 3);
    expect(state.visible.sort()).toEqual(['border-segments', 'countries', 'projects', 'provinces']);
    expect(await page.isChecked('input[name="category"][value="market"]')).toBe(true);
    expect(await page.isChecked('input[name="category"][value="school"]')).toBe(true);
    expect(await page.isChecked('input[name="category"][value="road"]')).toBe(false);
    expect(await page.inputValue('input[name="yearFrom"]')).toBe('2015');
    expect(await page.inputValue('input[name="minInvestment"]')).toBe('5');
    expect(await page.inputValue('input[name="km"]')).toBe('30');
    expect(await page.textContent('.tabs [data-tab="filters"]')).toBe('Filters');
    expect(await page.isChecked('input[name="layer-roads"]')).toBe(false);
  });

  it('charts investment by province, by category and by distance band', async () => {
    const page = await open('#tab=stats');
    await page.waitForFunction(() => document.querySelectorAll('#tab-stats figure.chart').length === 3);
    const charts = await page.$$eval('#tab-stats figure.chart', (figs) =>
      figs.map((f) => ({
        title: f.querySelector('figcaption')!.textContent,
        bars: f.querySelectorAll('rect').length,
        text: f.textContent,
      })),
    );
    expect(charts.map((c) => c.title)).toEqual([
      'Vốn đầu tư theo tỉnh (tỷ đồng)',
      'Vốn đầu tư theo loại (tỷ đồng)',
      'Vốn đầu tư theo khoảng cách tới biên giới (tỷ đồng)',
    ]);
    expect(charts[0]!.text).toContain('Quảng Ninh');
    expect(charts[1]!.text).toContain('Khu công nghiệp');
    expect(charts[2]!.text).toContain('0–5 km');
    for (const c of charts) expect(c.bars).toBeGreaterThan(1);
    await shot(page, 'stats');
  });

  it('exports the filtered selection as GeoJSON', async () => {
    const page = await open('#cat=market&tab=filters');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('button[name="export-geojson"]'),
    ]);
    const fc = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(fc.features.length).toBeGreaterThan(0);
    expect(fc.features.every((f: any) => f.properties.category === 'market')).toBe(true);
    expect(fc.features.some((f: any) => f.properties.name === 'Chợ Kim Sơn')).toBe(true);
  });

  it('fits a phone-sized screen: map above, panel below, both usable', async () => {
    const page = await open('', { width: 390, height: 844 });
    const mapBox = (await page.locator('#map').boundingBox())!;
    const panelBox = (await page.locator('#panel').boundingBox())!;
    expect(mapBox.width).toBe(390);
    expect(mapBox.height).toBeGreaterThan(300);
    expect(panelBox.y).toBeGreaterThanOrEqual(mapBox.y + mapBox.height - 1);
    expect(await page.isVisible('#q')).toBe(true);
    expect(Object.values(await rendered(page)).some((n) => n > 0)).toBe(true);
    await shot(page, 'phone');
  });
});
