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
 * Why GDAL >= 3.7.1 needs our WorldCRS84Quad tileset (read in its
 * gdalogcapidataset.cpp, InitFromCollection and InitWithTilesAPI): the
 * vector branch takes the collection's extent.spatial.bbox (or -oo
 * MINX…MAXY) and computes each matrix's columns and rows from it in the
 * tile matrix set's CRS without reprojecting it (only its raster branch
 * reprojects a CRS84 box); it never reads the tileset's boundingBox. On
 * WebMercatorQuad our CRS84 degrees taken as metres fall in the tile at the
 * world's centre, which the tileMatrixSetLimits exclude from zoom 2 on: it
 * listed zooms 0 and 1 only, and nothing for roads (minzoom 4). The
 * collection's bbox must stay CRS84 (OGC API - Features). But among the
 * tilesets it picks one whose tileMatrixSetURI names WorldCRS84Quad (unless
 * -oo TILEMATRIXSET or PREFERRED_TILEMATRIXSET says otherwise), and there the
 * degrees are the matrices' own units: with no option every matrix of the
 * limits is a layer, read where the database has the features.
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
    // Of our two tilesets it takes WorldCRS84Quad, as every GDAL since 3.6 does (see the header).
    expect(stderr).toContain(`Fetch(${app.base}/ogc/collections/projects/tiles/WorldCRS84Quad)`);
    expect(stderr).toContain(`Fetch(${app.base}/ogc/tileMatrixSets/WorldCRS84Quad)`);
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

async function tilesetOf(id: string, tms = 'WebMercatorQuad'): Promise<Tileset> {
  return (await (await fetch(`${app.base}/ogc/collections/${id}/tiles/${tms}`)).json()) as Tileset;
}

/** The WebMercatorQuad tileset's boundingBox (EPSG:3857) as the driver's MINX…MAXY open options. */
function boxOptions(t: Tileset): string[] {
  const [minx, miny] = t.boundingBox.lowerLeft;
  const [maxx, maxy] = t.boundingBox.upperRight;
  return Object.entries({ MINX: minx, MINY: miny, MAXX: maxx, MAXY: maxy }).flatMap(([k, v]) => [
    '-oo',
    `${k}=${v}`,
  ]);
}

const zoomsOf = (stdout: string) => [...stdout.matchAll(/^\d+: Zoom level (\d+)/gm)].map((m) => m[1]!);

/** `ogrinfo -al` output → each feature's name and point. */
function pointsOf(stdout: string): { name: string; x: number; y: number }[] {
  const out: { name: string; x: number; y: number }[] = [];
  let name: string | undefined;
  for (const line of stdout.split('\n')) {
    const n = /^ {2}name \(String\) = (.+)$/.exec(line);
    if (n) name = n[1]!;
    const p = /^ {2}POINT \((-?[\d.]+) (-?[\d.]+)\)$/.exec(line);
    if (p && name !== undefined) {
      out.push({ name, x: Number(p[1]), y: Number(p[2]) });
      name = undefined;
    }
  }
  return out;
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

async function borderGates(): Promise<{ name: string; x: number; y: number }[]> {
  const { rows } = await app.database.pool.query<{ name: string; x: number; y: number }>(
    'select name, ST_X(geom) as x, ST_Y(geom) as y from layer_border_gates',
  );
  return rows.sort(byName);
}

describe(`OGCAPI vector tiles with ${modern?.label ?? 'GDAL >= 3.7.1 (none found)'}`, () => {
  if (!modern)
    console.warn(`ogc-tiles-gdal: ${process.env.CI === 'true' ? 'failing' : 'skipping'}: ${HOW_TO_GET}`);

  itModern(
    'with no open option (what a GIS user types), picks WorldCRS84Quad and lists a layer for every matrix up to the max zoom',
    async () => {
      const gdal = need();
      for (const id of ['border-gates', 'roads']) {
        const { stdout } = await ogrinfo(
          gdal,
          ['-ro', '-so', `OGCAPI:${app.base}/ogc/collections/${id}`],
          env(),
        );
        const limits = (await tilesetOf(id, 'WorldCRS84Quad')).tileMatrixSetLimits.map((l) => l.tileMatrix);
        const layer = layers.find((l) => l.id === id)!;
        // Matrix m of WorldCRS84Quad has the scale of /tiles zoom m + 1: minzoom − 1 … maxzoom − 1.
        expect(limits[0], id).toBe(String(Math.max(0, layer.minzoom - 1)));
        expect(limits.at(-1), id).toBe(String(layer.maxzoom - 1));
        expect(zoomsOf(stdout), id).toEqual(limits);
      }
    },
  );

  itModern(
    'with TILEMATRIXSET=WebMercatorQuad and the tileset’s boundingBox as MINX…MAXY, lists one layer per zoom of its limits',
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
          '-oo',
          'TILEMATRIXSET=WebMercatorQuad',
          ...boxOptions(tileset),
          `OGCAPI:${app.base}/ogc/collections/roads`,
        ],
        env(),
      );
      expect(zoomsOf(stdout)).toEqual(tileset.tileMatrixSetLimits.map((l) => l.tileMatrix));
    },
  );

  itModern(
    'with no open option, reads every border gate of the database, where it is, at matrices 0 to 4 and 8',
    async () => {
      const gdal = need();
      const expected = await borderGates();
      expect(expected.length).toBeGreaterThan(2);
      for (const m of [0, 1, 2, 3, 4, 8]) {
        const { stdout } = await ogrinfo(
          gdal,
          ['-ro', '-al', '-q', `OGCAPI:${app.base}/ogc/collections/border-gates`, `Zoom level ${m}`],
          env(),
        );
        const found = pointsOf(stdout).sort(byName);
        expect({ m, names: found.map((f) => f.name) }).toEqual({ m, names: expected.map((e) => e.name) });
        // To the tile's 1/4096 of its side (180/2^m degrees), as MVT rounds.
        const step = 180 / 2 ** m / 4096;
        for (const [i, f] of found.entries()) {
          const e = expected[i]!;
          expect(Math.abs(f.x - e.x) <= step && Math.abs(f.y - e.y) <= step, `${m} ${f.name}`).toBe(true);
        }
      }
    },
  );

  itModern('with WebMercatorQuad and the box, reads every border gate at zoom 8 too', async () => {
    const gdal = need();
    const tileset = await tilesetOf('border-gates');
    const expected = (await borderGates()).map((g) => g.name);
    const { stdout } = await ogrinfo(
      gdal,
      [
        '-ro',
        '-al',
        '-q',
        '-oo',
        'TILEMATRIXSET=WebMercatorQuad',
        ...boxOptions(tileset),
        `OGCAPI:${app.base}/ogc/collections/border-gates`,
        'Zoom level 8',
      ],
      env(),
    );
    expect(
      pointsOf(stdout)
        .map((f) => f.name)
        .sort(),
    ).toEqual([...expected].sort());
  });

  itModern('with API=ITEMS, opens a collection’s features with the database’s count', async () => {
    const gdal = need();
    const found = await counts(['-oo', 'API=ITEMS', `OGCAPI:${app.base}/ogc/collections/projects`], gdal);
    const { rows } = await app.database.pool.query<{ n: string }>('select count(*) as n from layer_projects');
    expect(found).toEqual({ projects: Number(rows[0]!.n) });
  });
});
