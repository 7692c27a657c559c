/**
 * The PMTiles export, read back by the `pmtiles` package's reader (an
 * implementation we did not write): every tile of the box equals what the
 * server sends for the same z/x/y, the header says what the archive holds,
 * identical tiles are stored once, long directories split into leaves, and
 * bad arguments exit 2 naming the option.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PMTiles, type RangeResponse, type Source } from 'pmtiles';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { main as offlineMain } from '../scripts/export-offline.ts';
import { main, progressBar } from '../scripts/export-pmtiles.ts';
import { ConfigError, loadConfig } from '../server/config.ts';
import { layers } from '../server/layers/index.ts';
import { parseLayers } from '../server/tiles/params.ts';
import { type Bbox, type Exported, exportPmtiles, tilesOf } from '../server/tiles/pmtiles/export.ts';
import { zxyToTileId } from '../server/tiles/pmtiles/tile-id.ts';
import { PmtilesWriter } from '../server/tiles/pmtiles/writer.ts';
import { useApp } from './helpers.ts';
import { rawGet } from './tiles-helpers.ts';

const app = useApp();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pmtiles-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The reader over a file's bytes (its FileSource is the browser's File API). */
class BufferSource implements Source {
  constructor(
    private readonly bytes: Buffer,
    private readonly key: string,
  ) {}
  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    const slice = this.bytes.subarray(offset, offset + length);
    return { data: slice.buffer.slice(slice.byteOffset, slice.byteOffset + slice.byteLength) as ArrayBuffer };
  }
  getKey(): string {
    return this.key;
  }
}

const open = (file: string) => new PMTiles(new BufferSource(readFileSync(file), file));

// Lào Cai province and its border with Yunnan.
const LAO_CAI: Bbox = [103.5, 21.8, 104.6, 22.9];

describe('npm run export:pmtiles, read back with the pmtiles reader', () => {
  let out: string;
  let result: Exported;
  beforeAll(async () => {
    out = path.join(dir, 'lao-cai.pmtiles');
    result = await exportPmtiles(app.database, {
      bbox: LAO_CAI,
      minzoom: 0,
      maxzoom: 10,
      layers: parseLayers('all'),
      out,
      concurrency: 3,
    });
  }, 120_000);

  it('every tile of the box is the server’s tile for that z/x/y (or absent where the server answers 204)', async () => {
    const reader = open(out);
    let present = 0;
    const distinct = new Set<string>();
    for (let z = 0; z <= 10; z++) {
      for (const t of tilesOf(LAO_CAI, z)) {
        const served = await rawGet(`${app.base}/tiles/all/${t.z}/${t.x}/${t.y}.mvt`, {
          'Accept-Encoding': 'gzip',
        });
        const got = await reader.getZxy(t.z, t.x, t.y);
        if (served.status === 204) {
          expect(got, `${t.z}/${t.x}/${t.y}`).toBeUndefined();
          continue;
        }
        expect(served.status).toBe(200);
        present++;
        distinct.add(createHash('sha256').update(served.body).digest('hex'));
        // The reader inflates; the server's gzip bytes inflate to the same MVT.
        const { gunzipSync } = await import('node:zlib');
        expect(Buffer.from(got!.data).equals(gunzipSync(served.body)), `${t.z}/${t.x}/${t.y}`).toBe(true);
      }
    }
    expect(present).toBeGreaterThan(20);
    expect(result.addressedTiles).toBe(present);
    // Stored once per distinct content, whatever the number of tiles showing it.
    expect(result.tileContents).toBe(distinct.size);
  });

  it('the header: v3, clustered, gzip, MVT, zooms, bounds and counts', async () => {
    const bytes = readFileSync(out);
    expect(bytes.subarray(0, 7).toString('ascii')).toBe('PMTiles');
    expect(bytes[7]).toBe(3);
    const h = await open(out).getHeader();
    expect(h).toMatchObject({
      specVersion: 3,
      clustered: true,
      internalCompression: 2,
      tileCompression: 2,
      tileType: 1,
      minZoom: 0,
      maxZoom: 10,
      rootDirectoryOffset: 127,
      numAddressedTiles: result.addressedTiles,
      numTileEntries: result.tileEntries,
      numTileContents: result.tileContents,
    });
    expect([h.minLon, h.minLat, h.maxLon, h.maxLat]).toEqual(LAO_CAI);
    expect(h.rootDirectoryOffset + h.rootDirectoryLength).toBeLessThanOrEqual(16384);
    expect(h.tileDataOffset + (h.tileDataLength ?? Number.NaN)).toBe(bytes.length);
    expect(h.centerZoom).toBeGreaterThanOrEqual(0);
    const meta = (await open(out).getMetadata()) as { vector_layers: { id: string }[]; format: string };
    expect(meta.format).toBe('pbf');
    // Every layer, and the basemap's labels and rivers, which the archive's tiles carry as /tiles/all's do.
    expect(meta.vector_layers.map((l) => l.id)).toEqual([...layers.map((l) => l.id), 'labels', 'rivers']);
  });
});

describe('the writer on its own', () => {
  it('stores identical tiles once, folds runs, splits a long directory into leaves, and the reader finds every tile', async () => {
    const out = path.join(dir, 'synthetic.pmtiles');
    const w = await PmtilesWriter.open(out);
    // Zoom 7: blocks of 50 consecutive ids share a content (runs to fold);
    // zoom 8: contents scattered, so entries pile up and need leaves.
    const contentOf = (id: number) =>
      id < zxyToTileId(8, 0, 0)
        ? Math.floor(id / 50) % 3
        : createHash('md5').update(String(id)).digest()[0]! % 3;
    const payload = (i: number) => Buffer.from(`tile contents number ${i % 3} `.repeat(20));
    // 30,000 tiles of zoom 7..8 in id order: 3 distinct contents, runs of equal neighbours.
    const tiles: { z: number; x: number; y: number; id: number; body: Buffer }[] = [];
    for (const z of [7, 8]) {
      for (let x = 0; x < 2 ** z && tiles.length < 30_000; x++) {
        for (let y = 0; y < 2 ** z && tiles.length < 30_000; y++) {
          const id = zxyToTileId(z, x, y);
          tiles.push({ z, x, y, id, body: payload(contentOf(id)) });
        }
      }
    }
    tiles.sort((a, b) => a.id - b.id);
    const { gzipSync } = await import('node:zlib');
    const gz = [0, 1, 2].map((i) => gzipSync(payload(i)));
    for (const t of tiles) await w.add(t.id, gz[contentOf(t.id)]!);
    await expect(w.add(tiles[0]!.id, gz[0]!)).rejects.toThrow(/must increase/);
    const written = await w.finish({
      metadata: { name: 'synthetic' },
      minZoom: 7,
      maxZoom: 8,
      bounds: [-180, -85, 180, 85],
      center: [0, 0, 7],
      rootLimit: 300,
    });
    expect(written.tileContents).toBe(3);
    expect(written.addressedTiles).toBe(tiles.length);
    expect(written.tileEntries).toBeLessThan(tiles.length / 2);
    expect(written.leafDirectories).toBeGreaterThan(1);
    const reader = open(out);
    const h = await reader.getHeader();
    expect(h.leafDirectoryLength).toBeGreaterThan(0);
    expect(h.tileDataLength).toBe(gz.reduce((n, b) => n + b.length, 0));
    for (const t of tiles) {
      const got = await reader.getZxy(t.z, t.x, t.y);
      expect(Buffer.from(got!.data).equals(t.body), `${t.z}/${t.x}/${t.y}`).toBe(true);
    }
    // A tile never added is absent.
    expect(await reader.getZxy(8, 255, 255)).toBeUndefined();
  }, 120_000);
});

describe('bad arguments exit 2 and name the option', () => {
  const cases: [string[], RegExp][] = [
    [['out.pmtiles'], /--bbox is required/],
    [['--bbox', '103,21', 'out.pmtiles'], /--bbox must be four numbers/],
    [['--bbox', '104,21,103,22', 'out.pmtiles'], /--bbox must be west < east/],
    [['--bbox', '103,21,200,22', 'out.pmtiles'], /--bbox must be within/],
    [
      ['--bbox', '103,21,104,22', '--maxzoom', '30', 'out.pmtiles'],
      /--maxzoom must be an integer from 0 to 24/,
    ],
    [
      ['--bbox', '103,21,104,22', '--minzoom', '9', '--maxzoom', '3', 'out.pmtiles'],
      /--minzoom \(9\) must not exceed/,
    ],
    [['--bbox', '103,21,104,22', '--layers', 'rivers', 'out.pmtiles'], /--layers: no layer 'rivers'/],
    [['--bbox', '103,21,104,22', '--concurrency', '0', 'out.pmtiles'], /--concurrency must be/],
    [['--bbox', '103,21,104,22', '--zoom', '3', 'out.pmtiles'], /unknown option --zoom/],
    [['--bbox', '103,21,104,22'], /name the output file/],
  ];
  for (const [argv, message] of cases) {
    it(argv.join(' '), async () => {
      const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        expect(await main(argv)).toBe(2);
        expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(message);
      } finally {
        err.mockRestore();
      }
    });
  }
});

describe('the progress bar: count, rate, ETA', () => {
  it('on a terminal: one line redrawn in place, ended at 100%', () => {
    const out: string[] = [];
    const bar = progressBar(4, 'tty', (t) => out.push(t));
    for (let i = 1; i <= 4; i++) bar(i);
    // Carriage return and erase-line: the bar is redrawn over itself.
    expect(out[0]!.startsWith('\r\u001b[2K')).toBe(true);
    expect(out[0]!.slice(5)).toMatch(
      /^\[#{6}-{18}\] 1\/4 tiles \(25\.0%\) · \d+ tiles\/s · ETA (\d+:\d\d|\?)$/,
    );
    expect(out.at(-1)).toMatch(/\[#{24}\] 4\/4 tiles \(100\.0%\) · \d+ tiles\/s · ETA 0:00\n$/);
  });

  it('with --progress on a pipe: whole lines; without it, nothing', () => {
    const lines: string[] = [];
    const bar = progressBar(2, 'lines', (t) => lines.push(t));
    bar(1);
    bar(2);
    expect(lines.every((l) => l.startsWith('export:pmtiles: [') && l.endsWith('\n'))).toBe(true);
    expect(lines.at(-1)).toContain('2/2 tiles (100.0%)');
    const none: string[] = [];
    const off = progressBar(2, 'off', (t) => none.push(t));
    off(1);
    off(2);
    expect(none).toEqual([]);
  });
});

describe('npm run export:offline: bad arguments and unknown provinces exit 2 and name the option', () => {
  const cases: [string[], RegExp][] = [
    [['out.zip'], /--province is required/],
    [['--province', 'x1', 'out.zip'], /--province must be a two-digit province code/],
    [['--province', '11', '--maxzoom', '15', 'out.zip'], /--maxzoom must be an integer from 0 to 14/],
    [['--province', '11', '--minzoom', '9', '--maxzoom', '3', 'out.zip'], /--minzoom \(9\) must not exceed/],
    [['--province', '11', '--concurrency', '0', 'out.zip'], /--concurrency must be/],
    [['--province', '11', '--bbox', '1,2,3,4', 'out.zip'], /unknown option --bbox/],
    [['--province', '11', 'out.pmtiles'], /the output must be a \.zip file/],
    [['--province', '11'], /name the output \.zip file/],
    [
      ['--province', '99', path.join(tmpdir(), 'never.zip')],
      /--province: no province "99"; known: 11 \(Điện Biên\)/,
    ],
  ];
  for (const [argv, message] of cases) {
    it(argv.join(' '), async () => {
      const saved = { DATABASE_URL: process.env.DATABASE_URL, SKIP_PREPARE: process.env.SKIP_PREPARE };
      // The run's database as it is (no reseeding under the other tests).
      Object.assign(process.env, { DATABASE_URL: inject('dbUrl'), SKIP_PREPARE: '1' });
      const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        expect(await offlineMain(argv)).toBe(2);
        expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(message);
      } finally {
        err.mockRestore();
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
      // An unknown province is found out after connecting (and checking the seed): slow on a busy machine.
    }, 120_000);
  }
});

describe('PMTILES_ORIGINS: where the web map may read archives from', () => {
  it('reads a list of origins and refuses anything else, naming the variable', () => {
    expect(
      loadConfig({ PMTILES_ORIGINS: ' https://tiles.example, http://cdn.example:8443 ' }).PMTILES_ORIGINS,
    ).toEqual(['https://tiles.example', 'http://cdn.example:8443']);
    expect(loadConfig({}).PMTILES_ORIGINS).toEqual([]);
    for (const value of ['https://tiles.example/archives', '*', 'tiles.example']) {
      expect(() => loadConfig({ PMTILES_ORIGINS: value }), value).toThrow(ConfigError);
      expect(() => loadConfig({ PMTILES_ORIGINS: value })).toThrow(/PMTILES_ORIGINS/);
    }
  });

  it('the page’s Content-Security-Policy connects only to its own origin when none is listed', async () => {
    const csp = (await fetch(`${app.base}/health`)).headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/connect-src 'self'(;|$)/);
  });
});
