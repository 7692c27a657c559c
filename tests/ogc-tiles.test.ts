/**
 * OGC API - Tiles under /ogc: found from the landing page alone, the tile
 * matrix set and tileset documents, WebMercatorQuad tiles that are byte for
 * byte (and cache entry for cache entry) the ones /tiles serves,
 * WorldCRS84Quad tiles holding the database's features of their degree
 * square, and bad input as problems.
 * The real clients have files of their own: GDAL in tests/ogc-tiles-gdal.test.ts,
 * OpenLayers in Chromium in tests/e2e/ogc-openlayers.test.ts.
 */
import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { describe, expect, it } from 'vitest';
import { layers } from '../server/layers/index.ts';
import { useApp } from './helpers.ts';
import { featuresInTile, layerCounts, rawGet, tileOf } from './tiles-helpers.ts';

const app = useApp();
const { database } = app;

const TILESETS_VECTOR = 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector';
const TILING_SCHEME = 'http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme';
const MVT = 'application/vnd.mapbox-vector-tile';
const WEB_MERCATOR_QUAD = 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad';
const WORLD_CRS84_QUAD = 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WorldCRS84Quad';
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
// Kim Sơn, Quế Phong: projects, a market, a commune seat, roads, the country.
const KIM_SON = { lon: 104.91, lat: 19.63 };

/** One entry of a tileset's tileMatrixSetLimits. */
interface TileMatrixSetLimit {
  tileMatrix: string;
  minTileRow: number;
  maxTileRow: number;
  minTileCol: number;
  maxTileCol: number;
}

interface Link {
  href: string;
  rel: string;
  type?: string;
  templated?: boolean;
}

async function json<T = Record<string, unknown>>(url: string): Promise<T> {
  const res = await fetch(url);
  expect(res.status, `${url}: ${res.status}`).toBe(200);
  return (await res.json()) as T;
}

const linkOf = (links: Link[], rel: string, type?: string) =>
  links.find((l) => l.rel === rel && (type === undefined || l.type === type));

/** From a collection's (or the landing page's) tilesets-vector link to the tile URL template of a tile matrix set. */
async function templateFrom(
  links: Link[],
  tmsUri = WEB_MERCATOR_QUAD,
): Promise<{ template: string; tileset: Record<string, unknown> }> {
  const tilesets = await json<{ tilesets: { links: Link[]; dataType: string; tileMatrixSetURI: string }[] }>(
    linkOf(links, TILESETS_VECTOR)!.href,
  );
  // WebMercatorQuad (the /tiles grid) first, then WorldCRS84Quad.
  expect(tilesets.tilesets.map((t) => t.tileMatrixSetURI)).toEqual([WEB_MERCATOR_QUAD, WORLD_CRS84_QUAD]);
  const summary = tilesets.tilesets.find((t) => t.tileMatrixSetURI === tmsUri)!;
  expect(summary.dataType).toBe('vector');
  const tileset = await json<{ links: Link[] } & Record<string, unknown>>(
    linkOf(summary.links, 'self')!.href,
  );
  const item = linkOf(tileset.links, 'item', MVT)!;
  expect(item.templated).toBe(true);
  return { template: item.href, tileset };
}

const fill = (template: string, t: { z: number; x: number; y: number }) =>
  template
    .replace('{tileMatrix}', String(t.z))
    .replace('{tileRow}', String(t.y))
    .replace('{tileCol}', String(t.x));

async function rendersSoFar(): Promise<number> {
  const text = await (await fetch(`${app.base}/metrics`)).text();
  return Number(/^border_atlas_tile_renders_total (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

describe('OGC API - Tiles: discovery', () => {
  it('the landing page links the dataset tilesets and the tile matrix sets; conformance lists the classes', async () => {
    const landing = await json<{ links: Link[] }>(`${app.base}/ogc`);
    expect(linkOf(landing.links, TILESETS_VECTOR)?.href).toBe(`${app.base}/ogc/tiles`);
    expect(linkOf(landing.links, 'http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes')?.href).toBe(
      `${app.base}/ogc/tileMatrixSets`,
    );
    const { conformsTo } = await json<{ conformsTo: string[] }>(`${app.base}/ogc/conformance`);
    for (const c of ['core', 'tileset', 'tilesets-list', 'geodata-tilesets', 'dataset-tilesets', 'mvt']) {
      expect(conformsTo).toContain(`http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/${c}`);
    }
    // The features' classes are still there, first.
    expect(conformsTo[0]).toBe('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core');
  });

  it('every collection links its vector tilesets', async () => {
    const { collections } = await json<{ collections: { id: string; links: Link[] }[] }>(
      `${app.base}/ogc/collections`,
    );
    expect(collections.map((c) => c.id)).toEqual(layers.map((l) => l.id));
    for (const c of collections) {
      expect(linkOf(c.links, TILESETS_VECTOR)?.href, c.id).toBe(`${app.base}/ogc/collections/${c.id}/tiles`);
    }
  });

  it('WebMercatorQuad is defined as the /tiles grid: 2^z × 2^z tiles of 256 px from the top left', async () => {
    const list = await json<{ tileMatrixSets: { id: string; links: Link[] }[] }>(
      `${app.base}/ogc/tileMatrixSets`,
    );
    expect(list.tileMatrixSets.map((t) => t.id)).toEqual(['WebMercatorQuad', 'WorldCRS84Quad']);
    const tms = await json<{
      crs: string;
      tileMatrices: { id: string; matrixWidth: number; matrixHeight: number; cellSize: number }[];
    }>(linkOf(list.tileMatrixSets[0]!.links, 'self')!.href);
    expect(tms.crs).toBe('http://www.opengis.net/def/crs/EPSG/0/3857');
    expect(tms.tileMatrices).toHaveLength(25);
    for (const [z, m] of tms.tileMatrices.entries()) {
      expect([m.id, m.matrixWidth, m.matrixHeight]).toEqual([String(z), 2 ** z, 2 ** z]);
      // 256 cells span the whole square at each zoom.
      expect(m.cellSize * 256 * 2 ** z).toBeCloseTo(2 * 20037508.3427892, 3);
    }
  });

  it('a tileset gives its limits from the data extent, the layers with their zooms, and the tiling scheme', async () => {
    const { tileset } = await templateFrom([
      { rel: TILESETS_VECTOR, href: `${app.base}/ogc/collections/roads/tiles` },
    ]);
    const roads = layers.find((l) => l.id === 'roads')!;
    const limits = tileset.tileMatrixSetLimits as TileMatrixSetLimit[];
    expect(limits.map((l) => l.tileMatrix)).toEqual(
      Array.from({ length: roads.maxzoom - roads.minzoom + 1 }, (_, i) => String(roads.minzoom + i)),
    );
    // Vietnam's roads lie between 100° and 110° E: columns of that band only.
    const z8 = limits.find((l) => l.tileMatrix === '8')!;
    expect(z8.minTileCol).toBeGreaterThanOrEqual(tileOf(100, 20, 8).x);
    expect(z8.maxTileCol).toBeLessThanOrEqual(tileOf(110, 20, 8).x);
    expect(tileset.layers).toEqual([
      expect.objectContaining({ id: 'roads', geometryDimension: 1, minTileMatrix: '4', maxTileMatrix: '16' }),
    ]);
    const scheme = linkOf(tileset.links as Link[], TILING_SCHEME)!;
    expect(scheme.href).toBe(`${app.base}/ogc/tileMatrixSets/WebMercatorQuad`);
  });

  it('WorldCRS84Quad is 2^(m+1) × 2^m tiles of 180/2^m degrees from (-180, 90), matrix m at the scale of Mercator m + 1', async () => {
    const mercator = await json<{ tileMatrices: { scaleDenominator: number }[] }>(
      `${app.base}/ogc/tileMatrixSets/WebMercatorQuad`,
    );
    const tms = await json<{
      uri: string;
      crs: string;
      orderedAxes: string[];
      boundingBox: { lowerLeft: number[]; upperRight: number[] };
      tileMatrices: {
        id: string;
        scaleDenominator: number;
        cellSize: number;
        pointOfOrigin: number[];
        tileWidth: number;
        matrixWidth: number;
        matrixHeight: number;
      }[];
      tileMatrix: { identifier: string; topLeftCorner: number[]; matrixWidth: number }[];
    }>(`${app.base}/ogc/tileMatrixSets/WorldCRS84Quad`);
    expect([tms.uri, tms.crs, tms.orderedAxes]).toEqual([WORLD_CRS84_QUAD, CRS84, ['Lon', 'Lat']]);
    expect([tms.boundingBox.lowerLeft, tms.boundingBox.upperRight]).toEqual([
      [-180, -90],
      [180, 90],
    ]);
    expect(tms.tileMatrices).toHaveLength(24);
    for (const [m, matrix] of tms.tileMatrices.entries()) {
      expect([matrix.id, matrix.matrixWidth, matrix.matrixHeight, matrix.pointOfOrigin]).toEqual([
        String(m),
        2 ** (m + 1),
        2 ** m,
        [-180, 90],
      ]);
      expect(matrix.cellSize * matrix.tileWidth).toBeCloseTo(180 / 2 ** m, 12);
      // OGC 17-083r4 D.2: 279541132.0143589 at 0, halving; Mercator's m + 1 (0.28 mm pixels, a degree of the equator).
      expect(matrix.scaleDenominator).toBeCloseTo(279541132.0143589 / 2 ** m, 4);
      expect(matrix.scaleDenominator / mercator.tileMatrices[m + 1]!.scaleDenominator).toBeCloseTo(1, 6);
    }
    // The TMS 1.0 names beside them (GDAL 3.6), longitude first as CRS84 orders its axes.
    expect(tms.tileMatrix[3]).toMatchObject({ identifier: '3', topLeftCorner: [-180, 90], matrixWidth: 16 });
  });
});

describe('OGC API - Tiles: extent and limits in the CRS of the tile matrix set', () => {
  it('boundingBox is in EPSG:3857 metres, and each zoom’s limits are the tiles a client computes from it', async () => {
    const tms = await json<{
      crs: string;
      tileMatrices: {
        id: string;
        cellSize: number;
        tileWidth: number;
        tileHeight: number;
        matrixWidth: number;
        matrixHeight: number;
        pointOfOrigin: [number, number];
      }[];
    }>(`${app.base}/ogc/tileMatrixSets/WebMercatorQuad`);
    for (const id of ['all', 'roads', 'border-gates']) {
      const tileset = await json<{
        boundingBox: { lowerLeft: [number, number]; upperRight: [number, number]; crs: string };
        tileMatrixSetLimits: TileMatrixSetLimit[];
      }>(`${app.base}/ogc/collections/${id}/tiles/WebMercatorQuad`);
      const box = tileset.boundingBox;
      expect(box.crs, id).toBe(tms.crs);
      const [xmin, ymin] = box.lowerLeft;
      const [xmax, ymax] = box.upperRight;
      // The region in metres, not degrees: about 94°–113° E (10.5–12.6 Mm) and 8°–27° N (0.9–3.1 Mm).
      expect(xmin, id).toBeGreaterThan(10_500_000);
      expect(xmax, id).toBeLessThan(12_600_000);
      expect(ymin, id).toBeGreaterThan(900_000);
      expect(ymax, id).toBeLessThan(3_100_000);
      const layerSet = id === 'all' ? layers : layers.filter((l) => l.id === id);
      const minzoom = Math.min(...layerSet.map((l) => l.minzoom));
      const maxzoom = Math.max(...layerSet.map((l) => l.maxzoom));
      expect(
        tileset.tileMatrixSetLimits.map((l) => Number(l.tileMatrix)),
        id,
      ).toEqual(Array.from({ length: maxzoom - minzoom + 1 }, (_, i) => minzoom + i));
      // The arithmetic of a client placing a box on the matrices (GDAL's OGCAPI vector tiles, OpenLayers' extent).
      for (const limit of tileset.tileMatrixSetLimits) {
        const m = tms.tileMatrices.find((t) => t.id === limit.tileMatrix)!;
        const [ox, oy] = m.pointOfOrigin;
        const span = m.cellSize * m.tileWidth;
        const col = (x: number) => Math.min(m.matrixWidth - 1, Math.max(0, Math.floor((x - ox) / span)));
        const row = (y: number) => Math.min(m.matrixHeight - 1, Math.max(0, Math.floor((oy - y) / span)));
        expect(limit, `${id} ${limit.tileMatrix}`).toEqual({
          tileMatrix: limit.tileMatrix,
          minTileCol: col(xmin),
          maxTileCol: col(xmax),
          minTileRow: row(ymax),
          maxTileRow: row(ymin),
        });
      }
    }
  });
});

describe('OGC API - Tiles: WorldCRS84Quad, in the degrees of the collections’ extent', () => {
  it('boundingBox is in CRS84 (the collection’s bbox, outwards), limits are the tiles it covers, zooms are shifted by one', async () => {
    for (const id of ['all', 'roads', 'border-gates']) {
      const { extent } =
        id === 'all'
          ? { extent: undefined }
          : await json<{ extent: { spatial: { bbox: number[][] } } }>(`${app.base}/ogc/collections/${id}`);
      const tileset = await json<{
        crs: string;
        boundingBox: { lowerLeft: [number, number]; upperRight: [number, number]; crs: string };
        tileMatrixSetLimits: TileMatrixSetLimit[];
        layers: { id: string; minTileMatrix: string; maxTileMatrix: string }[];
        links: Link[];
      }>(`${app.base}/ogc/collections/${id}/tiles/WorldCRS84Quad`);
      expect([tileset.crs, tileset.boundingBox.crs], id).toEqual([CRS84, CRS84]);
      const [w, s] = tileset.boundingBox.lowerLeft;
      const [e, n] = tileset.boundingBox.upperRight;
      // Vietnam's region in degrees.
      expect([w > 94, e < 113, s > 8, n < 27], id).toEqual([true, true, true, true]);
      if (extent) {
        const [bw, bs, be, bn] = extent.spatial.bbox[0]!;
        expect([w <= bw!, s <= bs!, e >= be!, n >= bn!], id).toEqual([true, true, true, true]);
        expect(Math.max(bw! - w, bs! - s, e - be!, n - bn!), id).toBeLessThan(1e-5);
      }
      const layerSet = id === 'all' ? layers : layers.filter((l) => l.id === id);
      // Matrix m has the scale of /tiles zoom m + 1.
      const first = Math.max(0, Math.min(...layerSet.map((l) => l.minzoom)) - 1);
      const last = Math.max(...layerSet.map((l) => l.maxzoom)) - 1;
      expect(
        tileset.tileMatrixSetLimits.map((l) => Number(l.tileMatrix)),
        id,
      ).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
      for (const limit of tileset.tileMatrixSetLimits) {
        const size = 180 / 2 ** Number(limit.tileMatrix);
        expect(limit, `${id} ${limit.tileMatrix}`).toEqual({
          tileMatrix: limit.tileMatrix,
          minTileCol: Math.floor((w + 180) / size),
          maxTileCol: Math.floor((e + 180) / size),
          minTileRow: Math.floor((90 - n) / size),
          maxTileRow: Math.floor((90 - s) / size),
        });
      }
      for (const l of tileset.layers) {
        const def = layers.find((d) => d.id === l.id)!;
        expect([l.minTileMatrix, l.maxTileMatrix], l.id).toEqual([
          String(Math.max(0, def.minzoom - 1)),
          String(def.maxzoom - 1),
        ]);
      }
      expect(linkOf(tileset.links, TILING_SCHEME)!.href).toBe(
        `${app.base}/ogc/tileMatrixSets/WorldCRS84Quad`,
      );
    }
  });

  it('a tile holds the database’s features of its degree square, in its own cache entry', async () => {
    // Matrix 12 (the scale of /tiles zoom 13): nothing is generalised away around Kim Sơn.
    const m = 12;
    const size = 180 / 2 ** m;
    const col = Math.floor((KIM_SON.lon + 180) / size);
    const row = Math.floor((90 - KIM_SON.lat) / size);
    const { template } = await templateFrom(
      [{ rel: TILESETS_VECTOR, href: `${app.base}/ogc/collections/all/tiles` }],
      WORLD_CRS84_QUAD,
    );
    const url = fill(template, { z: m, x: col, y: row });
    expect(url).toBe(`${app.base}/ogc/collections/all/tiles/WorldCRS84Quad/${m}/${row}/${col}`);
    const before = await rendersSoFar();
    const res = await rawGet(url, { 'Accept-Encoding': 'gzip' });
    expect(res.status).toBe(200);
    const tile = new VectorTile(new PbfReader(gunzipSync(res.body)));
    // The square with the 64/4096 buffer, in degrees.
    const pad = (size * 64) / 4096;
    const [w, n] = [-180 + col * size, 90 - row * size];
    const expected: Record<string, number> = {};
    for (const layer of layers) {
      const { rows } = await database.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${layer.view}
         WHERE ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))`,
        [w - pad, n - size - pad, w + size + pad, n + pad],
      );
      if (rows[0]!.n > 0) expected[layer.id] = rows[0]!.n;
    }
    expect(Object.keys(expected).length).toBeGreaterThan(2);
    expect(layerCounts(tile)).toEqual(expected);
    // Each point where the database has it, to the tile's 1/4096 of its side.
    const { rows: markets } = await database.pool.query<{ x: number; y: number }>(
      `SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM layer_markets
       WHERE ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))`,
      [w, n - size, w + size, n],
    );
    expect(markets.length).toBeGreaterThan(0);
    const inTile = tile.layers.markets!;
    expect(inTile.length).toBeGreaterThanOrEqual(markets.length);
    for (const market of markets) {
      const at = { x: ((market.x - w) / size) * 4096, y: ((n - market.y) / size) * 4096 };
      const near = Array.from(
        { length: inTile.length },
        (_, i) => inTile.feature(i).loadGeometry()[0]![0]!,
      ).some((p) => Math.abs(p.x - at.x) <= 1 && Math.abs(p.y - at.y) <= 1);
      expect(near, JSON.stringify(market)).toBe(true);
    }
    // Not the /tiles tile of the same numbers, and filed apart: the /tiles one renders anew.
    expect(await rendersSoFar()).toBe(before + 1);
    const plain = await rawGet(`${app.base}/tiles/all/${m + 1}/${col}/${row}.mvt`, {
      'Accept-Encoding': 'gzip',
    });
    expect(await rendersSoFar()).toBe(before + 2);
    expect(plain.headers.etag).not.toBe(res.headers.etag);
    const again = await rawGet(url, { 'Accept-Encoding': 'gzip' });
    expect(again.body.equals(res.body)).toBe(true);
    expect(await rendersSoFar()).toBe(before + 2);
  });
});

describe('OGC API - Tiles: the tiles are /tiles', () => {
  it('for the dataset and every collection: the same bytes, ETag and status as /tiles at z/x/y = tileMatrix/tileCol/tileRow', async () => {
    const landing = await json<{ links: Link[] }>(`${app.base}/ogc`);
    const sets: [string, Link[]][] = [['all', landing.links]];
    const { collections } = await json<{ collections: { id: string; links: Link[] }[] }>(
      `${app.base}/ogc/collections`,
    );
    for (const c of collections) sets.push([c.id, c.links]);
    let withContent = 0;
    for (const [id, links] of sets) {
      const { template } = await templateFrom(links);
      const layer = layers.find((l) => l.id === id);
      const t = tileOf(KIM_SON.lon, KIM_SON.lat, Math.max(layer?.minzoom ?? 0, 9));
      for (const encoding of ['gzip', 'identity']) {
        const ogc = await rawGet(fill(template, t), { 'Accept-Encoding': encoding });
        const plain = await rawGet(`${app.base}/tiles/${id}/${t.z}/${t.x}/${t.y}.mvt`, {
          'Accept-Encoding': encoding,
        });
        expect([ogc.status, ogc.headers.etag, ogc.headers['content-type']], id).toEqual([
          plain.status,
          plain.headers.etag,
          plain.headers['content-type'],
        ]);
        expect(ogc.body.equals(plain.body), `${id} ${encoding}`).toBe(true);
        if (ogc.status !== 200) continue;
        withContent++;
        const bytes = encoding === 'gzip' ? gunzipSync(ogc.body) : ogc.body;
        const tile = new VectorTile(new PbfReader(bytes));
        const names = Object.keys(tile.layers);
        if (id !== 'all') expect(names).toEqual([id]);
        // The composite also has the basemap's labels and rivers (tests/tiles-basemap.test.ts), no view of ours.
        else
          expect(names.filter((n) => !layers.some((l) => l.id === n))).toEqual(
            ['labels', 'rivers'].filter((n) => names.includes(n)),
          );
        for (const name of names.filter((n) => layers.some((l) => l.id === n))) {
          const view = layers.find((l) => l.id === name)!.view;
          // At z9 small layers are whole; the composite's point layers may be clustered, so ≤.
          expect(tile.layers[name]!.length).toBeLessThanOrEqual(await featuresInTile(database.db, view, t));
        }
      }
    }
    expect(withContent).toBeGreaterThan(8);
  });

  it('one cache: a tile rendered for /ogc is a hit for /tiles (and the other way round)', async () => {
    const t = tileOf(KIM_SON.lon, KIM_SON.lat, 12);
    const before = await rendersSoFar();
    const ogc = await rawGet(`${app.base}/ogc/collections/all/tiles/WebMercatorQuad/${t.z}/${t.y}/${t.x}`, {
      'Accept-Encoding': 'gzip',
    });
    expect(ogc.status).toBe(200);
    expect(await rendersSoFar()).toBe(before + 1);
    const plain = await rawGet(`${app.base}/tiles/all/${t.z}/${t.x}/${t.y}.mvt`, {
      'Accept-Encoding': 'gzip',
    });
    expect(plain.body.equals(ogc.body)).toBe(true);
    const again = await rawGet(`${app.base}/ogc/tiles/WebMercatorQuad/${t.z}/${t.y}/${t.x}?f=mvt`, {
      'Accept-Encoding': 'gzip',
    });
    expect(again.body.equals(ogc.body)).toBe(true);
    expect(await rendersSoFar()).toBe(before + 1);
    const layerNames = Object.keys(layerCounts(new VectorTile(new PbfReader(gunzipSync(ogc.body)))));
    expect(layerNames.length).toBeGreaterThan(2);
  });

  it('answers 304 to its own ETag', async () => {
    const url = `${app.base}/ogc/collections/projects/tiles/WebMercatorQuad/9/${tileOf(KIM_SON.lon, KIM_SON.lat, 9).y}/${tileOf(KIM_SON.lon, KIM_SON.lat, 9).x}`;
    const first = await rawGet(url, { 'Accept-Encoding': 'gzip' });
    expect(first.status).toBe(200);
    const second = await rawGet(url, {
      'Accept-Encoding': 'gzip',
      'If-None-Match': String(first.headers.etag),
    });
    expect(second.status).toBe(304);
  });
});

describe('OGC API - Tiles: bad input', () => {
  const cases: [string, number, string | undefined][] = [
    ['/ogc/collections/roads/tiles/WebMercatorQuad/25/0/0', 400, 'tileMatrix'],
    ['/ogc/collections/roads/tiles/WebMercatorQuad/x/0/0', 400, 'tileMatrix'],
    ['/ogc/collections/roads/tiles/WebMercatorQuad/3/8/0', 400, 'tileRow'],
    ['/ogc/collections/roads/tiles/WebMercatorQuad/3/0/8', 400, 'tileCol'],
    ['/ogc/tiles/WebMercatorQuad/3/-1/0', 400, 'tileRow'],
    ['/ogc/tiles/WebMercatorQuad/3/0/0?f=png', 400, 'f'],
    ['/ogc/tiles/WebMercatorQuad/3/0/0?bbox=1', 400, 'bbox'],
    ['/ogc/tiles?f=xml', 400, 'f'],
    // WorldCRS84Quad: 24 matrices (0–23), matrix 3 is 16 columns by 8 rows.
    ['/ogc/collections/roads/tiles/WorldCRS84Quad/24/0/0', 400, 'tileMatrix'],
    ['/ogc/collections/roads/tiles/WorldCRS84Quad/3/8/0', 400, 'tileRow'],
    ['/ogc/collections/roads/tiles/WorldCRS84Quad/3/0/16', 400, 'tileCol'],
    ['/ogc/tiles/WorldCRS84Quad/3/0/0?f=json', 400, 'f'],
    ['/ogc/collections/roads/tiles/WorldCRS84Quad?f=mvt', 400, 'f'],
    ['/ogc/collections/roads/tiles/WorldCRS84', 404, undefined],
    ['/ogc/collections/roads/tiles/CRS84Quad/3/0/0', 404, undefined],
    ['/ogc/tileMatrixSets/EuropeanETRS89_LAEAQuad', 404, undefined],
    ['/ogc/collections/rivers/tiles', 404, undefined],
    ['/ogc/collections/roads,communes/tiles/WebMercatorQuad/3/0/0', 404, undefined],
  ];
  it('the last row and column of a WorldCRS84Quad matrix are tiles (204: no feature there), not a 400', async () => {
    for (const url of ['/ogc/tiles/WorldCRS84Quad/3/7/15', '/ogc/tiles/WorldCRS84Quad/23/8388607/16777215']) {
      expect((await fetch(`${app.base}${url}`)).status, url).toBe(204);
    }
  });

  for (const [url, status, parameter] of cases) {
    it(`${url} → ${status}${parameter ? ` naming ${parameter}` : ''}`, async () => {
      const res = await fetch(`${app.base}${url}`);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const body = (await res.json()) as { parameter?: string; detail: string };
      expect(body.parameter).toBe(parameter);
      if (status === 404) expect(body.detail).not.toContain('no resource at');
    });
  }
});
