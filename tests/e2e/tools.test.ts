/**
 * The planner's tools in a real browser (issue 14, "Beyond"): the table of
 * what is filtered (its count is the map's and the statistics' under the
 * same filter; a row opens its feature's popup, and a feature clicked on
 * the map marks its row), the time slider (at year Y the map and the table
 * hold only projects of Y or before; playback moves on), measuring (a line
 * between two known points has PostGIS's geodesic length ± 1 %), a band of
 * N km around a border gate (the features PostGIS finds within N km), and
 * printing (a PDF download). What a person sees is checked: the tools are
 * in the viewport, readable (contrast) and clear of the panel, on desktop
 * and phone, in Vietnamese and English. Screenshots: test-artifacts/tools-*.png.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useApp } from '../helpers.ts';
import { artifacts, ensureClientBuilt, launch, mapIdle, type Watched, watchedPage } from './browser.ts';

// A busy machine: a page, its tiles and a tool take a while; nothing here is timed.
vi.setConfig({ testTimeout: 180_000 });

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
/** Holds every seeded project. */
const ALL = 'map=5.60/20.60/105.20';

async function open(hash: string, viewport = DESKTOP): Promise<Page> {
  const w = await watchedPage(browser, app.base, viewport);
  watched.push(w);
  await w.page.goto(`${app.base}/#${hash}`);
  await mapIdle(w.page);
  return w.page;
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(artifacts, `tools-${name}.png`) });

async function tool(page: Page, name: string): Promise<void> {
  await page.click(`.tools-bar button[data-tool="${name}"]`);
  await page.locator(`.tool-card[data-tool="${name}"] .tool-body > *`).first().waitFor();
}

async function tableRows(page: Page): Promise<{ key: string; layer: string; id: string; cells: string[] }[]> {
  await page.waitForFunction(() => !!document.body.dataset.tableReady);
  return page.locator('.tool-table tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      key: (tr as HTMLElement).dataset.key!,
      layer: (tr as HTMLElement).dataset.layer!,
      id: (tr as HTMLElement).dataset.id!,
      cells: [...tr.children].map((c) => (c as HTMLElement).innerText),
    })),
  );
}

/** The projects layer's "N in view" count, as filters.test.ts reads it. */
async function mapCount(page: Page): Promise<number> {
  await page.click('[role=tab][data-tab="layers"]');
  await mapIdle(page);
  const text = await page.locator('li[data-layer="projects"] .count').innerText();
  return Number(text.replace(/\D+/g, ''));
}

async function statsApi(query: string): Promise<number> {
  const res = await fetch(`${app.base}/api/stats/investment?by=category&${query}`);
  return (await res.json()).totals.count;
}

/** Every readable element of the tools: visible, in the viewport, contrast ≥ 4.5, clear of the panel. */
async function checkSeen(page: Page): Promise<void> {
  const problems = await page.evaluate(() => {
    const out: string[] = [];
    const rgb = (s: string): number[] => (s.match(/[\d.]+/g) ?? []).map(Number);
    const lum = (c: number[]): number => {
      const [r, g, b] = c.slice(0, 3).map((v) => {
        const x = v / 255;
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const bg = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3]! > 0.5)) return c;
      }
      return [255, 255, 255];
    };
    const panel = document.querySelector('#panel')!.getBoundingClientRect();
    const overlaps = (a: DOMRect, b: DOMRect) =>
      a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    const els = document.querySelectorAll<HTMLElement>(
      '.tools-bar button, .tool-card h2, .tool-card button, .tool-card label, .tool-card output, .tool-card p, .tool-table tbody tr:first-child > *, .band-list li',
    );
    for (const el of els) {
      const text = el.innerText.trim();
      if (!text || el.closest('[hidden]')) continue;
      let r = el.getBoundingClientRect();
      // Scrolled out of its scrolling box (the tools' column, the table, which on a phone scrolls
      // sideways too): not seen, not a problem.
      for (let e = el.parentElement; e; e = e.parentElement) {
        const cs = getComputedStyle(e);
        if (!/auto|scroll|hidden/.test(`${cs.overflowY} ${cs.overflowX}`)) continue;
        const b = e.getBoundingClientRect();
        const top = Math.max(r.top, b.top);
        const bottom = Math.min(r.bottom, b.bottom);
        const left = Math.max(r.left, b.left);
        const right = Math.min(r.right, b.right);
        r = new DOMRect(left, top, Math.max(0, right - left), Math.max(0, bottom - top));
      }
      if (r.width === 0 || r.height === 0) continue;
      const cs = getComputedStyle(el);
      const fg = rgb(cs.color);
      const back = bg(el);
      const [a, b] = [lum(fg), lum(back)].sort((x, y) => y - x);
      const ratio = (a! + 0.05) / (b! + 0.05);
      if (ratio < 4.5) out.push(`${text}: contrast ${ratio.toFixed(2)}`);
      if (r.right > innerWidth + 1 || r.left < -1 || r.top < -1) out.push(`${text}: outside the viewport`);
      if (overlaps(r, panel)) out.push(`${text}: over the panel`);
    }
    return out;
  });
  expect(problems).toEqual([]);
}

describe('the table of what is filtered', () => {
  for (const [lang, viewport, name] of [
    ['vi', DESKTOP, 'table-desktop-vi'],
    ['en', PHONE, 'table-phone-en'],
  ] as const) {
    it(`lists the filtered features, one row each, and a row opens its popup (${name})`, async () => {
      const hash = `${ALL}&layers=projects&cat=industrial_park,market,water_supply${lang === 'en' ? '&lang=en' : ''}`;
      const page = await open(hash, viewport);
      const expected = await statsApi('category=industrial_park,market,water_supply');
      expect(expected).toBeGreaterThan(2);
      expect(await mapCount(page)).toBe(expected);
      await tool(page, 'table');
      const rows = await tableRows(page);
      expect(rows.length).toBe(expected);
      expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
      const heads = await page.locator('.tool-table thead th').allInnerTexts();
      expect(heads.join('|')).toBe(
        lang === 'vi' ? 'Tên|Loại|Tỉnh|Vốn đầu tư|Năm' : 'Name|Kind|Province|Investment|Year(s)',
      );
      // Unknown investment is said to be unknown, never 0.
      const invest = rows.map((r) => r.cells[3]!);
      expect(invest.some((v) => /^0\b/.test(v))).toBe(false);
      const card = page.locator('.tool-card[data-tool="table"]');
      expect(await card.isVisible()).toBe(true);
      await checkSeen(page);
      // Sort by investment, largest first: unknown last.
      await page.click('.tool-table thead button[data-col="investment"]');
      await page.click('.tool-table thead button[data-col="investment"]');
      expect(await page.getAttribute('.tool-table thead th:nth-child(4)', 'aria-sort')).toBe('descending');
      const sorted = (await tableRows(page)).map((r) => r.cells[3]!);
      const unknown = lang === 'vi' ? 'chưa rõ' : 'unknown';
      const firstUnknown = sorted.indexOf(unknown);
      if (firstUnknown >= 0) expect(sorted.slice(firstUnknown).every((v) => v === unknown)).toBe(true);
      // Click the second row: its feature's popup opens and the row is selected.
      const target = (await tableRows(page))[1]!;
      await page.click(`.tool-table tbody tr[data-key="${target.key}"]`);
      const popup = page.locator(`.feature-popup[data-id="${target.id}"]`);
      await popup.waitFor({ timeout: 15_000 });
      expect(await popup.locator('h3').innerText()).toBe(target.cells[0]);
      expect(await page.getAttribute(`.tool-table tbody tr[data-key="${target.key}"]`, 'aria-selected')).toBe(
        'true',
      );
      await mapIdle(page);
      await shot(page, name);
    });
  }

  it('a feature clicked on the map marks its row', async () => {
    const page = await open(`${ALL}&layers=projects,border-gates`);
    await tool(page, 'table');
    const rows = await tableRows(page);
    const gate = rows.find((r) => r.layer === 'border-gates')!;
    expect(gate).toBeTruthy();
    const { data } = await (await fetch(`${app.base}/ogc/collections/border-gates/items/${gate.id}`))
      .json()
      .then((f) => ({ data: f }));
    const [lon, lat] = data.geometry.coordinates;
    await page.evaluate(
      ([x, y]) => (window as any).atlas.map.jumpTo({ center: [x, y], zoom: 13 }),
      [lon, lat],
    );
    await mapIdle(page);
    const box = (await page.locator('#map').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.locator(`.feature-popup[data-layer="border-gates"][data-id="${gate.id}"]`).waitFor();
    expect(await page.getAttribute(`.tool-table tbody tr[data-key="${gate.key}"]`, 'aria-selected')).toBe(
      'true',
    );
  });
});

describe('the time slider', () => {
  it('at year Y the map and the table hold only projects of Y or before; playback moves on', async () => {
    const page = await open(`${ALL}&layers=projects`);
    const all = (await (await fetch(`${app.base}/ogc/collections/projects/items?limit=1000`)).json())
      .features as {
      id: number;
      properties: { start_year: number | null; end_year: number | null };
    }[];
    const first = (p: (typeof all)[number]['properties']) => p.start_year ?? p.end_year;
    const years = all.map((f) => first(f.properties)).filter((y): y is number => y !== null);
    const ys = [...new Set(years)].sort();
    const Y = ys[Math.floor(ys.length / 2)]!;
    const expected = all.filter((f) => first(f.properties) !== null && first(f.properties)! <= Y);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    await tool(page, 'timeline');
    await page.locator('.tool-timeline .tool-body[data-ready="true"]').waitFor();
    await tool(page, 'table');
    await page.evaluate((y) => {
      const s = document.querySelector<HTMLInputElement>('#timeline-year')!;
      s.value = String(y);
      s.dispatchEvent(new Event('input', { bubbles: true }));
    }, Y);
    await page.waitForFunction(() => location.hash.includes('years='));
    expect(new URL(page.url()).hash).toContain(`years=-${Y}`);
    await page.waitForFunction(
      (n) => document.querySelectorAll('.tool-table tbody tr').length === n,
      expected.length,
    );
    const ids = (await tableRows(page)).map((r) => Number(r.id)).sort((a, b) => a - b);
    expect(ids).toEqual(expected.map((f) => f.id).sort((a, b) => a - b));
    expect(await mapCount(page)).toBe(expected.length);
    expect(await page.locator('.tool-timeline output').innerText()).toContain(String(Y));
    await checkSeen(page);
    await shot(page, 'timeline-desktop-vi');
    // Playback: from the first year, the year moves on by itself; pause stops it.
    await page.selectOption('#timeline-speed', '2');
    await page.click('.timeline-play');
    await page.waitForFunction(
      (y0) => Number(document.querySelector<HTMLInputElement>('#timeline-year')!.value) > y0,
      ys[0]!,
      {
        timeout: 20_000,
      },
    );
    await page.click('.timeline-play');
    expect(await page.getAttribute('.timeline-play', 'aria-pressed')).toBe('false');
  });
});

describe('measure and bands', () => {
  it('a line between two known points has its geodesic length (± 1 %)', async () => {
    const page = await open('map=8.00/21.00/105.00&lang=en', DESKTOP);
    const a: [number, number] = [105.2, 21.1];
    const b: [number, number] = [105.9, 20.8];
    const [{ km }] = (
      await sql<{ km: number }>`SELECT ST_Distance(ST_MakePoint(${a[0]}, ${a[1]})::geography,
        ST_MakePoint(${b[0]}, ${b[1]})::geography) / 1000 AS km`.execute(app.database.db)
    ).rows as [{ km: number }];
    await tool(page, 'measure');
    await page.click('.measure-distance');
    const box = (await page.locator('#map').boundingBox())!;
    for (const p of [a, b]) {
      const xy = await page.evaluate((q) => (window as any).atlas.map.project(q), p);
      await page.mouse.click(box.x + xy.x, box.y + xy.y);
    }
    await page.waitForFunction(
      () => Number(document.querySelector<HTMLElement>('.measure-result')!.dataset.km) > 0,
    );
    const measured = Number(await page.getAttribute('.measure-result', 'data-km'));
    expect(Math.abs(measured - km) / km).toBeLessThan(0.01);
    expect(await page.locator('.measure-result').innerText()).toMatch(/^Distance: [\d.,]+ km$/);
    // No popup opened by the measuring clicks.
    expect(await page.locator('.feature-popup').count()).toBe(0);
    await page.click('.measure-area');
    const c: [number, number] = [105.5, 21.3];
    for (const p of [a, b, c]) {
      const xy = await page.evaluate((q) => (window as any).atlas.map.project(q), p);
      await page.mouse.click(box.x + xy.x, box.y + xy.y);
    }
    const [{ m2 }] = (
      await sql<{
        m2: number;
      }>`SELECT ST_Area(ST_MakePolygon(ST_MakeLine(ARRAY[ST_MakePoint(${a[0]}, ${a[1]}),
        ST_MakePoint(${b[0]}, ${b[1]}), ST_MakePoint(${c[0]}, ${c[1]}), ST_MakePoint(${a[0]}, ${a[1]})]))::geography) AS m2`.execute(
        app.database.db,
      )
    ).rows as [{ m2: number }];
    const area = Number(await page.getAttribute('.measure-result', 'data-m2'));
    expect(Math.abs(area - m2) / m2).toBeLessThan(0.01);
    expect(await page.locator('.measure-result').innerText()).toMatch(/^Area: [\d.,]+ km² \([\d.,]+ ha\)$/);
    await checkSeen(page);
    await shot(page, 'measure-desktop-en');
  });

  it('a band of N km around a border gate lists the features PostGIS finds within N km', async () => {
    const page = await open(`${ALL}`, PHONE);
    const KM = 40;
    // Gates and projects (markets and industrial parks are projects: one row each) within KM of each gate.
    const near = (
      await sql<{ gate: number; kind: string; id: number; km: number }>`
        SELECT g.id AS gate, x.kind, x.id, ST_Distance(g.geom::geography, x.geom::geography) / 1000 AS km
        FROM layer_border_gates g
        JOIN (SELECT 'p' AS kind, id, geom FROM layer_projects UNION ALL
              SELECT 'g', id, geom FROM layer_border_gates) x
          ON NOT (x.kind = 'g' AND x.id = g.id)
        WHERE ST_DWithin(g.geom::geography, x.geom::geography, ${KM * 1000 * 1.01})`.execute(app.database.db)
    ).rows;
    const counts = new Map<number, number>();
    for (const r of near) counts.set(r.gate, (counts.get(r.gate) ?? 0) + 1);
    const gate = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    const expected = near
      .filter((r) => r.gate === gate && Math.abs(r.km - KM) > KM * 0.01)
      .map((r) => `${r.kind}:${r.id}`);
    expect(expected.length).toBeGreaterThan(0);
    const g = await (await fetch(`${app.base}/ogc/collections/border-gates/items/${gate}`)).json();
    await page.evaluate(
      (c) => (window as any).atlas.map.jumpTo({ center: c, zoom: 13 }),
      g.geometry.coordinates,
    );
    await mapIdle(page);
    await tool(page, 'measure');
    await page.fill('#band-km', String(KM));
    await page.click('.band-pick');
    // The gate in the middle of the map's part below the tool's card (on a phone the card covers the top).
    await page.evaluate((c) => {
      const { map } = (window as any).atlas;
      const frame = map.getContainer().getBoundingClientRect();
      const card = document.querySelector('.tools')!.getBoundingClientRect();
      const below = card.bottom - frame.top;
      map.jumpTo({ center: c, zoom: 13 });
      map.panBy([0, -(below / 2)], { duration: 0 });
    }, g.geometry.coordinates);
    await mapIdle(page);
    const box = (await page.locator('#map').boundingBox())!;
    const xy = await page.evaluate((c) => (window as any).atlas.map.project(c), g.geometry.coordinates);
    await page.mouse.click(box.x + xy.x, box.y + xy.y);
    await page.waitForFunction(
      () => !!document.querySelector<HTMLElement>('.tool-measure .tool-body')!.dataset.band,
    );
    const listed = await page.locator('.band-list li').evaluateAll((lis) =>
      lis.map((li) => ({
        key: `${(li as HTMLElement).dataset.layer === 'border-gates' ? 'g' : 'p'}:${(li as HTMLElement).dataset.id}`,
        km: Number((li as HTMLElement).dataset.km),
      })),
    );
    const clear = listed.filter((l) => Math.abs(l.km - KM) > KM * 0.01).map((l) => l.key);
    expect(clear.sort()).toEqual(expected.sort());
    expect(await page.locator('.band-result').innerText()).toContain(`${KM}`);
    await page.evaluate(
      (c) => (window as any).atlas.map.jumpTo({ center: c, zoom: 8 }),
      g.geometry.coordinates,
    );
    await mapIdle(page);
    await checkSeen(page);
    await shot(page, 'band-phone-vi');
  });
});

describe('print', () => {
  for (const [lang, viewport, name] of [
    ['vi', DESKTOP, 'print-desktop-vi'],
    ['en', PHONE, 'print-phone-en'],
  ] as const) {
    it(`makes a PDF of the map with legend, scale, filters and sources (${name})`, async () => {
      const page = await open(
        `${ALL}&cat=market,industrial_park${lang === 'en' ? '&lang=en' : ''}`,
        viewport,
      );
      await tool(page, 'print');
      await checkSeen(page);
      await shot(page, name);
      const [pdf] = await Promise.all([page.waitForEvent('download'), page.click('.print-pdf')]);
      expect(pdf.suggestedFilename()).toBe('border-atlas-map.pdf');
      const bytes = readFileSync((await pdf.path())!);
      expect(bytes.length).toBeGreaterThan(10_000);
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      const [png] = await Promise.all([page.waitForEvent('download'), page.click('.print-png')]);
      const image = readFileSync((await png.path())!);
      expect(image.subarray(1, 4).toString()).toBe('PNG');
      // The composed page, to look at.
      const { writeFileSync } = await import('node:fs');
      writeFileSync(path.join(artifacts, `tools-${name}-page.png`), image);
    });
  }
});
