/**
 * Reviewing an article in the web map (issue 12 section 3), in Chromium
 * against the real server on a seeded scratch database: an editor opens
 * "Nhập bài báo", pastes an article of our own (tests/fixtures/
 * ingest-review-article.txt), reads it through POST /api/ingest, corrects one
 * candidate's place through the gazetteer search, accepts, and finds the
 * features on the map with the article as their source; ingesting the same
 * article again shows its candidates as already in the atlas (updates
 * proposed, not new features). Selecting a passage selects its candidate and
 * back; the review's text is readable (computed contrast). Screenshots:
 * desktop in Vietnamese, phone in English (test-artifacts/review-*.png).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../../seeds/index.ts';
import { createToken } from '../../server/auth/tokens.ts';
import { useApp } from '../helpers.ts';
import {
  artifacts,
  contrasts,
  ensureClientBuilt,
  launch,
  mapIdle,
  type Watched,
  waitDrawn,
  watchedPage,
} from './browser.ts';

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const ARTICLE = readFileSync(
  new URL('../fixtures/ingest-review-article.txt', import.meta.url),
  'utf8',
).trimEnd();
const TITLE = 'Lao Cai approves a border market in Y Ty';
const URL_ = 'https://example.org/test/lao-cai-y-ty-market';

let browser: Browser;
let watched: Watched[] = [];
let editorToken: string;

beforeAll(() => ensureClientBuilt(), 240_000);
const app = useApp({ database: 'scratch', setup: async (d) => void (await seed(d.db)) });
beforeAll(async () => {
  browser = await launch();
  editorToken = (await createToken(app.database.db, { name: 'Trần Văn Duyệt', role: 'editor' })).token;
}, 240_000);
afterAll(async () => {
  await browser?.close();
});
/** A refused accept (the 422 the test provokes) is logged by Chromium as a console error. */
const expected = (e: string) => /status of 422 \(Unprocessable Entity\)/.test(e);
afterEach(async () => {
  const done = watched;
  watched = [];
  for (const w of done) {
    await w.context.close();
    expect(
      w.errors.filter((e) => !expected(e)),
      'console errors',
    ).toEqual([]);
    expect(w.foreign, 'requests to another origin').toEqual([]);
  }
});

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(artifacts, `${name}.png`) });

async function open(viewport = DESKTOP, hash = '#map=9/22.5/103.9'): Promise<Page> {
  const w = await watchedPage(browser, app.base, viewport);
  watched.push(w);
  await w.page.goto(`${app.base}/${hash}`);
  await mapIdle(w.page);
  await w.page.click('#sign-in-button');
  await w.page.fill('dialog.sign-in input[name="token"]', editorToken);
  await w.page.click('dialog.sign-in button[name="sign-in"]');
  await w.page.locator('button[name="ingest-article"]').waitFor({ state: 'visible' });
  return w.page;
}

async function ingest(page: Page): Promise<void> {
  await page.click('button[name="ingest-article"]');
  const form = page.locator('#review form.review-input');
  await form.locator('input[name="title"]').fill(TITLE);
  await form.locator('input[name="url"]').fill(URL_);
  await form.locator('input[name="publisher"]').fill('Test Gazette');
  await form.locator('input[name="published"]').fill('2025-06-12');
  await form.locator('textarea[name="text"]').fill(ARTICLE);
  const answered = page.waitForResponse(
    (r) => r.url().endsWith('/api/ingest') && r.request().method() === 'POST',
  );
  await form.locator('button[name="read"]').click();
  expect((await answered).status()).toBe(200);
  await page.locator('#review .review-body[data-ready="true"]').waitFor();
}

/** Every text of the review: contrast ≥ 4.5 against what is behind it. */
async function readable(page: Page): Promise<void> {
  const low: string[] = [];
  for (const sel of [
    '#review .article-text',
    '#review .article-text mark',
    '#review .article-text mark.sel',
    '#review .candidate .badge',
    '#review .candidate .cand-name',
    '#review .candidate .meta',
    '#review .candidate .field > span',
    '#review .candidate button',
    '#review .actions button',
  ])
    for (const c of await contrasts(page, sel))
      if (c.ratio < 4.5) low.push(`${sel} "${c.text.slice(0, 30)}": ${c.ratio.toFixed(2)}`);
  expect(low).toEqual([]);
}

async function reviewFlow(page: Page): Promise<void> {
  await ingest(page);
  const features = page.locator('#review li.candidate[data-type="feature"]');
  expect(await features.count()).toBeGreaterThan(0);
  expect(await page.locator('#review li.candidate[data-state="existing"]').count()).toBe(0);
  expect(await page.locator('#review .article-text mark').count()).toBeGreaterThan(0);
  const first = features.first();
  const id = (await first.getAttribute('data-id'))!;

  // A passage selects its candidate; the candidate selects its passages and its point.
  await page.locator(`#review .article-text mark[data-c~="${id}"]`).first().click();
  await expect.poll(() => first.getAttribute('aria-current')).toBe('true');
  const other = page.locator('#review li.candidate').nth(1);
  await other.locator('.cand-head').click();
  const otherId = (await other.getAttribute('data-id'))!;
  expect(await page.locator(`#review .article-text mark.sel`).first().getAttribute('data-c')).toContain(
    otherId,
  );
  expect(
    await page.evaluate(() => JSON.stringify((window as any).atlas.map.getFilter('review:halo'))),
  ).toContain(otherId);

  // Correct the first candidate's place through the gazetteer: xã Y Tý (Lào Cai).
  await first.locator('button[name="fix-place"]').click();
  await first.locator('input[name="place-q"]').fill('y ty');
  const yTy = first.locator('button[name="place-result"]', { hasText: /Y Tý.*Lào Cai/ }).first();
  await yTy.waitFor();
  await yTy.click();
  const fixed = page.locator(`#review li.candidate[data-id="${id}"]`);
  await expect.poll(() => fixed.locator('.place-name').textContent()).toMatch(/^Y Tý/);
  const name = await fixed.locator('input[name="name"]').inputValue();

  await readable(page);
  await shot(page, 'review-desktop-vi');

  // A refusal is named on its card and writes nothing: an empty name.
  await fixed.locator('input[name="name"]').fill('');
  await fixed.locator('input[name="name"]').dispatchEvent('change');
  const refused = page.waitForResponse((r) => r.url().endsWith('/api/ingest/accept'));
  await fixed.locator('button[name="accept"]').click();
  expect((await refused).status()).toBe(422);
  await page.locator(`#review li.candidate[data-id="${id}"] .cand-error`).waitFor();
  await page.locator(`#review li.candidate[data-id="${id}"] input[name="name"]`).fill(name);
  await page.locator(`#review li.candidate[data-id="${id}"] input[name="name"]`).dispatchEvent('change');

  // Split one candidate in two, merge the copy back; reject and undo; a figure given in another unit.
  let converted: { id: string; value: number } | null = null;
  if ((await features.count()) > 1) {
    const second = features.nth(1);
    const id2 = (await second.getAttribute('data-id'))!;
    const n = await page.locator('#review li.candidate').count();
    await second.locator('button[name="split"]').click();
    const copy = page.locator(`#review li.candidate[data-id="${id2}-2"]`);
    await copy.waitFor();
    expect(await page.locator('#review li.candidate').count()).toBe(n + 1);
    await page
      .locator(`#review li.candidate[data-id="${id2}"] select[name="merge"]`)
      .selectOption(`${id2}-2`);
    await copy.waitFor({ state: 'detached' });
    expect(await page.locator('#review li.candidate').count()).toBe(n);
    const card2 = page.locator(`#review li.candidate[data-id="${id2}"]`);
    await card2.locator('button[name="reject"]').click();
    await expect.poll(() => card2.getAttribute('data-state')).toBe('rejected');
    await card2.locator('button[name="undo"]').click();
    await expect.poll(() => card2.getAttribute('data-state')).not.toBe('rejected');
    const money = card2.locator('input[name="fig-investment_bn_vnd"]');
    if (await money.count()) {
      await money.fill('20000');
      await money.dispatchEvent('change');
      await card2.locator('select[name="unit-investment_bn_vnd"]').selectOption({ label: 'triệu đồng' });
      converted = { id: id2, value: 20 };
    }
  }

  // An indicator the article gives no year for cannot be accepted as it is: the editor rejects it here.
  const undated = page.locator('#review li.candidate[data-type="indicator"]:has(input[name="year"])');
  for (let i = (await undated.count()) - 1; i >= 0; i--) {
    const card = undated.nth(i);
    if ((await card.locator('input[name="year"]').inputValue()) === '')
      await card.locator('button[name="reject"]').click();
  }

  // Accept all: written, on the map at once, the article as the feature's source.
  const accepted = page.waitForResponse((r) => r.url().endsWith('/api/ingest/accept'));
  await page.click('#review button[name="accept-all"]');
  const res = await accepted;
  expect(res.status(), await res.text()).toBe(200);
  const sent = res.request().postDataJSON() as {
    candidates: { id: string; properties?: Record<string, unknown> }[];
  };
  if (converted)
    expect(sent.candidates.find((c) => c.id === converted!.id)?.properties?.investment_bn_vnd).toBe(
      converted.value,
    );
  const written = ((await res.json()) as { written: { candidate: string; layer: string; id: number }[] })
    .written;
  expect(written.map((w) => w.candidate)).toContain(id);
  await expect.poll(() => page.locator('#review li.candidate[data-state="open"]').count()).toBe(0);
  await page.evaluate(() => (window as any).atlas.map.jumpTo({ center: [103.6013, 22.6516], zoom: 12 }));
  await waitDrawn(page, name);
  await page.click('#review button[name="close-review"]');
  await page.fill('#q', name);
  await page.locator('.results button.result', { hasText: name }).first().click();
  const popup = page.locator('.feature-popup ol.sources');
  await popup.waitFor();
  await expect.poll(() => popup.textContent()).toContain(TITLE);
  // The article's date, as the page's language writes it (12 thg 6, 2025).
  expect(await popup.locator('.published').first().textContent()).toMatch(/12.*2025/);
}

async function reingest(page: Page): Promise<void> {
  await ingest(page);
  // What was accepted is recognised: updates proposed, no new feature.
  const existing = page.locator('#review li.candidate[data-state="existing"]');
  await expect.poll(() => existing.count()).toBeGreaterThan(0);
  expect(await page.locator('#review li.candidate[data-type="feature"][data-state="open"]').count()).toBe(0);
  expect(await existing.first().locator('.badge').textContent()).toBe('Already in the atlas');
  await readable(page);
  await shot(page, 'review-phone-en');
}

describe('reviewing an ingested article', { timeout: 300_000 }, () => {
  it('an editor ingests an article through POST /api/ingest, fixes a place, accepts; re-ingesting proposes updates', async () => {
    await reviewFlow(await open());
    const phone = await open(PHONE);
    await phone.click('#lang');
    await reingest(phone);
  });
});
