/**
 * The web map groups by the 2025 units while keeping the history, in
 * Chromium on the seeded data: the statistics tab's table by commune names
 * the 2025 commune (xã Quế Phong, fed by thị trấn Kim Sơn) and gives the
 * projects of huyện Quế Phong one row split between its five 2025 communes;
 * the commune choropleth shades 2025 codes only and says what it leaves out;
 * today's Lào Cai's popup shows huyện Mường Khương's figures labelled
 * "trước 2025" / "before 2025". Screenshots: test-artifacts/rollup-*.png.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useApp } from '../helpers.ts';
import { artifacts, mapIdle, useBrowser } from './browser.ts';

const pages = useBrowser(() => app.base);
const app = useApp({ base: process.env.E2E_BASE });

async function open(hash: string): Promise<Page> {
  const w = await pages.open({ width: 1440, height: 900 });
  await w.page.goto(`${app.base}/#${hash}`);
  // A wait, not a timed assertion: the first load can be slow on a shared machine.
  await w.page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 240_000 });
  await mapIdle(w.page);
  return w.page;
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(artifacts, `rollup-${name}.png`) });

describe('the web map by 2025 units', () => {
  it('lists the statistics by 2025 commune, an old district split between communes in one row', async () => {
    const page = await open('tab=stats');
    await page.waitForSelector('#tab-stats .stats-communes tbody tr', { timeout: 120_000 });
    const rows = await page.$$eval('#tab-stats .stats-communes tbody tr', (trs) =>
      trs.map((tr) => ({
        code: (tr as HTMLElement).dataset.code,
        split: tr.classList.contains('split'),
        cells: [...tr.children].map((c) => c.textContent),
      })),
    );
    const quePhong = rows.find((r) => r.code === '16738')!;
    expect(quePhong.cells[0]).toBe('Quế Phong');
    expect(quePhong.cells[3]).toContain('thị trấn Kim Sơn');
    const district = rows.find((r) => r.split && r.cells[3] === 'huyện Quế Phong')!;
    expect(district.cells[0]).toBe('Chia cho: Mường Quàng, Quế Phong, Thông Thụ, Tiền Phong, Tri Lễ');
    // No row is an old district or commune of its own.
    expect(rows.some((r) => ['415', '083', '200', '201', '100'].includes(r.code!))).toBe(false);
    expect(await page.textContent('#tab-stats .stats-communes figcaption')).toBe(
      'Theo xã, phường (đơn vị 2025) (tỷ đồng)',
    );
    await page.locator('#tab-stats .stats-communes').scrollIntoViewIfNeeded();
    await shot(page, 'stats-communes');
  });

  it('shades communes by their 2025 codes and says how many projects of split units it leaves out', async () => {
    const page = await open('map=7/21/105&choro=communes/projects&tab=layers');
    await page.waitForFunction(
      () => document.querySelector('.choropleth-legend')?.textContent?.includes('không tô màu'),
      null,
      {
        timeout: 120_000,
      },
    );
    const legend = await page.textContent('.choropleth-legend');
    expect(legend).toMatch(/\d+ dự án của đơn vị cũ chia cho nhiều xã không tô màu/);
    const color = await page.evaluate(() =>
      JSON.stringify((window as any).atlas.map.getPaintProperty('communes:point', 'circle-color')),
    );
    expect(color).toContain('"16738"');
    expect(color).not.toContain('"415"');
  });

  it("shows today's Lào Cai the figures of huyện Mường Khương, labelled as before 2025", async () => {
    const provinces = await (await fetch(`${app.base}/ogc/collections/provinces/items?limit=100`)).json();
    const laoCai = provinces.features.find((f: any) => f.properties.code === '15');
    for (const [lang, label] of [
      ['vi', 'trước 2025: huyện Mường Khương'],
      ['en', 'before 2025: Mường Khương district'],
    ] as const) {
      const page = await open(`map=7/22/104.5&sel=provinces/${laoCai.id}&lang=${lang}`);
      await page.waitForSelector('.feature-popup .unit-figures[data-ready="true"]', { timeout: 120_000 });
      const text = await page.textContent('.feature-popup .unit-figures');
      expect(text).toContain(label);
      expect(text).toContain('277');
      await shot(page, `popup-lao-cai-${lang}`);
    }
  });
});
