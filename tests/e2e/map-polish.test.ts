/**
 * What a person sees after the map's polish (issue 14, the last session's
 * leftovers), in Chromium, desktop in Vietnamese and phone in English:
 *
 * - the table tool's words are never cut in two ("Vốn đầu t|ư"): on a phone
 *   the table scrolls sideways instead;
 * - on a phone an open tool is a sheet below the map, not a card over it:
 *   the map keeps its own room, the feature a row selects is in it and not
 *   covered, and the sheet folds;
 * - the border list says what its ± is ("≈ 10 km (location ± 5 km)"), in
 *   the popup's units;
 * - a choropleth of projects follows the filters (the statistics' own
 *   figures under the same query) and its legend says it is filtered.
 *
 * Screenshots: test-artifacts/polish-*.png.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { useApp } from '../helpers.ts';
import { artifacts, mapIdle, useBrowser, type Watched } from './browser.ts';

// A busy machine: nothing here is timed.
vi.setConfig({ testTimeout: 180_000 });

const pages = useBrowser(() => app.base);
const app = useApp({ base: process.env.E2E_BASE });

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
/** Holds every seeded project. */
const ALL = 'map=5.60/20.60/105.20';
const CASES = [
  ['vi', DESKTOP, 'desktop-vi'],
  ['en', PHONE, 'phone-en'],
] as const;

async function openPage(hash: string, viewport: { width: number; height: number }): Promise<Watched> {
  const w = await pages.open(viewport);
  await w.page.goto(`${app.base}/#${hash}`);
  await mapIdle(w.page);
  return w;
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(artifacts, `polish-${name}.png`) });

async function openTable(page: Page): Promise<void> {
  await page.click('.tools-bar button[data-tool="table"]');
  await page.waitForFunction(() => !!document.body.dataset.tableReady);
  await page.locator('.tool-table tbody tr').first().waitFor();
}

/** Every word of `selector`'s text that the browser drew over two lines (a word cut in two). */
function cutWords(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((els) => {
    const out: string[] = [];
    for (const el of els) {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent ?? '';
        // A break after a hyphen ("ethnic-|minority") is a break between words.
        for (const m of text.matchAll(/[^\s\-‐]+/g)) {
          const r = document.createRange();
          r.setStart(n, m.index);
          r.setEnd(n, m.index + m[0].length);
          // One box per line the word is drawn on.
          const lines = new Set(
            [...r.getClientRects()].filter((b) => b.width > 0).map((b) => Math.round(b.top)),
          );
          if (lines.size > 1) out.push(m[0]);
        }
      }
    }
    return out;
  });
}

describe('the table tool keeps its words whole', () => {
  for (const [lang, viewport, name] of CASES) {
    it(`headers and cells break between words only; a phone scrolls the table sideways (${name})`, async () => {
      const { page } = await openPage(
        `${ALL}&layers=projects,border-gates&km=50${lang === 'en' ? '&lang=en' : ''}`,
        viewport,
      );
      await openTable(page);
      // With the border slider on, the widest header set: the distance column too.
      await page.locator('.tool-table thead button[data-col="distance"]').waitFor();
      await shot(page, `table-${name}`);
      expect(await cutWords(page, '.tool-table thead th')).toEqual([]);
      expect(await cutWords(page, '.tool-table tbody tr')).toEqual([]);
      // Each header on one line.
      const heights = await page
        .locator('.tool-table thead button')
        .evaluateAll((bs) => bs.map((b) => (b as HTMLElement).getClientRects().length));
      expect(heights.every((n) => n === 1)).toBe(true);
      const wrap = page.locator('.tool-table-wrap');
      const { scrollWidth, clientWidth, overflowX } = await wrap.evaluate((el) => ({
        scrollWidth: el.scrollWidth,
        clientWidth: el.clientWidth,
        overflowX: getComputedStyle(el).overflowX,
      }));
      expect(['auto', 'scroll']).toContain(overflowX);
      if (name === 'phone-en') {
        expect(scrollWidth).toBeGreaterThan(clientWidth);
        // Scrolled to its end, the last column is whole inside the table's box.
        await wrap.evaluate((el) => {
          el.scrollLeft = el.scrollWidth;
        });
        const [box, last] = await Promise.all([
          wrap.boundingBox(),
          page.locator('.tool-table thead th').last().boundingBox(),
        ]);
        expect(last!.x + last!.width).toBeLessThanOrEqual(box!.x + box!.width + 1);
        await shot(page, `table-scrolled-${name}`);
        await wrap.evaluate((el) => {
          el.scrollLeft = 0;
        });
      }
    });
  }
});

describe('on a phone an open tool is a sheet below the map', () => {
  it('the map keeps its room, the row chosen is in view and not covered, and the sheet folds', async () => {
    const { page } = await openPage(
      `${ALL}&layers=projects&cat=industrial_park,market&tab=layers&lang=en`,
      PHONE,
    );
    // The panel is unfolded (the link names a tab).
    expect(await page.getAttribute('#panel .sheet-handle', 'data-folded')).toBe('false');
    const mapBefore = (await page.locator('#map').boundingBox())!;
    await openTable(page);
    const sheet = page.locator('.tools-sheet');
    expect(await sheet.isVisible()).toBe(true);
    // The card is in the sheet, not over the map; the panel folded to its tabs to make room.
    expect(await page.locator('#map .tool-card').count()).toBe(0);
    expect(await page.locator('.tools-sheet .tool-card[data-tool="table"]').isVisible()).toBe(true);
    expect(await page.getAttribute('#panel .sheet-handle', 'data-folded')).toBe('true');
    await shot(page, 'sheet-open-phone-en');
    const [m, s] = [(await page.locator('#map').boundingBox())!, (await sheet.boundingBox())!];
    expect(s.y).toBeGreaterThanOrEqual(m.y + m.height - 1);
    // At most half of what is below the top bar; the map keeps at least as much as the sheet.
    expect(s.height).toBeLessThanOrEqual(PHONE.height * 0.45);
    expect(m.height).toBeGreaterThanOrEqual(s.height);
    expect(m.height).toBeGreaterThan(mapBefore.height * 0.7);

    const rows = await page.locator('.tool-table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        key: (tr as HTMLElement).dataset.key!,
        layer: (tr as HTMLElement).dataset.layer!,
        id: (tr as HTMLElement).dataset.id!,
      })),
    );
    expect(rows.length).toBeGreaterThan(1);
    const target = rows[1]!;
    await page.click(`.tool-table tbody tr[data-key="${target.key}"]`);
    await page.locator(`.feature-popup[data-id="${target.id}"]`).waitFor({ timeout: 15_000 });
    await mapIdle(page);
    const item = await (await fetch(`${app.base}/ogc/collections/${target.layer}/items/${target.id}`)).json();
    // The chosen feature is inside the map's box and drawn there: what is on top of its marker is the map.
    const seen = await page.evaluate((c) => {
      const { map } = (window as any).atlas;
      const frame = map.getContainer().getBoundingClientRect();
      const p = map.project(c);
      const x = frame.left + p.x;
      const y = frame.top + p.y;
      const inside = x > frame.left && x < frame.right && y > frame.top && y < frame.bottom;
      // Around the marker's centre (the popup's tip may touch it).
      const onTop = [
        [0, 0],
        [0, 4],
        [0, -4],
        [4, 0],
        [-4, 0],
      ].map(([dx, dy]) => document.elementFromPoint(x + dx!, y + dy!));
      return {
        inside,
        canvas: onTop.some((e) => e?.classList.contains('maplibregl-canvas')),
        covered: onTop.some((e) => !!e?.closest('.tool-card, .tools-sheet, #panel, .tools-bar')),
        at: onTop.map((e) => (e ? `${e.tagName}.${e.className}` : null)).join(' '),
      };
    }, item.geometry.coordinates);
    expect({ ...seen, at: undefined }, seen.at).toEqual({
      inside: true,
      canvas: true,
      covered: false,
      at: undefined,
    });
    await shot(page, 'sheet-phone-en');

    // Folded: only the cards' titles stay; the map grows.
    await page.click('.tools-sheet-handle');
    expect(await page.getAttribute('.tools-sheet-handle', 'aria-expanded')).toBe('false');
    expect(await page.locator('.tools-sheet .tool-body').first().isVisible()).toBe(false);
    expect(await page.locator('.tools-sheet .tool-card h2').first().isVisible()).toBe(true);
    const folded = (await page.locator('#map').boundingBox())!;
    expect(folded.height).toBeGreaterThan(m.height + 50);
    await shot(page, 'sheet-folded-phone-en');
    // Closed: the sheet goes, the map takes its room.
    await page.click('.tools-sheet .tool-close');
    expect(await sheet.isVisible()).toBe(false);
  });

  it('on a desktop the cards stay over the map, beside the toolbar', async () => {
    const { page } = await openPage(`${ALL}&layers=projects`, DESKTOP);
    await openTable(page);
    expect(await page.locator('#map .tools .tool-card[data-tool="table"]').isVisible()).toBe(true);
    expect(await page.locator('.tools-sheet').isVisible()).toBe(false);
  });
});

describe('the border list says what its ± is', () => {
  for (const [lang, viewport, name] of CASES) {
    it(`"≈ N km (location ± U)" in the popup's units (${name})`, async () => {
      const { page } = await openPage(`${ALL}&km=50&tab=border${lang === 'en' ? '&lang=en' : ''}`, viewport);
      await page.locator('.border-slider .totals[data-projects]').waitFor({ timeout: 90_000 });
      const items = await page.locator('.near-list li').evaluateAll((lis) =>
        lis.map((li) => ({
          layer: (li as HTMLElement).dataset.layer!,
          id: (li as HTMLElement).dataset.id!,
          km: Number((li as HTMLElement).dataset.km),
          meta: (li.querySelector('.meta') as HTMLElement).innerText,
        })),
      );
      expect(items.length).toBeGreaterThan(0);
      // `data-km` stays the computed distance.
      expect(items.every((i) => Number.isFinite(i.km))).toBe(true);
      const word = lang === 'vi' ? 'vị trí' : 'location';
      for (const i of items.slice(0, 8)) {
        const f = await (await fetch(`${app.base}/ogc/collections/${i.layer}/items/${i.id}`)).json();
        const u = f.properties.uncertainty_m as number;
        expect(u).toBeGreaterThan(0);
        // As the popup writes it (format.ts metres): "150 m", "2 km", "1.5 km" / "1,5 km".
        const sep = lang === 'vi' ? ',' : '.';
        const metres = u >= 1000 ? `${String(Math.round(u / 100) / 10).replace('.', sep)} km` : `${u} m`;
        const step = u / 1000 < 5 ? 1 : 5;
        const rounded = Math.round(i.km / step) * step;
        expect(i.meta.trim().startsWith(`≈ ${rounded} km (${word} ± ${metres})`), i.meta).toBe(true);
      }
      await shot(page, `border-${name}`);
    });
  }
});

describe('a choropleth of projects follows the filters', () => {
  for (const [lang, viewport, name] of CASES) {
    it(`asks the statistics with the filters, and its legend says so (${name})`, async () => {
      const en = lang === 'en';
      const w = await openPage(
        `map=5.60/20.60/105.20&cat=market,industrial_park&choro=provinces/projects&tab=layers${en ? '&lang=en' : ''}`,
        viewport,
      );
      const { page } = w;
      const legend = page.locator('.choropleth-legend[data-filtered="true"] .choropleth-key');
      await legend.waitFor();
      const asked = w.responses.filter((r) => r.url.includes('/api/stats/investment?by=province'));
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.every((r) => r.url.includes('category=market%2Cindustrial_park'))).toBe(true);
      // The legend's classes are the filtered figures: its top class ends at the largest filtered count.
      const filtered = (
        await (
          await fetch(`${app.base}/api/stats/investment?by=province&category=market,industrial_park`)
        ).json()
      ).rows as { count: number }[];
      const all = (await (await fetch(`${app.base}/api/stats/investment?by=province`)).json()).rows as {
        count: number;
      }[];
      const most = Math.max(...filtered.map((r) => r.count));
      expect(most).toBeLessThan(Math.max(...all.map((r) => r.count)));
      const labels = await legend.locator('li').allInnerTexts();
      const top = labels[labels.length - 2]!;
      expect(Number(top.split('–').pop()!.trim())).toBe(most);
      const note = await page.locator('.choropleth-filtered').innerText();
      const market = en ? 'Market' : 'Chợ';
      expect(note).toContain(en ? 'Filtered:' : 'Theo bộ lọc:');
      expect(note).toContain(market);
      await page.locator('#tab-layers .choropleth').scrollIntoViewIfNeeded();
      await shot(page, `choropleth-${name}`);

      // Removing the filters (their badges): drawn again from every project, and the note goes.
      for (let n = await page.locator('.filter-badges li button').count(); n > 0; n--)
        await page.locator('.filter-badges li button').first().click();
      await page.waitForFunction(
        () => !document.querySelector('.choropleth-legend')?.hasAttribute('data-filtered'),
      );
      await page.locator('.choropleth-key').waitFor();
      expect(await page.locator('.choropleth-filtered').count()).toBe(0);
      const allTop = (await page.locator('.choropleth-key li').allInnerTexts()).at(-2)!;
      expect(Number(allTop.split('–').pop()!.trim())).toBe(Math.max(...all.map((r) => r.count)));
    });
  }

  it('border length is not counted with the filters, and its legend says so', async () => {
    const { page } = await openPage(`${ALL}&cat=market&choro=provinces/border&tab=layers&lang=en`, DESKTOP);
    await page.locator('.choropleth-legend[data-filtered="false"]').waitFor();
    expect(await page.locator('.choropleth-filtered').innerText()).toBe('Not affected by the filters.');
  });
});
