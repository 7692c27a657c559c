/**
 * GDAL on OGC API - Tiles (Debian's gdal-bin; `.ci/run` installs it).
 *
 * Why Debian's GDAL 3.6 opens no tile layer with `ogrinfo OGCAPI:…`: its
 * OGCAPI driver was built without OGR_ENABLE_DRIVER_GML, and in 3.6 that
 * macro wraps the whole branch of InitWithTilesAPI that makes vector
 * layers (upstream fixed the build in 3.7.1, OSGeo/gdal PR 7993). Seen
 * here: with CPL_DEBUG on, 3.6 fetches collection → tilesets → tileset →
 * tiling scheme, parses the tile matrix set (its 1.0 names) and the CRS,
 * then returns with no error and no layer (in gdb: no OGRLayer is ever
 * constructed), and `strings libgdal.so.32` has no "vectorType", a key
 * read only in that branch. No document of ours can change that, so:
 *   - discovery is tested on every GDAL (the requests it makes);
 *   - the tile layers are tested where the driver has them (GDAL ≥ 3.7.1);
 *   - on any GDAL, its MVT driver reads our OGC tile URL (filled from the
 *     tileset's `item` template) with the database's feature counts;
 *   - `-oo API=ITEMS` opens the collection's features (what a 3.6 user
 *     does: with our tiles link, API=AUTO tries the tiles and stops there).
 *
 * From 3.7.1 (read in its source up to 3.10) the vector branch places the
 * collection's extent.spatial.bbox on the tile matrices without
 * reprojecting it (its raster branch reprojects): our CRS84 degrees taken
 * as metres fall in the tile at the world's centre, which our
 * tileMatrixSetLimits exclude from zoom 2 on, so only zoom 0 and 1 were
 * listed. The collection's bbox must stay CRS84 (OGC API - Features); the
 * tileset's boundingBox is now in the tile matrix set's CRS, and passed as
 * -oo MINX/MINY/MAXX/MAXY it gives GDAL every zoom of the limits.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { layers } from '../server/layers/index.ts';
import { useApp } from './helpers.ts';
import { featuresInTile, tileOf } from './tiles-helpers.ts';

const run = promisify(execFile);
const app = useApp();

const env = (debug = false) => ({
  ...process.env,
  CPL_DEBUG: debug ? 'ON' : 'OFF',
  GDAL_HTTP_TIMEOUT: '30',
  // Each run fetches afresh: GDAL's HTTP cache would hide a regression.
  GDAL_HTTP_USE_CACHE: 'NO',
});

async function gdalVersion(): Promise<number[]> {
  const { stdout } = await run('ogrinfo', ['--version']);
  return (/GDAL (\d+)\.(\d+)\.(\d+)/.exec(stdout) ?? []).slice(1).map(Number);
}
const [major = 0, minor = 0, patch = 0] = await gdalVersion();
const hasVectorTiles = major * 10000 + minor * 100 + patch >= 30701;

/** `ogrinfo -ro -al -so …` → layer name → feature count. */
async function counts(args: string[]): Promise<Record<string, number>> {
  const { stdout } = await run('ogrinfo', ['-ro', '-al', '-so', ...args], { env: env() });
  const out: Record<string, number> = {};
  let current = '';
  for (const line of stdout.split('\n')) {
    const name = /^Layer name: (.+)$/.exec(line);
    if (name) current = name[1]!;
    const count = /^Feature Count: (-?\d+)$/.exec(line);
    if (count && current) out[current] = Number(count[1]);
  }
  return out;
}

// Kim Sơn, Quế Phong: projects, a market, a commune seat, roads, the country.
const TILE = tileOf(104.91, 19.63, 13);

describe(`GDAL ${major}.${minor}.${patch} (OGCAPI driver) on /ogc`, () => {
  it('ogrinfo OGCAPI:…/ogc lists every collection from the landing page', async () => {
    const { stdout } = await run('ogrinfo', ['-ro', '-so', `OGCAPI:${app.base}/ogc`], { env: env() });
    for (const l of layers) expect(stdout).toContain(`OGCAPI:${app.base}/ogc/collections/${l.id}`);
  });

  it('with API=TILES, follows a collection to its tileset and the tile matrix set, and parses it', async () => {
    const { stderr } = await run(
      'ogrinfo',
      ['-ro', '-so', '-oo', 'API=TILES', `OGCAPI:${app.base}/ogc/collections/projects`],
      { env: env(true) },
    ).catch((e: { stderr: string }) => e);
    expect(stderr).toContain(`Fetch(${app.base}/ogc/collections/projects/tiles)`);
    expect(stderr).toContain(`Fetch(${app.base}/ogc/collections/projects/tiles/WebMercatorQuad)`);
    expect(stderr).toContain(`Fetch(${app.base}/ogc/tileMatrixSets/WebMercatorQuad)`);
    // What a 2.0-only document gives 3.6 ("Invalid tiling matrix set name"), and any other failure it reports.
    expect(stderr).not.toMatch(/Invalid tiling matrix set|Cannot find|missing in tile URL|ERROR/);
  });

  it.skipIf(!hasVectorTiles)('with API=TILES, opens the tile layers (one a zoom level)', async () => {
    const { stdout } = await run(
      'ogrinfo',
      ['-ro', '-so', '-oo', 'API=TILES', `OGCAPI:${app.base}/ogc/collections/all`],
      { env: env() },
    );
    expect(stdout).toMatch(/Zoom level \d+/);
  });

  it.skipIf(!hasVectorTiles)(
    'with the tileset’s boundingBox as MINX…MAXY, lists one layer per zoom of the tileset’s limits',
    async () => {
      const tileset = (await (
        await fetch(`${app.base}/ogc/collections/roads/tiles/WebMercatorQuad`)
      ).json()) as {
        boundingBox: { lowerLeft: [number, number]; upperRight: [number, number] };
        tileMatrixSetLimits: { tileMatrix: string }[];
      };
      const [minx, miny] = tileset.boundingBox.lowerLeft;
      const [maxx, maxy] = tileset.boundingBox.upperRight;
      const box = { MINX: minx, MINY: miny, MAXX: maxx, MAXY: maxy };
      const { stdout } = await run(
        'ogrinfo',
        [
          '-ro',
          '-so',
          '-oo',
          'API=TILES',
          ...Object.entries(box).flatMap(([k, v]) => ['-oo', `${k}=${v}`]),
          `OGCAPI:${app.base}/ogc/collections/roads`,
        ],
        { env: env() },
      );
      const zooms = [...stdout.matchAll(/Zoom level (\d+)/g)].map((m) => m[1]);
      expect(zooms).toEqual(tileset.tileMatrixSetLimits.map((l) => l.tileMatrix));
    },
  );

  it('its MVT driver reads the tile the tileset’s item template names, with the database’s counts', async () => {
    const tileset = (await (await fetch(`${app.base}/ogc/collections/all/tiles/WebMercatorQuad`)).json()) as {
      links: { rel: string; type?: string; href: string }[];
    };
    const item = tileset.links.find(
      (l) => l.rel === 'item' && l.type === 'application/vnd.mapbox-vector-tile',
    )!;
    const url = item.href
      .replace('{tileMatrix}', String(TILE.z))
      .replace('{tileRow}', String(TILE.y))
      .replace('{tileCol}', String(TILE.x));
    // `?f=mvt` (our one format, named): a URL ending in three numbers is taken by GDAL's MVT driver for a tile directory.
    const found = await counts([`MVT:${url}?f=mvt`]);
    const expected: Record<string, number> = {};
    for (const layer of layers) {
      const n = await featuresInTile(app.database.db, layer.view, TILE);
      if (n > 0) expected[layer.id] = n;
    }
    expect(Object.keys(expected).length).toBeGreaterThan(2);
    expect(found).toEqual(expected);
  });

  it('with API=ITEMS, opens a collection’s features (the way for GDAL before 3.7.1)', async () => {
    const found = await counts(['-oo', 'API=ITEMS', `OGCAPI:${app.base}/ogc/collections/border-gates`]);
    const { rows } = await app.database.pool.query<{ n: string }>(
      'select count(*) as n from layer_border_gates',
    );
    expect(found).toEqual({ 'border-gates': Number(rows[0]!.n) });
  });
});
