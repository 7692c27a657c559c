/**
 * Vector tiles over HTTP on the run's seeded database: what a tile holds,
 * where a point lands, bad input, caching headers. (Generalisation and the
 * data version have their own files, on scratch databases.)
 */
import { gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { getLayer, layers } from '../server/layers/index.ts';
import { compileTile } from '../server/tiles/render.ts';
import { tileQuery } from '../server/tiles/sql.ts';
import { useApp } from './helpers.ts';
import { featuresInTile, getTile, pixelOf, rawGet, tileOf } from './tiles-helpers.ts';

const app = useApp();
const { database } = app;

// Kim Sơn, Quế Phong (Nghệ An): a market, a school and several other projects within a few km.
const KIM_SON = tileOf(104.91, 19.63, 13);
const url = (layersSeg: string, t: { z: number; x: number; y: number }, ext = 'mvt') =>
  `${app.base}/tiles/${layersSeg}/${t.z}/${t.x}/${t.y}.${ext}`;

describe('a composite tile', () => {
  it('has one MVT layer per registry layer with features there, named by its id, in registry order', async () => {
    const { res, tile } = await getTile(url('all', KIM_SON));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    const names = Object.keys(tile.layers);
    expect(names.length).toBeGreaterThan(2);
    // Then the basemap's (labels, rivers: tests/tiles-basemap.test.ts), where they have features.
    const basemap = ['labels', 'rivers'];
    expect(names).toEqual([...layers.map((l) => l.id), ...basemap].filter((id) => names.includes(id)));
    // Every layer has as many features as the database has in the tile (none: no MVT layer).
    for (const layer of layers) {
      const expected = await featuresInTile(database.db, layer.view, KIM_SON);
      expect({ layer: layer.id, n: tile.layers[layer.id]?.length ?? 0 }).toEqual({
        layer: layer.id,
        n: expected,
      });
    }
  });

  it('carries exactly the declared properties with their values, and the feature id', async () => {
    const { tile } = await getTile(url('all', KIM_SON));
    const markets = tile.layers.markets!;
    expect(markets.extent).toBe(4096);
    const feature = Array.from({ length: markets.length }, (_, i) => markets.feature(i)).find(
      (f) => f.properties.slug === 'cho-kim-son',
    );
    expect(feature).toBeDefined();
    const { rows } = await sql<
      Record<string, unknown>
    >`SELECT * FROM layer_markets WHERE slug = 'cho-kim-son'`.execute(database.db);
    const row = rows[0]!;
    expect(feature!.id).toBe(Number(row.id));
    const declared = getLayer('markets')!.properties;
    const expected: Record<string, unknown> = { point_count: 1 };
    for (const p of declared) if (row[p.name] !== null) expected[p.name] = row[p.name];
    expect(feature!.properties).toEqual(expected);
  });

  it('puts a known point at its pixel', async () => {
    const { rows } = await sql<{ id: number; lon: number; lat: number }>`
      SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM layer_border_gates WHERE slug = 'cua-khau-mong-cai'`.execute(
      database.db,
    );
    const gate = rows[0]!;
    for (const z of [6, 12, 16]) {
      const t = tileOf(gate.lon, gate.lat, z);
      const { tile } = await getTile(url('border-gates', t));
      const layer = tile.layers['border-gates']!;
      const f = Array.from({ length: layer.length }, (_, i) => layer.feature(i)).find(
        (g) => g.id === Number(gate.id),
      );
      expect(f?.type).toBe(1);
      const [[at]] = f!.loadGeometry() as { x: number; y: number }[][] as [[{ x: number; y: number }]];
      const want = pixelOf(gate.lon, gate.lat, t);
      expect(Math.abs(at.x - want.x)).toBeLessThanOrEqual(1);
      expect(Math.abs(at.y - want.y)).toBeLessThanOrEqual(1);
    }
  });
});

describe("the world's first and last columns", () => {
  // Vietnam lies in the last column at zooms 1 (x=1) and 2 (x=3): a buffer
  // past 180° once wrapped to the western hemisphere and emptied these tiles.
  it.each([0, 1, 2, 3, 4])(
    'zoom %i: the tile over Kim Sơn holds every border gate the database has there',
    async (z) => {
      const t = tileOf(104.91, 19.63, z);
      const expected = await featuresInTile(database.db, 'layer_border_gates', t);
      expect(expected).toBeGreaterThan(0);
      const { res, tile } = await getTile(url('border-gates', t));
      expect(res.status).toBe(200);
      const gates = tile.layers['border-gates']!;
      let n = 0;
      for (let i = 0; i < gates.length; i++) n += Number(gates.feature(i).properties.point_count ?? 1);
      expect(n).toBe(expected);
    },
  );
});

describe('layer selection', () => {
  it('a single layer id gives a tile with only that layer', async () => {
    const { tile } = await getTile(url('projects', KIM_SON));
    expect(Object.keys(tile.layers)).toEqual(['projects']);
  });

  it('a comma list gives those layers, whatever their order in the URL', async () => {
    const a = await getTile(url('projects,communes', KIM_SON));
    const b = await getTile(url('communes,projects', KIM_SON));
    expect(Object.keys(a.tile.layers)).toEqual(['communes', 'projects']);
    expect(b.res.body.equals(a.res.body)).toBe(true);
    expect(b.res.headers.etag).toBe(a.res.headers.etag);
  });

  it('answers .pbf like .mvt (GDAL asks for .pbf by default)', async () => {
    const mvt = await rawGet(url('all', KIM_SON), { 'Accept-Encoding': 'gzip' });
    const pbf = await rawGet(url('all', KIM_SON, 'pbf'), { 'Accept-Encoding': 'gzip' });
    expect(pbf.status).toBe(200);
    expect(pbf.body.equals(mvt.body)).toBe(true);
  });
});

describe('empty answers', () => {
  it('returns 204 for a tile with no features', async () => {
    // Open Pacific, far from any feature.
    const res = await rawGet(url('all', tileOf(-150, -30, 8)));
    expect(res.status).toBe(204);
    expect(res.body.length).toBe(0);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
  });

  it("returns 204 above a layer's maxzoom, even where it has features", async () => {
    const maxzoom = getLayer('communes')!.maxzoom;
    const below = await rawGet(url('communes', tileOf(104.91, 19.63, maxzoom)));
    expect(below.status).toBe(200);
    const above = await rawGet(url('communes', tileOf(104.91, 19.63, maxzoom + 1)));
    expect(above.status).toBe(204);
  });

  it('leaves out a layer below its minzoom and keeps the others', async () => {
    const z = getLayer('communes')!.minzoom - 1;
    const t = tileOf(104.91, 19.63, z);
    expect((await rawGet(url('communes', t))).status).toBe(204);
    const { tile } = await getTile(url('all', t));
    expect(tile.layers.communes).toBeUndefined();
    expect(tile.layers.countries).toBeDefined();
  });
});

describe('bad input', () => {
  const cases: [string, string, string][] = [
    ['/tiles/all/abc/0/0.mvt', 'z', '"abc"'],
    ['/tiles/all/1.5/0/0.mvt', 'z', '"1.5"'],
    ['/tiles/all/-1/0/0.mvt', 'z', '"-1"'],
    ['/tiles/all/25/0/0.mvt', 'z', '"25"'],
    ['/tiles/all/99999999999999999999/0/0.mvt', 'z', '"99999999999999999999"'],
    ['/tiles/all/3/8/1.mvt', 'x', 'from 0 to 7 at zoom 3'],
    ['/tiles/all/3/x/1.mvt', 'x', '"x"'],
    ['/tiles/all/3/1/8.mvt', 'y', 'from 0 to 7 at zoom 3'],
    ['/tiles/all/3/1/1e2.mvt', 'y', '"1e2"'],
    ['/tiles/all/0/0/-0.mvt', 'y', '"-0"'],
    ['/tiles/roads,,communes/3/1/1.mvt', 'layers', 'comma-separated'],
  ];
  for (const [path, parameter, mention] of cases) {
    it(`answers 400 naming ${parameter} for ${path}`, async () => {
      const res = await fetch(`${app.base}${path}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const body = await res.json();
      expect(body.parameter).toBe(parameter);
      expect(body.detail).toContain(mention);
      // Refused by the early tile route (server/tiles/route.ts), answered by the router after the
      // page middleware: a problem page carries the page's policies, which a tile does not.
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    });
  }

  it('answers 404 problem+json naming an unknown layer, in a tile or a TileJSON', async () => {
    for (const path of ['/tiles/rivers/3/1/1.mvt', '/tiles/roads,rivers/3/1/1.mvt', '/tiles/rivers.json']) {
      const res = await fetch(`${app.base}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect((await res.json()).detail).toContain("'rivers'");
    }
  });

  it('answers 404 for a tile asked in another format', async () => {
    const res = await fetch(`${app.base}/tiles/all/3/1/1.png`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });
});

describe('caching headers', () => {
  it('answers 304 to If-None-Match with the ETag, from the cache and before it', async () => {
    const t = tileOf(107.96793, 21.53579, 11);
    const first = await rawGet(url('all', t), { 'Accept-Encoding': 'gzip' });
    expect(first.status).toBe(200);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^W\/".+"$/);
    const again = await rawGet(url('all', t), { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    const listed = await rawGet(url('all', t), { 'If-None-Match': `"nope", ${etag.slice(2)}` });
    expect(listed.status).toBe(304);
    const other = await rawGet(url('all', t), { 'If-None-Match': 'W/"something-else"' });
    expect(other.status).toBe(200);
  });

  it('sends gzip when accepted and the same tile uncompressed otherwise', async () => {
    const t = tileOf(104.91, 19.63, 12);
    const gz = await rawGet(url('all', t), { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('Accept-Encoding');
    const plain = await rawGet(url('all', t), { 'Accept-Encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
    expect(plain.body.equals(gunzipSync(gz.body))).toBe(true);
    const refused = await rawGet(url('all', t), { 'Accept-Encoding': 'gzip;q=0, identity' });
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it("a cache hit sends the same headers as the miss that filled it: the tile's own and CORS, no page policies", async () => {
    const t = tileOf(102.9086, 21.2185, 10);
    const headers = { 'Accept-Encoding': 'gzip', Origin: 'https://qgis.example' };
    const miss = await rawGet(url('all', t), headers);
    const hit = await rawGet(url('all', t), headers);
    const strip = (h: RawHeaders) => {
      const { date, connection, 'keep-alive': _k, 'server-timing': _t, ...rest } = h;
      return rest;
    };
    expect(strip(hit.headers)).toEqual(strip(miss.headers));
    expect(hit.headers['access-control-allow-origin']).toBe('*');
    expect(hit.headers['cache-control']).toBe('public, max-age=300');
    // Only what a tile needs: no Content-Security-Policy or other page headers of helmet's.
    expect(Object.keys(strip(hit.headers)).sort()).toEqual([
      'access-control-allow-origin',
      'cache-control',
      'content-encoding',
      'content-length',
      'content-type',
      'etag',
      'vary',
    ]);
    expect(hit.body.equals(miss.body)).toBe(true);
  });

  it('a rendered tile says where its time went in Server-Timing; a cached one does not', async () => {
    const t = tileOf(105.5, 21.5, 9);
    // The composite set also cuts the basemap's layers (server/tiles/basemap.ts).
    const miss = await rawGet(url('all', t));
    expect(miss.headers['server-timing']).toMatch(
      /^db;dur=[\d.]+, basemap;dur=[\d.]+, gzip;dur=[\d.]+, total;dur=[\d.]+$/,
    );
    const hit = await rawGet(url('all', t));
    expect(hit.headers['server-timing']).toBeUndefined();
    const roads = await rawGet(url('roads,border-gates', t));
    expect(roads.headers['server-timing']).toMatch(/^db;dur=[\d.]+, gzip;dur=[\d.]+, total;dur=[\d.]+$/);
  });

  it('HEAD gives the headers of GET and no body', async () => {
    const t = tileOf(104.91, 19.63, 11);
    const get = await rawGet(url('all', t), { 'Accept-Encoding': 'gzip' });
    const head = await rawGet(url('all', t), { 'Accept-Encoding': 'gzip' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.headers.etag).toBe(get.headers.etag);
  });

  it('counts cache hits and renders in /metrics, each hit once', async () => {
    const t = tileOf(107.55764, 21.6106, 9);
    const metrics = async () => {
      const text = await (await fetch(`${app.base}/metrics`)).text();
      return (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1]);
    };
    await rawGet(url('roads', t));
    const was = await metrics();
    // A hit by each of the fast path's answers: gzip, identity, 304, HEAD.
    const gzip = await rawGet(url('roads', t), { 'Accept-Encoding': 'gzip' });
    await rawGet(url('roads', t));
    await rawGet(url('roads', t), { 'If-None-Match': String(gzip.headers.etag) });
    await rawGet(url('roads', t), {}, 'HEAD');
    const now = await metrics();
    const hits = 'border_atlas_tile_cache_hits_total';
    expect(now(hits) - was(hits)).toBe(4);
    expect(now('border_atlas_tile_renders_total')).toBe(was('border_atlas_tile_renders_total'));
    expect(now('border_atlas_tile_renders_total')).toBeGreaterThanOrEqual(1);
    expect(now('border_atlas_tile_cache_bytes')).toBeGreaterThan(0);
  });
});

type RawHeaders = Record<string, string | string[] | undefined>;

describe('the tile statement', () => {
  it('compiled once per layer set and zoom, gives for every tile what compiling it afresh gives', () => {
    const all = layers.filter((l) => l.minzoom <= 9 && l.maxzoom >= 9);
    for (const [x, y] of [
      [406, 225],
      [407, 230],
      [0, 511],
    ] as const) {
      const fresh = tileQuery(all, { z: 9, x, y }).compile(database.db);
      expect(compileTile(database.db, all, { z: 9, x, y })).toEqual({
        sql: fresh.sql,
        parameters: [...fresh.parameters],
      });
    }
  });
});
