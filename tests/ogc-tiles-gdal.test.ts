/**
 * GDAL on OGC API - Tiles: the machine's gdal-bin (Debian 12: 3.6.2), and a
 * GDAL >= 3.7.1 for the vector tile layers (Debian 13's 3.10.3 in a chroot
 * at /opt/gdal-trixie, which `.ci/run` installs; found by gdal-ogcapi.ts).
 *
 * Why Debian 12's GDAL 3.6 opens no tile layer with `ogrinfo OGCAPI:…`: its
 * OGCAPI driver was built without OGR_ENABLE_DRIVER_GML, and in 3.6 that
 * macro wraps the whole branch of InitWithTilesAPI that makes vector
 * layers (upstream fixed the build in 3.7.1, OSGeo/gdal PR 7993). Seen
 * here: with CPL_DEBUG on, 3.6 fetches collection → tilesets → tileset →
 * tiling scheme, parses the tile matrix set (its 1.0 names) and the CRS,
 * then returns with no error and no layer, and `strings libgdal.so.32` has
 * no "vectorType", a key read only in that branch. So on any GDAL:
 *   - discovery is tested (the requests it makes);
 *   - its MVT driver reads our OGC tile URL (filled from the tileset's
 *     `item` template) with the database's feature counts;
 *   - `-oo API=ITEMS` opens the collection's features (what a 3.6 user
 *     does: with our tiles link, API=AUTO tries the tiles and stops there).
 * and with GDAL >= 3.7.1 the tile layers themselves ("Zoom level N").
 *
 * Seen with 3.10.3: its vector branch places the collection's
 * extent.spatial.bbox on the tile matrices without reprojecting it (its
 * raster branch reprojects; so does the upstream source read for this): our
 * CRS84 degrees taken as metres fall in the tile at the world's centre,
 * which our tileMatrixSetLimits exclude from zoom 2 on, so with no option
 * (API=AUTO) it lists zoom 0 and 1 only, and nothing for roads (minzoom 4)
 * or communes (5). The collection's bbox must stay CRS84 (OGC API -
 * Features); the tileset's boundingBox is in the tile matrix set's CRS, and
 * passed as -oo MINX/MINY/MAXX/MAXY it gives every zoom of the limits.
 * Reading the zoom 1 layer it also found our tiles of the world's last
 * column empty (the buffered tile wrapped past 180°: server/tiles/generalise.ts);
 * each zoom's border gates are now counted against the database.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { layers } from '../server/layers/index.ts';
import { findVectorTilesOgrinfo, HOW_TO_GET, type Ogrinfo, ogrinfo } from './gdal-ogcapi.ts';
import { useApp } from './helpers.ts';
import { featuresInTile, labelsInTile, tileOf } from './tiles-helpers.ts';

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

/** `ogrinfo -ro -al -so …` → layer name → feature count (the machine's ogrinfo, or withGdal). */
async function counts(args: string[], withGdal?: Ogrinfo): Promise<Record<string, number>> {
  const full = ['-ro', '-al', '-so', ...args];
  const { stdout } = withGdal
    ? await ogrinfo(withGdal, full, env())
    : await run('ogrinfo', full, { env: env() });
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
    // The composite's area names (tests/tiles-basemap.test.ts); no river crosses this tile.
    const named = await labelsInTile(app.base, TILE);
    if (named > 0) expected.labels = named;
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

// GDAL >= 3.7.1 (the machine's, or Debian 13's under /opt/gdal-trixie: see
// gdal-ogcapi.ts). In CI these run whatever is found, and fail naming how to
// get one rather than skip; elsewhere they are skipped with the reason.
const modern = await findVectorTilesOgrinfo();
const itModern = modern || process.env.CI === 'true' ? it : it.skip;

function need(): Ogrinfo {
  if (!modern) throw new Error(HOW_TO_GET);
  return modern;
}

interface Tileset {
  boundingBox: { lowerLeft: [number, number]; upperRight: [number, number] };
  tileMatrixSetLimits: { tileMatrix: string }[];
}

async function tilesetOf(id: string): Promise<Tileset> {
  return (await (await fetch(`${app.base}/ogc/collections/${id}/tiles/WebMercatorQuad`)).json()) as Tileset;
}

/** The tileset's boundingBox (EPSG:3857) as the driver's MINX…MAXY open options. */
function boxOptions(t: Tileset): string[] {
  const [minx, miny] = t.boundingBox.lowerLeft;
  const [maxx, maxy] = t.boundingBox.upperRight;
  return Object.entries({ MINX: minx, MINY: miny, MAXX: maxx, MAXY: maxy }).flatMap(([k, v]) => [
    '-oo',
    `${k}=${v}`,
  ]);
}

const zoomsOf = (stdout: string) => [...stdout.matchAll(/^\d+: Zoom level (\d+)/gm)].map((m) => m[1]!);

describe(`OGCAPI vector tiles with ${modern?.label ?? 'GDAL >= 3.7.1 (none found)'}`, () => {
  if (!modern)
    console.warn(`ogc-tiles-gdal: ${process.env.CI === 'true' ? 'failing' : 'skipping'}: ${HOW_TO_GET}`);

  itModern(
    'with no open option (what a GIS user types), opens a collection’s tiles, a layer a zoom level',
    async () => {
      const gdal = need();
      const { stdout } = await ogrinfo(
        gdal,
        ['-ro', '-so', `OGCAPI:${app.base}/ogc/collections/border-gates`],
        env(),
      );
      const zooms = zoomsOf(stdout);
      // The driver places the collection's CRS84 bbox on the matrices without
      // reprojecting it, so it lists zoom 0 and 1 only (see the header).
      expect(zooms.length).toBeGreaterThan(0);
      const limits = (await tilesetOf('border-gates')).tileMatrixSetLimits.map((l) => l.tileMatrix);
      for (const z of zooms) expect(limits).toContain(z);
    },
  );

  itModern(
    'with the tileset’s boundingBox as MINX…MAXY, lists one layer per zoom of the tileset’s limits',
    async () => {
      const gdal = need();
      const tileset = await tilesetOf('roads');
      const { stdout } = await ogrinfo(
        gdal,
        [
          '-ro',
          '-so',
          '-oo',
          'API=TILES',
          ...boxOptions(tileset),
          `OGCAPI:${app.base}/ogc/collections/roads`,
        ],
        env(),
      );
      expect(zoomsOf(stdout)).toEqual(tileset.tileMatrixSetLimits.map((l) => l.tileMatrix));
    },
  );

  itModern('reads every border gate of the database from the tiles of zooms 0 to 4 and 8', async () => {
    const gdal = need();
    const tileset = await tilesetOf('border-gates');
    const { rows } = await app.database.pool.query<{ n: string }>(
      'select count(*) as n from layer_border_gates',
    );
    const expected = Number(rows[0]!.n);
    expect(expected).toBeGreaterThan(2);
    for (const z of [0, 1, 2, 3, 4, 8]) {
      const { stdout } = await ogrinfo(
        gdal,
        [
          '-ro',
          '-al',
          '-q',
          '-oo',
          'API=TILES',
          ...boxOptions(tileset),
          `OGCAPI:${app.base}/ogc/collections/border-gates`,
          `Zoom level ${z}`,
        ],
        env(),
      );
      const names = [...stdout.matchAll(/^ {2}name \(String\) = (.+)$/gm)].map((m) => m[1]);
      expect({ z, n: names.length }).toEqual({ z, n: expected });
      expect(new Set(names).size).toBe(expected);
    }
  });

  itModern('with API=ITEMS, opens a collection’s features with the database’s count', async () => {
    const gdal = need();
    const found = await counts(['-oo', 'API=ITEMS', `OGCAPI:${app.base}/ogc/collections/projects`], gdal);
    const { rows } = await app.database.pool.query<{ n: string }>('select count(*) as n from layer_projects');
    expect(found).toEqual({ projects: Number(rows[0]!.n) });
  });
});
