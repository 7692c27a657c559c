/**
 * OpenLayers, an OGC API - Tiles client we did not write, in Debian's
 * Chromium: a page served by this test (not part of the client) bundles
 * `ol` from node_modules with one OGCVectorTile layer pointed at
 * /ogc/collections/{id}/tiles/WebMercatorQuad, and must find the tile URL
 * template and the tile matrix set from there alone, ask
 * tileMatrix/tileRow/tileCol = z/y/x, and render features. The same with
 * …/tiles/WorldCRS84Quad in an EPSG:4326 view: the tile matrix set's CRS84
 * axes (Lon, Lat) and origin read as OpenLayers reads them.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/prepare.ts';
import { useApp } from '../helpers.ts';
import { tileOf } from '../tiles-helpers.ts';
import { launch } from './browser.ts';

const app = useApp();
// Kim Sơn, Quế Phong: projects, a market, a commune seat, roads, the country.
const KIM_SON = { lon: 104.91, lat: 19.63 };

/** A small OpenLayers page, bundled here (not part of the client): one OGCVectorTile layer of `?collection=`. */
const OL_PAGE = `
import Map from 'ol/Map.js';
import View from 'ol/View.js';
import MVT from 'ol/format/MVT.js';
import VectorTileLayer from 'ol/layer/VectorTile.js';
import { fromLonLat } from 'ol/proj.js';
import OGCVectorTile from 'ol/source/OGCVectorTile.js';

const params = new URLSearchParams(location.search);
const collection = params.get('collection');
const tms = params.get('tms');
const crs84 = tms === 'WorldCRS84Quad';
const source = new OGCVectorTile({
  url: location.origin + '/ogc/collections/' + collection + '/tiles/' + tms,
  format: new MVT(),
  ...(crs84 ? { projection: 'EPSG:4326' } : {}),
});
const layer = new VectorTileLayer({ source });
const map = new Map({
  target: 'map',
  layers: [layer],
  view: new View(
    crs84
      ? { projection: 'EPSG:4326', center: [${KIM_SON.lon}, ${KIM_SON.lat}], zoom: 9 }
      : { center: fromLonLat([${KIM_SON.lon}, ${KIM_SON.lat}]), zoom: 10 },
  ),
});
// The first rendercomplete comes before the tileset is read: wait for the source, then for a full render.
const rendered = () => new Promise((resolve) => map.once('rendercomplete', resolve));
const ready = () =>
  new Promise((resolve) => {
    if (source.getState() === 'ready') return resolve();
    source.on('change', () => source.getState() === 'ready' && resolve());
  });
window.olDone = ready()
  .then(rendered)
  .then(() => {
    const extent = map.getView().calculateExtent(map.getSize());
    const features = layer.getFeaturesInExtent(extent);
    const canvas = map.getViewport().querySelector('canvas');
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
    return {
      features: features.length,
      layers: [...new Set(features.map((f) => f.get('layer')))].sort(),
      painted,
    };
  });
`;

describe('OpenLayers (OGCVectorTile source) in Chromium', () => {
  let browser: Browser;
  let bundle: string;
  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ol-page-'));
    try {
      const out = path.join(dir, 'page.js');
      await build({
        stdin: { contents: OL_PAGE, resolveDir: projectRoot, loader: 'js' },
        bundle: true,
        format: 'esm',
        outfile: out,
        logLevel: 'error',
      });
      bundle = await readFile(out, 'utf8');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** The tile of matrix `m` under a longitude/latitude, as each set numbers it (arithmetic written out here). */
  const centreOf: Record<string, (m: number) => { y: number; x: number }> = {
    WebMercatorQuad: (m) => tileOf(KIM_SON.lon, KIM_SON.lat, m),
    WorldCRS84Quad: (m) => ({
      x: Math.floor((KIM_SON.lon + 180) / (180 / 2 ** m)),
      y: Math.floor((90 - KIM_SON.lat) / (180 / 2 ** m)),
    }),
  };

  for (const tms of ['WebMercatorQuad', 'WorldCRS84Quad']) {
    it(`finds the ${tms} tiles of \`all\` from the collection alone, asks tileMatrix/tileRow/tileCol right, and renders features`, async () => {
      const context = await browser.newContext({ viewport: { width: 512, height: 512 } });
      try {
        // The page and its script are answered here, at the app's origin; everything else goes to the app.
        await context.route(`${app.base}/__ol/**`, (route) =>
          route.request().url().includes('page.js')
            ? route.fulfill({ contentType: 'text/javascript', body: bundle })
            : route.fulfill({
                contentType: 'text/html',
                body: '<!doctype html><html><body style="margin:0"><div id="map" style="width:512px;height:512px"></div><script type="module" src="/__ol/page.js"></script></body></html>',
              }),
        );
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        const tileUrls: string[] = [];
        page.on('response', (r) => {
          if (r.url().includes(`/tiles/${tms}/`)) tileUrls.push(`${r.status()} ${r.url()}`);
        });
        await page.goto(`${app.base}/__ol/index.html?collection=all&tms=${tms}`);
        await page.waitForFunction(() => 'olDone' in window, null, { timeout: 30_000 });
        const result = await page.evaluate(
          () =>
            (
              window as unknown as {
                olDone: Promise<{ features: number; layers: string[]; painted: number }>;
              }
            ).olDone,
        );
        expect(errors).toEqual([]);
        // The tile under the view's centre was asked as tileMatrix/tileRow/tileCol = z/y/x.
        const asked = tileUrls.map((u) => /^(\d+) .*\/(\d+)\/(\d+)\/(\d+)$/.exec(u)!.slice(1).map(Number));
        expect(asked.length).toBeGreaterThan(0);
        const z = asked[0]![1]!;
        const centre = centreOf[tms]!(z);
        expect(asked).toContainEqual([200, z, centre.y, centre.x]);
        expect(result.features).toBeGreaterThan(10);
        expect(result.layers).toEqual(expect.arrayContaining(['communes', 'roads']));
        expect(result.painted).toBeGreaterThan(1000);
      } finally {
        await context.close();
      }
    });
  }
});
