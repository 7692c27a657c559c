/**
 * PMTiles away from the tile server, in Debian's Chromium:
 *
 * 1. The field package (npm run export:offline): built for a province,
 *    unzipped to a temporary folder and served by a trivial static file
 *    server (express.static) started here, as a phone's static-server app
 *    or `python3 -m http.server` would. Not file://: Chromium refuses
 *    module scripts and fetch() from file:// pages (origin "null"), and
 *    the map needs both; docs/offline.md says so. Every request to anything
 *    but the package's own files is refused, and the map must draw features
 *    from the archive (read by range requests) with no console error.
 * 2. The archive behind a "CDN": the same folder served on another origin
 *    with Range, CORS, ETag and Cache-Control (docs/offline.md), opened in
 *    the web map with `?pmtiles=URL`; and the same archive picked as a local
 *    file (the pmtiles FileSource).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main } from '../../scripts/export-offline.ts';
import { useApp } from '../helpers.ts';
import { artifacts, ensureClientBuilt, launch } from './browser.ts';

const run = promisify(execFile);

let browser: Browser;
let dir: string;
let pkg: string;
let statics: { base: string; server: Server }[] = [];
const exitCodes: number[] = [];

/** A static file server for `root`: Range (express.static), and for `cors`, what a CDN in front of a bucket sends. */
async function serveStatic(root: string, cors = false): Promise<string> {
  const app = express();
  if (cors) {
    app.use((req, res, next) => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Allow-Headers', 'Range, If-Match');
      res.setHeader('Access-Control-Expose-Headers', 'ETag, Content-Range, Content-Length');
      if (req.method === 'OPTIONS') return void res.status(204).end();
      next();
    });
  }
  app.use(express.static(root, { etag: true, maxAge: '1y', immutable: true }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  statics.push({ base, server });
  return base;
}

interface Watch {
  page: Page;
  errors: string[];
  refused: string[];
  responses: { url: string; status: number }[];
  close: () => Promise<void>;
}

/** A page whose requests go only to `origins`; the rest are refused and listed. */
async function watched(origins: string[]): Promise<Watch> {
  const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
  const allowed = new Set(origins.map((o) => new URL(o).origin));
  const refused: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (allowed.has(new URL(url).origin)) return route.continue();
    refused.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  const errors: string[] = [];
  const responses: Watch['responses'] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${m.text()} @ ${m.location().url}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('response', (r) => responses.push({ url: r.url(), status: r.status() }));
  return { page, errors, refused, responses, close: () => context.close() };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offline-e2e-'));
  pkg = path.join(dir, 'package');
  // The export connects like npm start: here, to the run's database, as it is (no reseeding under other tests).
  const saved = { DATABASE_URL: process.env.DATABASE_URL, SKIP_PREPARE: process.env.SKIP_PREPARE };
  Object.assign(process.env, { DATABASE_URL: inject('dbUrl'), SKIP_PREPARE: '1' });
  const out = path.join(dir, 'dien-bien.zip');
  try {
    exitCodes.push(await main(['--province', '11', '--maxzoom', '10', out]));
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  await run('unzip', ['-q', out, '-d', pkg]);
  browser = await launch();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  for (const s of statics) {
    s.server.closeAllConnections();
    await new Promise((r) => s.server.close(r));
  }
  statics = [];
  await rm(dir, { recursive: true, force: true });
});

/** Style layers of our source with at least one feature drawn in the viewport, by source layer. */
function drawn(page: Page, handle: 'offline' | 'atlas'): Promise<Record<string, number>> {
  return page.evaluate((h) => {
    const { map } = (window as any)[h];
    const out: Record<string, number> = {};
    for (const f of map.queryRenderedFeatures()) {
      if (f.source !== 'atlas') continue;
      out[f.sourceLayer] = (out[f.sourceLayer] ?? 0) + 1;
    }
    return out;
  }, handle);
}

describe('npm run export:offline -- --province 11: the field package', () => {
  it('exits 0 with the archive, style, glyphs, page and README in the zip', async () => {
    expect(exitCodes).toEqual([0]);
    const readme = await readFile(path.join(pkg, 'README.txt'), 'utf8');
    expect(readme).toContain('Điện Biên');
    expect(readme).toMatch(/Open Database License \(ODbL\)/);
    expect(readme).toContain('python3 -m http.server');
    const style = JSON.parse(await readFile(path.join(pkg, 'style.json'), 'utf8'));
    expect(style.sources.atlas).toMatchObject({ type: 'vector', url: 'pmtiles://area.pmtiles' });
    expect(style.glyphs).toBe('fonts/{fontstack}/{range}.pbf');
    // Vietnamese names need Latin Extended (256-511) and Vietnamese (7680-7935).
    for (const r of ['0-255', '256-511', '7680-7935'])
      await expect(readFile(path.join(pkg, 'fonts', 'Noto Sans Regular', `${r}.pbf`))).resolves.toBeTruthy();
    const html = await readFile(path.join(pkg, 'index.html'), 'utf8');
    // Relative paths only: the page works from whatever folder it is unzipped into.
    expect(html).not.toMatch(/(src|href)="\/(?!\/)/);
  });

  it('renders the province from the package alone: features drawn, range requests to the archive, no other request, no console error', async () => {
    const base = await serveStatic(pkg);
    const w = await watched([base]);
    try {
      await w.page.goto(`${base}/index.html`);
      await w.page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60_000 });
      const byLayer = await drawn(w.page, 'offline');
      await w.page.screenshot({ path: path.join(artifacts, 'offline-package.png') });
      expect(Object.keys(byLayer)).toEqual(expect.arrayContaining(['countries', 'communes']));
      expect(Object.values(byLayer).reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
      const archive = w.responses.filter((r) => r.url.endsWith('/area.pmtiles'));
      expect(archive.length).toBeGreaterThan(1);
      expect(archive.every((r) => r.status === 206)).toBe(true);
      expect(w.responses.some((r) => r.url.includes('/fonts/Noto%20Sans%20Regular/'))).toBe(true);
      expect(w.refused).toEqual([]);
      expect(w.errors).toEqual([]);
    } finally {
      await w.close();
    }
  }, 120_000);
});

describe('the web map opens a .pmtiles archive', () => {
  // Before the app starts: it serves dist/client only when that exists at its creation.
  // The "CDN" listens before the app starts, so that its origin can be in the app's PMTILES_ORIGINS
  // (the page's Content-Security-Policy lets it connect there).
  let cdn: string;
  const config = { PMTILES_ORIGINS: [] as string[] };
  beforeAll(async () => {
    await ensureClientBuilt();
    cdn = await serveStatic(pkg, true);
    config.PMTILES_ORIGINS.push(cdn);
  }, 240_000);
  const app = useApp({ config });

  it('from a URL on another origin (static host with Range, CORS, ETag): ?pmtiles=URL', async () => {
    const w = await watched([app.base, cdn]);
    try {
      const url = `${cdn}/area.pmtiles`;
      await w.page.goto(`${app.base}/?pmtiles=${encodeURIComponent(url)}`);
      await w.page.waitForFunction(
        () =>
          /area\.pmtiles: (đã mở|không mở được)/.test(document.querySelector('#message')?.textContent ?? ''),
        null,
        {
          timeout: 60_000,
        },
      );
      expect(await w.page.textContent('#message')).toMatch(/area\.pmtiles: đã mở$/);
      await w.page.evaluate(
        () => new Promise<void>((resolve) => (window as any).atlas.map.once('idle', () => resolve())),
      );
      const sourceUrl = await w.page.evaluate(() => (window as any).atlas.map.getSource('atlas').url);
      expect(sourceUrl).toBe(`pmtiles://${url}`);
      const byLayer = await drawn(w.page, 'atlas');
      expect(Object.values(byLayer).reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
      const ranged = w.responses.filter((r) => r.url === url);
      expect(ranged.length).toBeGreaterThan(1);
      expect(ranged.every((r) => r.status === 206)).toBe(true);
      expect(w.refused).toEqual([]);
      expect(w.errors).toEqual([]);
    } finally {
      await w.close();
    }
  }, 120_000);

  it('from a file on the device (file input, FileSource): nothing is fetched for it', async () => {
    const w = await watched([app.base]);
    try {
      await w.page.goto(`${app.base}/`);
      const input = w.page.locator('.pmtiles-picker input[type=file]');
      await input.waitFor({ state: 'attached', timeout: 60_000 });
      // The page's words, not the browser's ("Choose File", "No file chosen" in an English Chromium).
      const picker = w.page.locator('.pmtiles-picker');
      expect(await picker.textContent()).toMatch(/Chọn tệp…\s*Chưa chọn tệp/);
      // The browser's own control, whose words are not in the page's text, is not shown.
      const box = await input.boundingBox();
      expect(box === null || (box.width <= 1 && box.height <= 1), JSON.stringify(box)).toBe(true);
      await input.setInputFiles(path.join(pkg, 'area.pmtiles'));
      await w.page.waitForFunction(
        () =>
          /area\.pmtiles: (đã mở|không mở được)/.test(document.querySelector('#message')?.textContent ?? ''),
        null,
        {
          timeout: 60_000,
        },
      );
      expect(await w.page.textContent('#message')).toMatch(/area\.pmtiles: đã mở$/);
      expect(await w.page.textContent('.pmtiles-chosen')).toBe('area.pmtiles');
      await w.page.evaluate(
        () => new Promise<void>((resolve) => (window as any).atlas.map.once('idle', () => resolve())),
      );
      expect(await w.page.evaluate(() => (window as any).atlas.map.getSource('atlas').url)).toBe(
        'pmtiles://area.pmtiles',
      );
      const byLayer = await drawn(w.page, 'atlas');
      expect(Object.values(byLayer).reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
      expect(w.responses.some((r) => r.url.includes('.pmtiles'))).toBe(false);
      expect(w.refused).toEqual([]);
      expect(w.errors).toEqual([]);
    } finally {
      await w.close();
    }
  }, 120_000);
});
