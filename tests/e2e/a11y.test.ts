/**
 * Accessibility of the web map in Chromium: axe-core (its own source,
 * injected into the page) finds no serious or critical violation on a
 * desktop and a phone, in Vietnamese and English, with the search results,
 * a popup and the "in view" list open; and the keyboard reaches what the
 * mouse does: WAI-ARIA tabs with arrow keys, Esc closes a popup, the map's
 * features through the "Features in view" list, named form controls.
 * Screenshots: test-artifacts/find-a11y-*.png.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useApp } from '../helpers.ts';
import { artifacts, ensureClientBuilt, launch, mapIdle, type Watched, watchedPage } from './browser.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

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
const KIM_SON: [number, number] = [104.91, 19.63];

async function open(hash: string, viewport: { width: number; height: number }): Promise<Page> {
  const w = await watchedPage(browser, app.base, viewport);
  watched.push(w);
  await w.page.goto(`${app.base}/${hash}`);
  await mapIdle(w.page);
  return w.page;
}

/** Serious and critical axe-core violations on the page as it is now, one line each. */
async function axe(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') refuses an inline <script>.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations: any[] = await page.evaluate(async () => {
    const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return r.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
}

describe('accessibility', { timeout: 240_000 }, () => {
  for (const [screen, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const)
    for (const lang of ['vi', 'en'] as const)
      it(`axe-core finds nothing serious (${screen}, ${lang})`, async () => {
        const page = await open(
          `#map=13/${KIM_SON[1]}/${KIM_SON[0]}${lang === 'en' ? '&lang=en' : ''}`,
          viewport,
        );
        expect(await axe(page), 'the page').toEqual([]);
        await page.fill('#q', 'muong nha');
        await page.waitForSelector('.results button.result');
        expect(await axe(page), 'search results').toEqual([]);
        await page.keyboard.press('Escape');
        await page.click('.in-view-toggle');
        await page.waitForSelector('.in-view-panel button.stack-item');
        expect(await axe(page), 'the in-view list').toEqual([]);
        await page.click('.in-view-toggle');
        const p = await page.evaluate((ll) => (window as any).atlas.map.project(ll), KIM_SON);
        const box = (await page.locator('#map canvas').first().boundingBox())!;
        await page.mouse.click(box.x + p.x, box.y + p.y);
        await page.waitForSelector('.atlas-popup .provenance');
        await page.click('.atlas-popup details.stack summary');
        expect(await axe(page), 'a popup with its stack').toEqual([]);
        for (const tab of ['filters', 'border', 'stats']) {
          await page.click(`.tabs [data-tab="${tab}"]`);
          await page.waitForTimeout(300);
          expect(await axe(page), `the ${tab} tab`).toEqual([]);
        }
        await page.screenshot({ path: path.join(artifacts, `find-a11y-${screen}-${lang}.png`) });
      });

  it('names each control: layer boxes with their count apart, the distance slider', async () => {
    const page = await open('#map=6.4/21.6/104.9', DESKTOP);
    const gates = page.getByRole('checkbox', { name: /^Cửa khẩu \(\d+ trong khung nhìn\)$/ });
    expect(await gates.count()).toBe(1);
    const label = (await page.textContent('.layer-list li[data-layer="border-gates"] label'))!;
    expect(label).toMatch(/Cửa khẩu\s*\d+/);
    // On screen, the count stands apart from the name, in brackets.
    const shown = await page.$eval('.layer-list li[data-layer="border-gates"] .count', (e) => {
      const before = getComputedStyle(e, '::before').content;
      const after = getComputedStyle(e, '::after').content;
      return `${before}${e.textContent}${after}`;
    });
    expect(shown).toMatch(/^"\("\d+ trong khung nhìn"\)"$/);
    await page.click('.tabs [data-tab="border"]');
    expect(await page.getByRole('slider', { name: 'Khoảng cách tới biên giới' }).count()).toBe(1);
  });

  it('moves between tabs with the arrow keys, Home and End (WAI-ARIA tabs)', async () => {
    const page = await open('', DESKTOP);
    const selected = () =>
      page.$eval('[role=tab][aria-selected=true]', (t) => ({
        tab: (t as HTMLElement).dataset.tab,
        focused: document.activeElement === t,
        tabIndex: (t as HTMLElement).tabIndex,
      }));
    await page.focus('[role=tab][aria-selected=true]');
    expect((await selected()).tab).toBe('layers');
    // Only the selected tab is in the Tab order.
    expect(await page.$$eval('[role=tab]', (ts) => ts.map((t) => (t as HTMLElement).tabIndex))).toEqual([
      0, -1, -1, -1,
    ]);
    await page.keyboard.press('ArrowRight');
    expect(await selected()).toEqual({ tab: 'filters', focused: true, tabIndex: 0 });
    expect(await page.isVisible('#tab-filters')).toBe(true);
    expect(await page.isVisible('#tab-layers')).toBe(false);
    await page.keyboard.press('End');
    expect((await selected()).tab).toBe('stats');
    await page.keyboard.press('ArrowRight');
    expect((await selected()).tab).toBe('layers');
    await page.keyboard.press('ArrowLeft');
    expect((await selected()).tab).toBe('stats');
    await page.keyboard.press('Home');
    expect(await selected()).toEqual({ tab: 'layers', focused: true, tabIndex: 0 });
    expect(page.url()).not.toContain('tab=stats');
  });

  it('reaches the map features from the keyboard: the "in view" list opens a popup, Esc closes it', async () => {
    const page = await open(`#map=13/${KIM_SON[1]}/${KIM_SON[0]}&lang=en`, DESKTOP);
    await page.focus('.in-view-toggle');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.in-view-panel button.stack-item');
    const names = await page.$$eval('.in-view-panel button.stack-item .name', (b) =>
      b.map((e) => e.textContent),
    );
    // English names where the data has them (name_en).
    expect(names).toContain('Kim Sơn market');
    expect(await page.textContent('.in-view-panel h2')).toMatch(/^Features in view \(\d+\)$/);
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.querySelector('.name')?.textContent);
    expect(first).toBe(names[0]);
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelector('.atlas-popup h3')?.textContent === n, first);
    expect(await page.evaluate(() => !!document.activeElement?.closest('.atlas-popup'))).toBe(true);
    await page.screenshot({ path: path.join(artifacts, 'find-a11y-keyboard-en.png') });
    await page.keyboard.press('Escape');
    await page.waitForSelector('.atlas-popup', { state: 'detached' });
    // The focus is back on the item that opened it.
    expect(await page.evaluate(() => document.activeElement?.querySelector('.name')?.textContent)).toBe(
      first,
    );
    // Esc again folds the list; the focus returns to its button.
    await page.keyboard.press('Escape');
    expect(await page.isHidden('.in-view-panel')).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('in-view-toggle'))).toBe(
      true,
    );
  });
});
