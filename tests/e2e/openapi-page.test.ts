/**
 * /ogc/api?f=html in real Chromium: Swagger UI, served from our own origin
 * under the app's Content-Security-Policy, renders the document's paths.
 * Fails on a console error (a CSP refusal is one) and on any request to
 * another host.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useApp } from '../helpers.ts';
import { launch, watchedPage } from './browser.ts';

const app = useApp();
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('the OpenAPI page', () => {
  it('shows every path of the document, rendered from this origin only', async () => {
    const doc = (await (await fetch(`${app.base}/ogc/api`)).json()) as { paths: Record<string, unknown> };
    const w = await watchedPage(browser, app.base);
    try {
      const res = await w.page.goto(`${app.base}/ogc/api?f=html`);
      expect(res?.status()).toBe(200);
      expect(res?.headers()['content-security-policy']).toContain("default-src 'self'");
      await w.page.waitForSelector('.opblock-summary-path', { timeout: 45_000 });
      const shown = await w.page.$$eval('.opblock-summary-path', (els) =>
        els.map((e) => e.getAttribute('data-path') ?? e.textContent?.replace(/\u200b/g, '') ?? ''),
      );
      for (const path of Object.keys(doc.paths)) expect(shown, path).toContain(path);
      const text = await w.page.textContent('body');
      expect(text).toContain('Border Atlas');
      expect(text).toContain('/api/search');
      expect(text).toContain('/tiles/{layers}/{z}/{x}/{y}.mvt');
    } finally {
      await w.context.close();
    }
    expect(w.errors, 'console errors').toEqual([]);
    expect(w.foreign, 'requests to another origin').toEqual([]);
  });
});
