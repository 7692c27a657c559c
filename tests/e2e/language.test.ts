/**
 * The language in a real browser: `?lang=en` and `#lang=en` open the map in
 * English, the page title follows the language, layer descriptions come in
 * the page's language, and counts follow the plural rule ("1 project").
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useApp } from '../helpers.ts';
import { ensureClientBuilt, launch, mapIdle, type Watched, watchedPage } from './browser.ts';

/** Waiting (not timing) for what the page shows: this shared machine can be slow. */
const POLL = { timeout: 60_000, interval: 250 };

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

async function open(url: string): Promise<Page> {
  const w = await watchedPage(browser, app.base, { width: 1440, height: 900 });
  watched.push(w);
  await w.page.goto(`${app.base}/${url}`);
  // The first load can take long on a shared machine (43 s seen): wait for it before mapIdle's own 45 s.
  await w.page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 240_000 });
  await mapIdle(w.page);
  return w.page;
}

const description = (page: Page) =>
  page.locator('li[data-layer="projects"] details p').evaluate((p) => p.textContent ?? '');

describe('the page language', { timeout: 300_000 }, () => {
  for (const url of ['?lang=en', '#lang=en']) {
    it(`${url} opens the map in English, title included`, async () => {
      const page = await open(url);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      expect(await page.title()).toBe('Border Atlas · Map of the border regions');
      expect(await page.locator('[role=tab][data-tab="filters"]').textContent()).toBe('Filters');
      expect(await description(page)).toMatch(/^Every investment named in the articles/);
      expect(await page.locator('li[data-layer="projects"] .count').textContent()).toMatch(/^\d+ in view$/);
    });
  }

  it('Vietnamese by default: title, descriptions and counts in Vietnamese', async () => {
    const page = await open('');
    expect(await page.title()).toBe('Border Atlas · Bản đồ vùng biên giới');
    expect(await description(page)).toMatch(/^Mọi dự án đầu tư/);
    expect(await page.locator('li[data-layer="projects"] .count').textContent()).toMatch(
      /^\d+ trong khung nhìn$/,
    );
    // The switch changes the title too.
    await page.click('#lang');
    await expect.poll(() => page.title(), POLL).toBe('Border Atlas · Map of the border regions');
  });

  it('English counts follow the plural rule: "1 project", never "1 projects"', async () => {
    const page = await open('#lang=en&tab=stats');
    const charts = page.locator('#tab-stats figure.chart');
    await expect.poll(() => charts.count(), POLL).toBe(3);
    const text =
      (await charts.allInnerTexts()).join('\n') +
      (await page.locator('#tab-stats svg').evaluateAll((s) => s.map((x) => x.textContent).join('\n')));
    expect(text).not.toMatch(/\b1 projects\b/);
    expect(text).toMatch(/\b1 project\b/);
  });
});
