/**
 * GDAL reads our tiles as a GIS user would: `ogrinfo` with the MVT driver on
 * the tile URL, alone and with our TileJSON as METADATA_FILE (Debian's GDAL
 * 3.6; `.ci/run` installs gdal-bin).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { layers } from '../server/layers/index.ts';
import { useApp } from './helpers.ts';
import { featuresInTile, labelsInTile, tileOf } from './tiles-helpers.ts';

const run = promisify(execFile);
const app = useApp();
const { database } = app;

interface OgrLayer {
  count: number;
  fields: Record<string, string>;
}

/** `ogrinfo -ro -al -so` → layers with their feature count and field types. */
async function ogrinfo(args: string[]): Promise<Record<string, OgrLayer>> {
  const { stdout } = await run('ogrinfo', ['-ro', '-al', '-so', ...args], {
    env: { ...process.env, CPL_DEBUG: 'OFF', GDAL_HTTP_TIMEOUT: '30' },
  });
  const out: Record<string, OgrLayer> = {};
  let current: OgrLayer | undefined;
  for (const line of stdout.split('\n')) {
    const name = /^Layer name: (.+)$/.exec(line);
    if (name) {
      current = { count: -1, fields: {} };
      out[name[1]!] = current;
      continue;
    }
    const count = /^Feature Count: (\d+)$/.exec(line);
    if (count && current) current.count = Number(count[1]);
    const field = /^([A-Za-z0-9_]+): (\w+) \(/.exec(line);
    if (field && current) current.fields[field[1]!] = field[2]!;
  }
  return out;
}

// Kim Sơn, Quế Phong: projects, a market, a commune seat, roads, the country.
const TILE = tileOf(104.91, 19.63, 13);

describe('GDAL (ogrinfo, MVT driver) on our tile URL', () => {
  it('lists the layers with as many features as the database has in that tile', async () => {
    const found = await ogrinfo([`MVT:${app.base}/tiles/all/${TILE.z}/${TILE.x}/${TILE.y}.mvt`]);
    const expected: Record<string, number> = {};
    for (const layer of layers) {
      const n = await featuresInTile(database.db, layer.view, TILE);
      if (n > 0) expected[layer.id] = n;
    }
    // The composite's area names (tests/tiles-basemap.test.ts); no river crosses this tile.
    const named = await labelsInTile(app.base, TILE);
    if (named > 0) expected.labels = named;
    expect(Object.keys(expected).length).toBeGreaterThan(2);
    expect(Object.fromEntries(Object.entries(found).map(([k, v]) => [k, v.count]))).toEqual(expected);
    expect(Object.keys(found.projects!.fields)).toEqual(
      expect.arrayContaining(['mvt_id', 'slug', 'name', 'category', 'point_count']),
    );
  });

  it('with our TileJSON as METADATA_FILE, types every declared field from vector_layers', async () => {
    const found = await ogrinfo([
      '-oo',
      `METADATA_FILE=${app.base}/tiles/all.json`,
      `MVT:${app.base}/tiles/all/${TILE.z}/${TILE.x}/${TILE.y}.mvt`,
    ]);
    const projects = found.projects!;
    expect(projects.count).toBe(await featuresInTile(database.db, 'layer_projects', TILE));
    const declared = layers.find((l) => l.id === 'projects')!.properties;
    for (const p of declared) {
      // TileJSON says "Number" for integers too, so GDAL makes them Real.
      expect({ [p.name]: projects.fields[p.name] }).toEqual({
        [p.name]: p.type === 'string' ? 'String' : p.type === 'boolean' ? 'Integer' : 'Real',
      });
    }
    // The area names' layer of the composite is typed from vector_layers too.
    expect(found.labels!.fields).toMatchObject({ name: 'String', name_en: 'String', area_km2: 'Real' });
  });
});
