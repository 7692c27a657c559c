/**
 * Browser plumbing for the end-to-end tests: an up-to-date client build, the
 * label glyphs, Debian's Chromium headless with WebGL (SwiftShader), and a
 * page that records console errors and fails any request to another origin.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { clientDist } from '../../server/app.ts';
import { buildGlyphs, FONTSTACK, RANGES } from '../../server/fonts/build.ts';
import { projectRoot } from '../../server/prepare.ts';

export const artifacts = path.join(projectRoot, 'test-artifacts');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds dist/client when it is missing or older than client/ or vite.config.ts. */
export async function ensureClientBuilt(): Promise<void> {
  const index = path.join(clientDist, 'index.html');
  const sources = Math.max(
    newest(path.join(projectRoot, 'client')),
    statSync(path.join(projectRoot, 'vite.config.ts')).mtimeMs,
  );
  if (!existsSync(index) || statSync(index).mtimeMs < sources) {
    const { build } = await import('vite');
    await build({ configFile: path.join(projectRoot, 'vite.config.ts'), logLevel: 'warn' });
  }
  const fonts = path.join(clientDist, '..', 'fonts');
  if (!RANGES.every((r) => existsSync(path.join(fonts, FONTSTACK, `${r}-${r + 255}.pbf`))))
    buildGlyphs(fonts);
  mkdirSync(artifacts, { recursive: true });
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  // Software compositing. One known artefact of it (2026-11-30): after a phone popup moves
  // under its point and grows, a white block of the popup's width stays where it was before
  // (test-artifacts/find-popup-phone-*.png); without this flag it does not, and bench:client
  // measured the same (median 1,574 ms against 1,564).
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // WebGL without a GPU: ANGLE over SwiftShader, which MapLibre renders with.
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions, as text. */
  errors: string[];
  /** Every URL asked of a host other than ours (each was refused). */
  foreign: string[];
  /** Status of every response from our server, in order. */
  responses: { url: string; status: number }[];
}

/** A fresh context whose every request is checked: only `base`'s origin is let through. */
export async function watchedPage(
  browser: Browser,
  base: string,
  viewport = { width: 1280, height: 800 },
): Promise<Watched> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const origin = new URL(base).origin;
  const errors: string[] = [];
  const foreign: string[] = [];
  const responses: Watched['responses'] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    foreign.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${m.text()} @ ${m.location().url}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('response', (r) => responses.push({ url: r.url(), status: r.status() }));
  return { context, page, errors, foreign, responses };
}

/** Waits until the map has loaded its style and tiles and has drawn them. */
export async function mapIdle(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 45_000 });
  // The filtered selection drawn over the clusters is read over the network: wait for it too.
  await page.waitForFunction(() => document.body.dataset.selection !== 'loading', null, { timeout: 45_000 });
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const { map } = (window as any).atlas;
        // 'idle' fires after a frame with nothing left to load, fade or move.
        map.once('idle', () => resolve());
        map.triggerRepaint();
      }),
  );
}

/**
 * Contrast ratio (WCAG) of each element's text colour against the colour
 * actually behind it: its own background or the nearest ancestor's that is
 * not transparent.
 */
export function contrasts(page: Page, selector: string): Promise<{ text: string; ratio: number }[]> {
  return page.$$eval(selector, (els) => {
    const rgb = (s: string): number[] => (s.match(/[\d.]+/g) ?? []).map(Number);
    const lum = (c: number[]): number => {
      const [r, g, b] = c.slice(0, 3).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const behind = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c[3] ?? 0) > 0.5) return c;
      }
      return [255, 255, 255];
    };
    return els.map((el) => {
      const fg = lum(rgb(getComputedStyle(el).color));
      const bg = lum(behind(el));
      const [hi, lo] = fg > bg ? [fg, bg] : [bg, fg];
      return { text: el.textContent ?? '', ratio: (hi + 0.05) / (lo + 0.05) };
    });
  });
}

/** Waits until the map draws a feature named `name` (rendered-feature query over every layer of the atlas). */
export async function waitDrawn(page: Page, name: string): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const { map, roles } = (window as any).atlas;
      const layers = [...roles.values()]
        .flatMap((r: any) => r.interactive)
        .filter((l: string) => map.getLayer(l));
      return map.queryRenderedFeatures({ layers }).some((f: any) => f.properties.name === n);
    },
    name,
    { timeout: 45_000 },
  );
}

/**
 * One Chromium for a test file (the client built first), and its pages
 * watched: after each test they are closed, and none may have logged a
 * console error or asked another origin. Call at the top of the file,
 * before useApp: the client is built before the app serves it.
 *
 *   const pages = useBrowser(() => app.base);
 *   const app = useApp();
 *   const { page } = await pages.open({ width: 390, height: 844 });
 */
export function useBrowser(base: () => string): {
  open(viewport?: { width: number; height: number }): Promise<Watched>;
} {
  let browser: Browser;
  let watched: Watched[] = [];
  beforeAll(() => ensureClientBuilt(), 240_000);
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
  return {
    async open(viewport) {
      const w = await watchedPage(browser, base(), viewport);
      watched.push(w);
      return w;
    },
  };
}
