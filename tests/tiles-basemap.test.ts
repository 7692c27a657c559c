/**
 * The basemap's layers of the composite tiles (server/tiles/basemap.ts):
 * `labels` (one point per named area, the properties /styles/labels.geojson
 * gives, each rank at its zooms) and `rivers` (data/basemap, simplified per
 * zoom), only in `all`, declared in TileJSON and the OGC tileset, and new
 * with the data version. On a scratch database of this file's own (a
 * province is renamed).
 */
import { readFileSync } from 'node:fs';
import type { VectorTile, VectorTileFeature } from '@mapbox/vector-tile';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { seed } from '../seeds/index.ts';
import { riversFile } from '../server/styles/route.ts';
import { useApp } from './helpers.ts';
import { getTile, rawGet, tileOf } from './tiles-helpers.ts';

const app = useApp({
  database: 'scratch',
  setup: async (d) => {
    await seed(d.db);
  },
});

const QUANG_NINH: [number, number] = [107.08, 20.95];
const url = (set: string, t: { z: number; x: number; y: number }) =>
  `${app.base}/tiles/${set}/${t.z}/${t.x}/${t.y}.mvt`;

const features = (tile: VectorTile, layer: string): VectorTileFeature[] => {
  const l = tile.layers[layer];
  return l ? Array.from({ length: l.length }, (_, i) => l.feature(i)) : [];
};

type LabelPoint = {
  id: number;
  geometry: { coordinates: [number, number] };
  properties: Record<string, unknown>;
};

async function labelPoints(): Promise<LabelPoint[]> {
  return ((await (await fetch(`${app.base}/styles/labels.geojson`)).json()) as { features: LabelPoint[] })
    .features;
}

/** The label points of `layer` whose point falls inside tile t. */
function inTile(points: LabelPoint[], layer: string, t: { z: number; x: number; y: number }) {
  return points.filter((p) => {
    const [lon, lat] = p.geometry.coordinates;
    const o = tileOf(lon, lat, t.z);
    return p.properties.layer === layer && o.x === t.x && o.y === t.y;
  });
}

/** Features of a tile layer whose anchor lies inside the tile (not in its buffer). */
const inside = (fs: VectorTileFeature[], extent = 4096) =>
  fs.filter((f) => {
    const [p] = f.loadGeometry()[0]!;
    return p!.x >= 0 && p!.y >= 0 && p!.x < extent && p!.y < extent;
  });

describe('the labels layer of the composite tiles', () => {
  it('carries one point per named area with the properties labels.geojson gives (a null left out)', async () => {
    const points = await labelPoints();
    // Quảng Ninh at zoom 8: the province and many communes are named there.
    const t = tileOf(107.08, 20.95, 8);
    const { res, tile } = await getTile(url('all', t));
    expect(res.status).toBe(200);
    const got = inside(features(tile, 'labels'));
    for (const layer of ['provinces', 'communes']) {
      const want = inTile(points, layer, t);
      expect(want.length, layer).toBeGreaterThan(0);
      const mine = got.filter((f) => f.properties.layer === layer);
      expect(mine.map((f) => f.properties).sort(byName), layer).toEqual(
        want
          .map((p) => Object.fromEntries(Object.entries(p.properties).filter(([, v]) => v !== null)))
          .sort(byName),
      );
      // Points: one each.
      for (const f of mine) expect(f.type, String(f.properties.name)).toBe(1);
    }
  });

  it('names countries from afar and provinces from zoom 5, communes from zoom 8, no country from zoom 9', async () => {
    const layersAt = async (z: number, [lon, lat] = QUANG_NINH) => {
      const { tile } = await getTile(url('all', tileOf(lon, lat, z)));
      return new Set(features(tile, 'labels').map((f) => String(f.properties.layer)));
    };
    // Around the label point of Việt Nam, then of Quảng Ninh (with its communes).
    const VIET_NAM: [number, number] = [106.02, 22.06];
    expect(await layersAt(3, VIET_NAM)).toEqual(new Set(['countries']));
    expect(await layersAt(4, VIET_NAM)).toEqual(new Set(['countries']));
    expect((await layersAt(8, VIET_NAM)).has('countries')).toBe(true);
    expect((await layersAt(9, VIET_NAM)).has('countries')).toBe(false);
    const z5 = await layersAt(5);
    expect(z5.has('provinces') && !z5.has('communes')).toBe(true);
    expect((await layersAt(7)).has('communes')).toBe(false);
    expect((await layersAt(8)).has('communes')).toBe(true);
    expect(await layersAt(9)).toEqual(new Set(['provinces', 'communes']));
  });

  it('is new when the data version moves (a province renamed)', async () => {
    const t = tileOf(104.9, 19.2, 6);
    const names = async () =>
      features((await getTile(url('all', t))).tile, 'labels').map((f) => String(f.properties.name));
    expect(await names()).toContain('Nghệ An');
    const v = await app.database.db.transaction().execute(async (trx) => {
      await sql`UPDATE admin_units SET name = 'Nghệ An mới' WHERE code = '40' AND level = 'province' AND valid_to IS NULL`.execute(
        trx,
      );
      const { rows } = await sql<{ version: string }>`
        UPDATE data_version SET version = version + 1 RETURNING version`.execute(trx);
      return Number(rows[0]!.version);
    });
    await app.version.waitFor(v);
    const after = await names();
    expect(after).toContain('Nghệ An mới');
    expect(after).not.toContain('Nghệ An');
  });
});

describe('the rivers layer of the composite tiles', () => {
  const file = JSON.parse(readFileSync(riversFile, 'utf8')) as {
    features: { geometry: { coordinates: [number, number][] } }[];
  };
  const vertices = (fs: VectorTileFeature[]) =>
    fs.reduce((n, f) => n + f.loadGeometry().reduce((m, part) => m + part.length, 0), 0);

  it('carries the lines with their level, fewer vertices the farther out', async () => {
    // Zoom 3 holds all of northern Vietnam in one tile; zoom 9 a piece of the Red River valley.
    const far = features((await getTile(url('all', tileOf(105, 21, 3)))).tile, 'rivers');
    expect(far.length).toBeGreaterThan(50);
    for (const f of far) {
      expect(f.type).toBe(2);
      expect([1, 2, 3]).toContain(f.properties.level);
    }
    const total = file.features.reduce((n, f) => n + f.geometry.coordinates.length, 0);
    // Generalised: well under the file's vertices (those of the whole region).
    expect(vertices(far)).toBeLessThan(total / 2);
    const near = features((await getTile(url('all', tileOf(104.0, 22.4, 9)))).tile, 'rivers');
    expect(near.length).toBeGreaterThan(0);
  });

  it('are in the composite set only: a layer asked by id has none of the basemap', async () => {
    const t = tileOf(104.9, 19.2, 6);
    const { tile } = await getTile(url('countries,provinces', t));
    expect(Object.keys(tile.layers).sort()).toEqual(['countries', 'provinces']);
    const all = await getTile(url('all', t));
    expect(Object.keys(all.tile.layers)).toEqual(expect.arrayContaining(['labels', 'rivers']));
    // The basemap layers come after the registry's, drawn over them.
    expect(Object.keys(all.tile.layers).slice(-2)).toEqual(['labels', 'rivers']);
  });

  it('asked by their own id: a 404 that says where they are', async () => {
    for (const id of ['rivers', 'labels']) {
      const res = await rawGet(url(id, tileOf(104.9, 19.2, 6)));
      expect(res.status).toBe(404);
      const detail = String(JSON.parse(res.body.toString()).detail);
      expect(detail).toContain(`'${id}' is a basemap layer`);
      expect(detail).toContain('/tiles/all/{z}/{x}/{y}.mvt');
    }
    // Any other unknown id keeps the plain answer.
    const other = JSON.parse((await rawGet(url('lakes', tileOf(104.9, 19.2, 6)))).body.toString());
    expect(other.detail).not.toContain('basemap');
  });

  it('end where the tileset ends (zoom 16): nothing above', async () => {
    const t16 = tileOf(104.0, 22.4, 16);
    const at16 = await getTile(url('all', t16));
    expect([200, 204]).toContain(at16.res.status);
    expect((await rawGet(url('all', tileOf(104.0, 22.4, 17)))).status).toBe(204);
  });
});

describe('declared', () => {
  it('in TileJSON of `all` (not of a layer) with their fields and zooms', async () => {
    const all = (await (await fetch(`${app.base}/tiles/all.json`)).json()) as {
      vector_layers: { id: string; minzoom: number; maxzoom: number; fields: Record<string, string> }[];
    };
    const byId = new Map(all.vector_layers.map((l) => [l.id, l]));
    expect(byId.get('labels')).toMatchObject({
      minzoom: 0,
      maxzoom: 16,
      fields: {
        layer: 'String',
        feature_id: 'Number',
        name: 'String',
        name_en: 'String',
        code: 'String',
        seat: 'Boolean',
        area_km2: 'Number',
      },
    });
    expect(byId.get('rivers')).toMatchObject({ minzoom: 0, maxzoom: 16, fields: { level: 'Number' } });
    const one = (await (await fetch(`${app.base}/tiles/provinces.json`)).json()) as {
      vector_layers: { id: string }[];
    };
    expect(one.vector_layers.map((l) => l.id)).toEqual(['provinces']);
  });

  it("in the OGC tileset of the dataset's tiles, not of a collection's", async () => {
    const dataset = (await (await fetch(`${app.base}/ogc/tiles/WebMercatorQuad`)).json()) as {
      layers: {
        id: string;
        geometryDimension?: number;
        maxTileMatrix: string;
        propertiesSchema: { properties: object };
      }[];
    };
    const labels = dataset.layers.find((l) => l.id === 'labels')!;
    expect(labels).toMatchObject({ geometryDimension: 0, maxTileMatrix: '16' });
    expect(Object.keys(labels.propertiesSchema.properties)).toContain('name_en');
    expect(dataset.layers.find((l) => l.id === 'rivers')).toMatchObject({ geometryDimension: 1 });
    const one = (await (
      await fetch(`${app.base}/ogc/collections/provinces/tiles/WebMercatorQuad`)
    ).json()) as {
      layers: { id: string }[];
    };
    expect(one.layers.map((l) => l.id)).toEqual(['provinces']);
  });

  it('not in WorldCRS84Quad tiles, which geojson-vt cannot cut, nor in that tileset', async () => {
    const crs84 = (await (await fetch(`${app.base}/ogc/tiles/WorldCRS84Quad`)).json()) as {
      layers: { id: string }[];
    };
    const ids = crs84.layers.map((l) => l.id);
    expect(ids).toContain('provinces');
    expect(ids).not.toContain('labels');
    expect(ids).not.toContain('rivers');
    // Matrix 7 (the scale of /tiles zoom 8) over Quảng Ninh: the registry's layers, no basemap.
    const m = 7;
    const size = 180 / 2 ** m;
    const col = Math.floor((QUANG_NINH[0] + 180) / size);
    const row = Math.floor((90 - QUANG_NINH[1]) / size);
    const { res, tile } = await getTile(`${app.base}/ogc/tiles/WorldCRS84Quad/${m}/${row}/${col}`);
    expect(res.status).toBe(200);
    expect(Object.keys(tile.layers).length).toBeGreaterThan(0);
    expect(Object.keys(tile.layers)).not.toContain('labels');
    expect(Object.keys(tile.layers)).not.toContain('rivers');
    // The Web Mercator tile of the same place and scale has them.
    const here = tileOf(QUANG_NINH[0], QUANG_NINH[1], 8);
    const { tile: mercator } = await getTile(url('all', here));
    expect(Object.keys(mercator.layers)).toContain('labels');
    // The WorldCRS84Quad tile with the same internal z/x/y (matrix 7, off Antarctica) holds no
    // feature: Quảng Ninh's names cut for the Mercator tile must not come with it.
    const { res: far, tile: farTile } = await getTile(
      `${app.base}/ogc/tiles/WorldCRS84Quad/7/${here.y}/${here.x}`,
    );
    expect([200, 204]).toContain(far.status);
    expect(Object.keys(farTile.layers)).toEqual([]);
  });
});

function byName(a: Record<string, unknown>, b: Record<string, unknown>): number {
  return (
    String(a.feature_id).localeCompare(String(b.feature_id)) || String(a.layer).localeCompare(String(b.layer))
  );
}
