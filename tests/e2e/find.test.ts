/**
 * Finding and opening things on the web map, as a person sees it (Chromium,
 * desktop 1440×900 and phone 390×844, Vietnamese and English): search results
 * readable (computed colours against their background), named in words and
 * listed once; a chosen result shows a marker and its popup; an old unit says
 * what it became; stacked and clustered features open one by one; the phone's
 * popup fits inside the map; hover tooltips on a desktop only.
 * Screenshots: test-artifacts/find-*.png.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useApp } from '../helpers.ts';
import {
  artifacts,
  contrasts,
  ensureClientBuilt,
  launch,
  mapIdle,
  type Watched,
  watchedPage,
} from './browser.ts';

let browser: Browser;
let watched: Watched[] = [];

beforeAll(() => ensureClientBuilt(), 240_000);
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

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const SCREENS = [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const;
const LANGS = ['vi', 'en'] as const;

async function open(hash: string, viewport: { width: number; height: number }): Promise<Page> {
  const w = await watchedPage(browser, app.base, viewport);
  watched.push(w);
  await w.page.goto(`${app.base}/${hash}`);
  await mapIdle(w.page);
  return w.page;
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(artifacts, `find-${name}.png`) });

async function api(p: string): Promise<any> {
  return (await fetch(`${app.base}${p}`)).json();
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
const inside = (a: Box, b: Box, slack = 1): boolean =>
  a.x >= b.x - slack &&
  a.y >= b.y - slack &&
  a.x + a.width <= b.x + b.width + slack &&
  a.y + a.height <= b.y + b.height + slack;
const overlaps = (a: Box, b: Box): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function searchFor(page: Page, q: string): Promise<void> {
  await page.fill('#q', q);
  await page.waitForSelector('.results button.result');
}

/** Clicks the map at a longitude/latitude. */
async function clickAt(page: Page, lonLat: [number, number]): Promise<void> {
  const p = await page.evaluate((ll) => (window as any).atlas.map.project(ll), lonLat);
  const box = (await page.locator('#map canvas').first().boundingBox())!;
  await page.mouse.click(box.x + p.x, box.y + p.y);
}

/** Waits until the open popup stops moving (it is panned into the map after it opens). */
async function popupSettled(page: Page): Promise<Box> {
  let last = '';
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(150);
    const b = await page.locator('.atlas-popup').boundingBox();
    const now = JSON.stringify(b);
    if (b && now === last) {
      await mapIdle(page);
      return b;
    }
    last = now;
  }
  throw new Error('the popup kept moving');
}

const KIM_SON: [number, number] = [104.91, 19.63];

describe('finding places and opening features', { timeout: 240_000 }, () => {
  for (const [screen, viewport] of SCREENS)
    for (const lang of LANGS)
      it(`search results are readable and named in words (${screen}, ${lang})`, async () => {
        const page = await open(lang === 'en' ? '#lang=en' : '', viewport);
        await searchFor(page, 'muong nha');
        const names = await contrasts(page, '.results button.result strong');
        const metas = await contrasts(page, '.results button.result .meta');
        expect(names.length).toBeGreaterThan(1);
        // WCAG AA: 4.5:1 for text of this size (white on white is 1:1).
        for (const c of [...names, ...metas]) expect(c.ratio, c.text).toBeGreaterThanOrEqual(4.5);
        const visible = await page.locator('.results button.result').first().boundingBox();
        expect(visible!.height).toBeGreaterThan(10);
        // Mường Nhà once: the 2025 commune and the old one at the same seat are one entry.
        const listed = await page.$$eval('.results button.result strong', (s) => s.map((e) => e.textContent));
        expect(listed.filter((n) => n === 'Mường Nhà')).toHaveLength(1);
        const text = (await page.textContent('.results'))!;
        // Labels from the server's registry, not its codes.
        expect(text).toContain(lang === 'vi' ? 'Đường xã' : 'Commune road');
        await shot(page, `results-${screen}-${lang}`);
        await searchFor(page, 'kim son');
        await page.waitForFunction(() =>
          document.querySelector('.results')?.textContent?.includes('Chợ Kim Sơn'),
        );
        const kim = await page.$$eval('.results .meta', (m) => m.map((e) => e.textContent).join(' | '));
        expect(kim).not.toContain('water_supply');
        expect(kim).toContain(lang === 'vi' ? 'Cấp nước' : 'Water supply');
        // Unit kinds in English too (a "thị trấn" is a township).
        if (lang === 'en') expect(kim).not.toMatch(/thị trấn|xã/);
        await searchFor(page, 'quoc lo');
        await page.waitForFunction(() =>
          document.querySelector('.results')?.textContent?.includes('Quốc lộ 16'),
        );
        const roads = await page.$$eval('.results .meta', (m) => m.map((e) => e.textContent).join(' | '));
        expect(roads).not.toMatch(/\bnational\b|\binternational\b/);
        expect(roads).toContain(
          lang === 'vi' ? 'Quốc lộ · Đường giao thông' : 'National road · Roads and routes',
        );
      });

  for (const [screen, viewport] of SCREENS)
    it(`choosing a result shows a marker and its popup on the map (${screen})`, async () => {
      const hit = (await api(`/api/search?q=${encodeURIComponent('Mường Nhà')}`)).results.find(
        (r: any) => r.name === 'Mường Nhà' && r.valid_to === null,
      );
      const page = await open('', viewport);
      await searchFor(page, 'muong nha');
      await page.click('.results button.result >> nth=0');
      await page.waitForSelector('.atlas-popup .feature-popup');
      const popup = await popupSettled(page);
      const map = (await page.locator('#map').boundingBox())!;
      const marker = (await page.locator('.search-marker').boundingBox())!;
      expect(await page.textContent('.atlas-popup h3')).toBe('Mường Nhà');
      expect(inside(marker, map)).toBe(true);
      expect(inside(popup, map)).toBe(true);
      // The marker stands on the place, and the popup does not hide it.
      const at = await page.evaluate((p) => (window as any).atlas.map.project(p), hit.point);
      expect(Math.abs(map.x + at.x - (marker.x + marker.width / 2))).toBeLessThan(3);
      expect(Math.abs(map.y + at.y - (marker.y + marker.height))).toBeLessThan(3);
      expect(overlaps(marker, popup)).toBe(false);
      await shot(page, `chosen-${screen}`);
      // Esc closes the popup, and the marker goes with it.
      await page.keyboard.press('Escape');
      await page.waitForSelector('.atlas-popup', { state: 'detached' });
      expect(await page.locator('.search-marker').count()).toBe(0);
    });

  for (const lang of LANGS)
    it(`an old unit (xã Quảng An) says what it became and flies there (${lang})`, async () => {
      const tan = (await api(`/api/search?q=${encodeURIComponent('Quảng Tân')}`)).results.find(
        (r: any) => r.name === 'Quảng Tân' && r.valid_to === null,
      );
      const page = await open(lang === 'en' ? '#lang=en' : '', DESKTOP);
      await searchFor(page, 'quang an');
      const first = page.locator('.results button.result').first();
      expect(await first.locator('strong').textContent()).toBe('Quảng An');
      expect(await first.locator('.meta').textContent()).toContain(
        lang === 'vi' ? '30/6/2025' : '30 Jun 2025',
      );
      await first.click();
      await page.waitForSelector('.atlas-popup .note.former-unit');
      await popupSettled(page);
      const note = (await page.textContent('.atlas-popup .note.former-unit'))!;
      expect(note).toContain('Quảng An');
      expect(note).toContain(lang === 'vi' ? 'nay thuộc xã Quảng Tân' : 'now part of Quảng Tân commune');
      expect(await page.textContent('.atlas-popup h3')).toBe('Quảng Tân');
      const marker = (await page.locator('.search-marker').boundingBox())!;
      const at = await page.evaluate((p) => (window as any).atlas.map.project(p), tan.point);
      const map = (await page.locator('#map').boundingBox())!;
      expect(Math.abs(map.x + at.x - (marker.x + marker.width / 2))).toBeLessThan(3);
      await shot(page, `former-unit-${lang}`);
    });

  it('opens each of the features stacked on Kim Sơn market, one by one, from the mouse and the keyboard', async () => {
    const projects = await api(
      '/ogc/collections/projects/items?bbox=104.9099,19.6299,104.9101,19.6301&limit=100',
    );
    const there: string[] = projects.features.map((f: any) => f.properties.name);
    expect(there.length).toBeGreaterThanOrEqual(12);
    const page = await open(`#map=13/${KIM_SON[1]}/${KIM_SON[0]}`, DESKTOP);
    await clickAt(page, KIM_SON);
    await page.waitForSelector('.atlas-popup details.stack');
    expect(await page.textContent('.atlas-popup h3')).toBe('Chợ Kim Sơn');
    await page.click('.atlas-popup details.stack summary');
    const listed = await page.$$eval('.atlas-popup details.stack button.stack-item .name', (b) =>
      b.map((e) => e.textContent!),
    );
    // Every project at that point is listed (the market, also a project, is the popup itself).
    for (const name of there) if (name !== 'Chợ Kim Sơn') expect(listed).toContain(name);
    await popupSettled(page);
    await shot(page, 'stack-desktop-vi');
    const opened = new Set<string>(['Chợ Kim Sơn']);
    for (const name of listed) {
      if (!(await page.locator('.atlas-popup details.stack').count())) break;
      const details = page.locator('.atlas-popup details.stack');
      if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open)))
        await details.locator('summary').click();
      // The item named exactly so ("Quế Phong" is also in a project's name).
      const items = page.locator('.atlas-popup details.stack button.stack-item');
      const names = await items.locator('.name').allTextContents();
      const item = items.nth(names.indexOf(name));
      // From the keyboard: focus the item, Enter.
      await item.focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction((n) => document.querySelector('.atlas-popup h3')?.textContent === n, name);
      // The popup took the focus; its sources come in.
      expect(await page.evaluate(() => !!document.activeElement?.closest('.atlas-popup'))).toBe(true);
      await page.waitForSelector('.atlas-popup .provenance, .atlas-popup .loading');
      opened.add(name);
    }
    for (const name of there) expect(opened.has(name), name).toBe(true);
  });

  it('lists the points of a cluster, each opening its own popup', async () => {
    const page = await open(`#map=6/${KIM_SON[1]}/${KIM_SON[0]}`, DESKTOP);
    const cluster = await page.evaluate(() => {
      const { map } = (window as any).atlas;
      const f = map
        .queryRenderedFeatures({ layers: ['projects:cluster'] })
        .map((c: any) => ({ n: c.properties.point_count, at: c.geometry.coordinates }))
        .sort((a: any, b: any) => b.n - a.n)[0];
      return f;
    });
    expect(cluster.n).toBeGreaterThan(1);
    await clickAt(page, cluster.at);
    await page.waitForSelector('.atlas-popup .stack-popup');
    const items = page.locator('.atlas-popup .stack-popup button.stack-item');
    // Every point the cluster stands for (markets and industrial parks are projects too,
    // listed once under their own layer), and what else lies under the click.
    const projects = await items.evaluateAll(
      (bs) =>
        new Set(
          bs
            .filter((b) =>
              ['projects', 'markets', 'industrial-parks'].includes((b as HTMLElement).dataset.layer!),
            )
            .map((b) => (b as HTMLElement).dataset.id),
        ).size,
    );
    expect(projects).toBeGreaterThanOrEqual(cluster.n);
    await popupSettled(page);
    await shot(page, 'cluster-desktop-vi');
    const name = await items.first().locator('.name').textContent();
    await items.first().click();
    await page.waitForSelector('.atlas-popup .feature-popup');
    expect(await page.textContent('.atlas-popup .feature-popup h3')).toBe(name);
  });

  for (const lang of LANGS)
    it(`a popup fits inside the phone's map, above the panel (${lang})`, async () => {
      const page = await open(`#map=13/${KIM_SON[1]}/${KIM_SON[0]}${lang === 'en' ? '&lang=en' : ''}`, PHONE);
      const map = (await page.locator('#map').boundingBox())!;
      // The map has most of the screen: the panel is folded to its tabs.
      expect(map.height).toBeGreaterThan(PHONE.height * 0.7);
      await clickAt(page, KIM_SON);
      await page.waitForSelector('.atlas-popup .feature-popup .provenance');
      await page.click('.atlas-popup details.stack summary');
      const popup = await popupSettled(page);
      const panel = (await page.locator('#panel').boundingBox())!;
      expect(inside(popup, map)).toBe(true);
      expect(overlaps(popup, panel)).toBe(false);
      // Nothing of the map's own draws over it (zoom buttons, attribution).
      const top = await page.evaluate(() => {
        const box = document.querySelector('.atlas-popup .maplibregl-popup-content')!.getBoundingClientRect();
        const points = [
          [box.left + 5, box.top + 5],
          [box.right - 5, box.bottom - 5],
          [box.right - 5, box.top + 5],
          [box.left + 5, box.bottom - 5],
        ];
        return points.map(([x, y]) => !!document.elementFromPoint(x!, y!)?.closest('.atlas-popup'));
      });
      expect(top).toEqual([true, true, true, true]);
      await shot(page, `popup-phone-${lang}`);
      // A tab unfolds the panel; the map still keeps half the screen.
      await page.click('.tabs [data-tab="filters"]');
      await page.waitForFunction(() => !document.querySelector('#panel')!.classList.contains('peek'));
      expect(await page.isVisible('#tab-filters')).toBe(true);
      const smaller = (await page.locator('#map').boundingBox())!;
      expect(smaller.height).toBeGreaterThan(PHONE.height * 0.4);
      // The open popup shrinks with the map and stays inside it.
      expect(inside(await popupSettled(page), smaller)).toBe(true);
      await shot(page, `popup-phone-panel-${lang}`);
      await page.click('.sheet-handle');
      await page.waitForFunction(() => document.querySelector('#panel')!.classList.contains('peek'));
    });

  it('shows a tooltip on hover with a mouse, and none on a touch screen', async () => {
    const page = await open(`#map=13/${KIM_SON[1]}/${KIM_SON[0]}`, DESKTOP);
    const p = await page.evaluate((ll) => (window as any).atlas.map.project(ll), KIM_SON);
    const box = (await page.locator('#map canvas').first().boundingBox())!;
    await page.mouse.move(box.x + p.x - 40, box.y + p.y - 40);
    await page.mouse.move(box.x + p.x, box.y + p.y, { steps: 4 });
    await page.waitForSelector('.map-tooltip:not([hidden])');
    const tip = (await page.textContent('.map-tooltip'))!;
    expect(tip).toContain('Chợ Kim Sơn');
    expect(tip).toMatch(/\(\+\d+\)/);
    const c = await contrasts(page, '.map-tooltip strong');
    expect(c[0]!.ratio).toBeGreaterThanOrEqual(4.5);
    await shot(page, 'tooltip-desktop-vi');
    await page.mouse.move(box.x + 5, box.y + box.height - 5);
    await page.waitForSelector('.map-tooltip[hidden]', { state: 'attached' });

    // A phone: touch, no hover. The page makes no tooltip at all.
    const context = await browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true });
    try {
      const phone = await context.newPage();
      await phone.goto(`${app.base}/#map=13/${KIM_SON[1]}/${KIM_SON[0]}`);
      await mapIdle(phone);
      const q = await phone.evaluate((ll) => (window as any).atlas.map.project(ll), KIM_SON);
      const b = (await phone.locator('#map canvas').first().boundingBox())!;
      await phone.touchscreen.tap(b.x + q.x, b.y + q.y);
      await phone.waitForSelector('.atlas-popup .feature-popup');
      expect(await phone.locator('.map-tooltip').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
