/**
 * One filter state in a real browser: the same filter gives the same count
 * of projects on the map (the layer's "in view" count over a view holding
 * every project), in the statistics, in the border list and in the export;
 * the active filters show as badges that remove them; an unknown investment
 * is said to be unknown and counted apart; the export has one row per
 * feature and carries its filters, sources and the ODbL credit. Screenshots:
 * test-artifacts/filters-*.png (desktop and phone, Vietnamese and English).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useApp } from '../helpers.ts';
import { artifacts, ensureClientBuilt, launch, mapIdle, type Watched, watchedPage } from './browser.ts';

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

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
/** Holds every seeded project (Quảng Ninh to Nghệ An and Điện Biên). */
const ALL = 'map=5.60/20.60/105.20';

async function open(hash: string, viewport = DESKTOP): Promise<Page> {
  const w = await watchedPage(browser, app.base, viewport);
  watched.push(w);
  await w.page.goto(`${app.base}/#${hash}`);
  // The first load can take long on a shared machine (43 s seen): wait for it before mapIdle's own 45 s.
  await w.page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 240_000 });
  await mapIdle(w.page);
  return w.page;
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(artifacts, `filters-${name}.png`) });

async function tab(page: Page, name: string): Promise<void> {
  await page.click(`[role=tab][data-tab="${name}"]`);
}

/** The number in the projects layer's "N trong khung nhìn" / "N in view". */
async function mapCount(page: Page): Promise<number> {
  await tab(page, 'layers');
  await mapIdle(page);
  const text = (await page.locator('li[data-layer="projects"] .count').textContent()) ?? '';
  expect(text).toMatch(/trong khung nhìn|in view/);
  return Number(text.replace(/\D+/g, ''));
}

async function statsCount(page: Page): Promise<{ count: number; unknown: number; text: string }> {
  await tab(page, 'stats');
  const totals = page.locator('#tab-stats .stats-totals[data-count]');
  await totals.waitFor({ timeout: 90_000 });
  return {
    count: Number(await totals.getAttribute('data-count')),
    unknown: Number(await totals.getAttribute('data-unknown')),
    text: (await totals.textContent()) ?? '',
  };
}

async function borderCount(page: Page): Promise<{ projects: number; items: number }> {
  await tab(page, 'border');
  const totals = page.locator('.border-slider .totals[data-projects]');
  await totals.waitFor({ timeout: 90_000 });
  const ids = await page
    .locator('.near-list li[data-layer="projects"]')
    .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id));
  return { projects: Number(await totals.getAttribute('data-projects')), items: new Set(ids).size };
}

async function exportCsv(page: Page, scope: 'view' | 'all'): Promise<{ comments: string[]; rows: string[] }> {
  await tab(page, 'filters');
  await page.check(`input[name="export-scope"][value="${scope}"]`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('button[name="export-csv"]'),
  ]);
  const text = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
  const lines = text.split(/\r\n/).filter(Boolean);
  const comments = lines.filter((l) => l.startsWith('#'));
  // No field of the seeded data holds a line break: one line per row after the header.
  const rows = lines.filter((l) => !l.startsWith('#')).slice(1);
  return { comments, rows };
}

async function exportGeojson(page: Page, scope: 'view' | 'all'): Promise<any> {
  await tab(page, 'filters');
  await page.check(`input[name="export-scope"][value="${scope}"]`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('button[name="export-geojson"]'),
  ]);
  return JSON.parse(readFileSync((await download.path())!, 'utf8'));
}

async function statsApi(query: string): Promise<{ count: number; with_investment: number }> {
  const res = await fetch(`${app.base}/api/stats/investment?by=category&${query}`);
  return (await res.json()).totals;
}

describe('the same filter gives the same counts everywhere', { timeout: 300_000 }, () => {
  it('no filter: the map, the statistics and the export count every project once', async () => {
    const page = await open(ALL);
    const total = await statsApi('');
    await expect.poll(() => mapCount(page), POLL).toBe(total.count);
    const stats = await statsCount(page);
    expect(stats.count).toBe(total.count);
    const csv = await exportCsv(page, 'all');
    // Markets and industrial parks are projects too: one row each, not one per layer.
    expect(csv.rows.length).toBe(total.count);
  });

  for (const [label, hash, query] of [
    [
      'categories and a minimum',
      'cat=industrial_park,market,water_supply&min=50',
      'category=industrial_park,market,water_supply&min_investment=50',
    ],
    ['from 2025', 'years=2025-', 'from=2025'],
    ['funding', 'fund=state_budget', 'funding=state_budget'],
  ] as const) {
    it(`${label}: map, statistics and export agree with the server`, async () => {
      const page = await open(`${ALL}&${hash}`);
      const expected = (await statsApi(query)).count;
      expect(expected).toBeGreaterThan(0);
      await expect.poll(() => mapCount(page), POLL).toBe(expected);
      expect((await statsCount(page)).count).toBe(expected);
      expect((await exportCsv(page, 'all')).rows.length).toBe(expected);
      expect((await exportCsv(page, 'view')).rows.length).toBe(expected);
    });
  }

  it('with the border slider: statistics, border list and export agree', async () => {
    const page = await open(`${ALL}&cat=industrial_park,market,water_supply,waste_treatment&km=50`);
    const expected = (
      await statsApi('category=industrial_park,market,water_supply,waste_treatment&within_km=50')
    ).count;
    expect(expected).toBeGreaterThan(0);
    const border = await borderCount(page);
    expect(border.projects).toBe(expected);
    expect(border.items).toBe(expected);
    expect((await statsCount(page)).count).toBe(expected);
    expect((await exportCsv(page, 'all')).rows.length).toBe(expected);
  });

  it('badges show the active filters and each one removes its own', async () => {
    const page = await open(`${ALL}&cat=market,industrial_park&years=2017-2025&km=20&tab=filters`);
    const badges = page.locator('.filter-badges .badge');
    await expect.poll(() => badges.count(), POLL).toBe(4); // Chợ, Khu công nghiệp, Năm, Cách biên giới
    const texts = await badges.allInnerTexts();
    expect(texts.join(' ')).toContain('Chợ');
    expect(texts.join(' ')).toContain('Năm 2017–2025');
    expect(texts.join(' ')).toContain('Cách biên giới ≤ 20 km');
    // Visible and readable: white on dark blue.
    const colours = await badges.first().evaluate((el) => {
      const s = getComputedStyle(el);
      return { fg: s.color, bg: s.backgroundColor };
    });
    expect(colours).toEqual({ fg: 'rgb(255, 255, 255)', bg: 'rgb(31, 78, 121)' });
    await shot(page, 'badges-desktop-vi');
    await page.click('.filter-badges .badge[data-key="cat:market"] button');
    await expect.poll(() => badges.count(), POLL).toBe(3);
    await expect.poll(() => page.evaluate(() => window.location.hash), POLL).not.toContain('market');
    expect(await page.locator('input[name="category"][value="market"]').isChecked()).toBe(false);
    await page.click('.filter-badges .badge[data-key="km"] button');
    await expect.poll(() => badges.count(), POLL).toBe(2);
    await expect.poll(() => page.evaluate(() => window.location.hash), POLL).not.toContain('km=');
  });
});

describe('unknown is not zero', { timeout: 300_000 }, () => {
  it('statistics count projects without a figure apart, and a bar of none says unknown', async () => {
    const page = await open(ALL);
    const total = await statsApi('');
    const stats = await statsCount(page);
    expect(stats.unknown).toBe(total.count - total.with_investment);
    expect(stats.text).toContain(`${stats.unknown} chưa rõ vốn`);
    // Điện Biên's projects give no figure: its bar reads "chưa rõ", not 0.
    const dienBien = page.locator('#tab-stats figure').first().locator('g.bar', { hasText: 'Điện Biên' });
    await expect.poll(() => dienBien.count(), POLL).toBe(1);
    const text = await dienBien.innerHTML();
    expect(text).toContain('chưa rõ');
    expect(text).toMatch(/\d+ dự án, \d+ chưa rõ vốn/);
    await shot(page, 'stats-desktop-vi');
  });

  it('the export leaves an unknown investment empty and says it is unknown', async () => {
    const page = await open(ALL);
    const fc = await exportGeojson(page, 'all');
    const unknown = fc.features.filter((f: any) => f.properties.investment_known === false);
    expect(unknown.length).toBeGreaterThan(0);
    for (const f of unknown) expect(f.properties.investment_bn_vnd ?? null).toBeNull();
  });
});

describe('export', { timeout: 300_000 }, () => {
  it('carries the filters, the sources and the ODbL credit, one row per feature', async () => {
    const page = await open(`${ALL}&cat=market,industrial_park`);
    const fc = await exportGeojson(page, 'all');
    expect(fc.metadata.filters).toEqual({ category: 'market,industrial_park' });
    expect(fc.metadata.scope).toBe('all');
    expect(fc.metadata.attribution.join(' ')).toContain('ODbL');
    // The Kim Sơn market's article: our copy names neither paper nor address, and the file says only what we hold.
    const kimSon = fc.metadata.sources.find((s: any) => s.title.startsWith('Quế Phong district'));
    expect(kimSon).toMatchObject({ publisher: null, url: null });
    const ids = fc.features.map((f: any) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    const market = fc.features.find((f: any) => f.properties.name === 'Chợ Kim Sơn');
    expect(market.properties.layers).toBe('projects,markets');
    const csv = await exportCsv(page, 'view');
    expect(csv.comments.some((c) => c.startsWith('# filters: category=market,industrial_park'))).toBe(true);
    expect(csv.comments.some((c) => c.includes('ODbL'))).toBe(true);
    expect(csv.comments.some((c) => c.includes('Quế Phong district'))).toBe(true);
    expect(csv.comments.some((c) => c.startsWith('# scope: view bbox='))).toBe(true);
  });

  it('"what I see" keeps only the features inside the view', async () => {
    // Zoomed on Quảng Ninh: the Nghệ An market is outside.
    const page = await open('map=9.00/21.40/107.60&cat=market,industrial_park');
    const view = await exportGeojson(page, 'view');
    const all = await exportGeojson(page, 'all');
    expect(view.features.length).toBeGreaterThan(0);
    expect(view.features.length).toBeLessThan(all.features.length);
    const [w, s, e, n] = view.metadata.bbox;
    for (const f of view.features) {
      const [x, y] = f.geometry.coordinates;
      expect(x >= w && x <= e && y >= s && y <= n).toBe(true);
    }
  });
});

describe('precision', { timeout: 300_000 }, () => {
  it('the border list rounds distances to what the location supports, and approximate points get a circle', async () => {
    const page = await open(`${ALL}&km=50&tab=border`);
    await page.locator('.border-slider .totals[data-projects]').waitFor({ timeout: 90_000 });
    const metas = await page.locator('.near-list .meta').allInnerTexts();
    expect(metas.length).toBeGreaterThan(0);
    // Every seeded point is approximate or schematic (± 2 km or more): no tenth of a km.
    for (const m of metas) {
      // The distance, then how far off the location may be, in the popup's words.
      expect(m).toMatch(/≈ \d+ km \(vị trí ± [\d,]+ k?m\)/);
      // The distance itself has no tenth of a km (the location's ± is written as the popup writes it).
      expect(m.replace(/\(vị trí ± [^)]*\)/, '')).not.toMatch(/\d,\d km/);
    }
    // Unclustered points (zoom 8 and above), over Quảng Ninh's approximate projects.
    await page.evaluate(() => (window as any).atlas.map.jumpTo({ center: [107.6, 21.4], zoom: 9 }));
    await mapIdle(page);
    const circles = await page.evaluate(() => {
      const { map } = (window as any).atlas;
      const layers = map.getStyle().layers.filter((l: any) => l.id.startsWith('uncertainty:'));
      return {
        layers: layers.map((l: any) => l.id),
        drawn: map.queryRenderedFeatures({ layers: layers.map((l: any) => l.id) }).length,
      };
    });
    expect(circles.layers).toContain('uncertainty:projects');
    // Drawn, not only declared: a single feature of our server-clustered tiles has point_count 1.
    expect(circles.drawn).toBeGreaterThan(0);
    await shot(page, 'border-desktop-vi');
  });
});

describe('screenshots: desktop and phone, Vietnamese and English', { timeout: 300_000 }, () => {
  for (const [name, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    for (const lang of ['vi', 'en'] as const) {
      it(`${name} ${lang}: badges, statistics with unknown counts`, async () => {
        const page = await open(
          `${ALL}&cat=industrial_park,market&km=50&tab=stats${lang === 'en' ? '&lang=en' : ''}`,
          viewport,
        );
        const stats = await statsCount(page);
        expect(stats.text).toContain(lang === 'vi' ? 'dự án' : 'project');
        const bar = page.locator('.filter-badges');
        expect(await bar.isVisible()).toBe(true);
        const box = (await bar.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(viewport.width + 1);
        await expect.poll(() => page.locator('#tab-stats figure.chart').count(), POLL).toBe(3);
        await shot(page, `${name}-${lang}`);
      });
    }
  }
});
