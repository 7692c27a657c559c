/**
 * A field package for one province: everything the map needs with no
 * network, in one zip to copy onto a phone or a laptop.
 *
 *   npm run export:offline -- --province 11 dien-bien.zip
 *   npm run export:offline -- --province 15 --maxzoom 13 lao-cai.zip
 *
 * Inside: area.pmtiles (our tiles over the province's extent, rendered by
 * the server's code: server/tiles/pmtiles/export.ts), style.json (the web
 * map's own style, client/map-style.ts, over that archive), fonts/ (the
 * label glyph ranges the archive's text uses), index.html and assets/ (the
 * map page, client/offline/, built with relative paths and reading only the
 * package's files) and README.txt (how to open it, attribution, sources).
 * The archive is stored in the zip uncompressed: its tiles are gzip already.
 *
 * Connects like `npm start` (and, like it, takes SKIP_PREPARE=1 with
 * DATABASE_URL to use a database as it is). Exit codes: 0 done, 2 bad
 * arguments or an unknown province (the message names the option), 1
 * anything else; on failure nothing is left at `out`.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { VectorTile } from '@mapbox/vector-tile';
import type { StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import { PbfReader } from 'pbf';
import { pino } from 'pino';
import { PMTiles, type RangeResponse, type Source } from 'pmtiles';
import { ZipFile } from 'yazl';
import { createApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { connect, type Database } from '../server/db/connect.ts';
import { buildGlyphs, FONTSTACK, RANGES } from '../server/fonts/build.ts';
import { migrateAndSeed, prepareServer, projectRoot } from '../server/prepare.ts';
import { SOURCE } from '../server/styles/style.ts';
import { parseLayers } from '../server/tiles/params.ts';
import { type Bbox, countTiles, exportPmtiles, tilesOf } from '../server/tiles/pmtiles/export.ts';
import { parseCommandLine, runMain, UsageError } from './lib/run-main.ts';

const log = (m: string) => process.stderr.write(`export:offline: ${m}\n`);

export const USAGE = `usage: npm run export:offline -- --province CODE [--minzoom 0] [--maxzoom 12] [--concurrency 4] out.zip
`;

export interface OfflineArgs {
  province: string;
  minzoom: number;
  maxzoom: number;
  concurrency: number;
  out: string;
}

/** A field package stays small enough for a phone: zoom 14 over a province is already ~10^5 tiles. */
const MAX_OFFLINE_ZOOM = 14;

export function parseArgs(argv: readonly string[]): OfflineArgs {
  const seen = new Map<string, string>();
  const positional: string[] = [];
  const known = ['province', 'minzoom', 'maxzoom', 'concurrency'];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const key = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!known.includes(key))
      throw new UsageError(`unknown option --${key}; options are --${known.join(', --')}`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${key} needs a value`);
    if (seen.has(key)) throw new UsageError(`--${key} given twice`);
    seen.set(key, value);
  }
  const province = seen.get('province');
  if (province === undefined) throw new UsageError('--province is required (a province code, e.g. 11)');
  if (!/^\d{2}$/.test(province))
    throw new UsageError(`--province must be a two-digit province code; got "${province}"`);
  const zoom = (name: string, fallback: string) => {
    const v = seen.get(name) ?? fallback;
    if (!/^\d{1,2}$/.test(v) || Number(v) > MAX_OFFLINE_ZOOM) {
      throw new UsageError(`--${name} must be an integer from 0 to ${MAX_OFFLINE_ZOOM}; got "${v}"`);
    }
    return Number(v);
  };
  const minzoom = zoom('minzoom', '0');
  const maxzoom = zoom('maxzoom', '12');
  if (minzoom > maxzoom)
    throw new UsageError(`--minzoom (${minzoom}) must not exceed --maxzoom (${maxzoom})`);
  const c = seen.get('concurrency') ?? '4';
  if (!/^\d{1,2}$/.test(c) || Number(c) < 1 || Number(c) > 64) {
    throw new UsageError(`--concurrency must be an integer from 1 to 64; got "${c}"`);
  }
  if (positional.length !== 1) {
    throw new UsageError(
      positional.length ? `one output file, got ${positional.join(' ')}` : 'name the output .zip file',
    );
  }
  if (!positional[0]!.endsWith('.zip'))
    throw new UsageError(`the output must be a .zip file; got "${positional[0]}"`);
  return { province, minzoom, maxzoom, concurrency: Number(c), out: positional[0]! };
}

/**
 * The province's extent: its seat and every feature of a layer that carries
 * a `province_code` (communes, markets, projects, industrial parks), padded
 * by 0.05° so that border features just outside still show. Undefined for
 * a code no province has.
 */
export async function provinceExtent(
  database: Database,
  code: string,
): Promise<{ name: string; bbox: Bbox } | undefined> {
  const { pool } = database;
  const province = await pool.query<{ name: string }>('SELECT name FROM layer_provinces WHERE code = $1', [
    code,
  ]);
  if (province.rowCount === 0) return undefined;
  const views = await pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name LIKE 'layer\\_%' AND column_name = 'province_code'
     ORDER BY table_name`,
  );
  const parts = [
    'SELECT geom FROM layer_provinces WHERE code = $1',
    ...views.rows.map((v) => `SELECT geom FROM ${v.table_name} WHERE province_code = $1`),
  ];
  const { rows } = await pool.query<{ w: number; s: number; e: number; n: number }>(
    `SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n
     FROM (SELECT ST_Extent(geom)::box2d AS b FROM (${parts.join(' UNION ALL ')}) g) x`,
    [code],
  );
  const r = rows[0]!;
  const pad = 0.05;
  return {
    name: province.rows[0]!.name,
    bbox: [r.w - pad, Math.max(r.s - pad, -85), r.e + pad, Math.min(r.n + pad, 85)],
  };
}

/** The pmtiles reader over a file read whole (the archive was just written here). */
class FileBytes implements Source {
  constructor(
    private readonly bytes: Buffer,
    private readonly key: string,
  ) {}
  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    const s = this.bytes.subarray(offset, offset + length);
    return { data: s.buffer.slice(s.byteOffset, s.byteOffset + s.byteLength) as ArrayBuffer };
  }
  getKey(): string {
    return this.key;
  }
}

/**
 * The glyph ranges (256 code points each) that the archive's text needs:
 * every string property of every tile, read back with the pmtiles reader,
 * plus Latin (0-255) for numbers and the attribution.
 */
export async function glyphRangesOf(
  file: string,
  bbox: Bbox,
  minzoom: number,
  maxzoom: number,
): Promise<number[]> {
  const reader = new PMTiles(new FileBytes(await readFile(file), file));
  const ranges = new Set<number>([0]);
  for (let z = minzoom; z <= maxzoom; z++) {
    for (const t of tilesOf(bbox, z)) {
      const got = await reader.getZxy(t.z, t.x, t.y);
      if (!got) continue;
      const tile = new VectorTile(new PbfReader(new Uint8Array(got.data)));
      for (const name of Object.keys(tile.layers)) {
        const layer = tile.layers[name]!;
        for (let i = 0; i < layer.length; i++) {
          for (const v of Object.values(layer.feature(i).properties)) {
            if (typeof v !== 'string') continue;
            for (const ch of v) ranges.add(Math.floor(ch.codePointAt(0)! / 256) * 256);
          }
        }
      }
    }
  }
  return [...ranges].sort((a, b) => a - b);
}

/**
 * The web map's own style (GET /styles/atlas.json, server/styles) made to read
 * only the package: tiles from its archive, label points and rivers from its
 * own files, glyphs from fonts/ (the page resolves these names against itself).
 */
function offlineStyle(style: StyleSpecification): StyleSpecification {
  style.glyphs = 'fonts/{fontstack}/{range}.pbf';
  const atlas = style.sources[SOURCE] as { attribution?: string };
  style.sources[SOURCE] = { type: 'vector', url: 'pmtiles://area.pmtiles', attribution: atlas.attribution };
  return style;
}

/** The map page, client/offline/, built with relative paths into `dir` (index.html and assets/). */
async function buildPage(dir: string): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: path.join(projectRoot, 'client', 'offline'),
    base: './',
    logLevel: 'warn',
    build: { outDir: dir, emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  });
}

/** The server's answers for `paths`, from the app run in this process on a free port. */
async function fromServer(database: Database, paths: string[]): Promise<unknown[]> {
  const app = createApp({
    config: { BODY_LIMIT: '100kb', RETRY_AFTER_S: 5 },
    database,
    logger: pino({ level: 'silent' }),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const out = [];
    for (const p of paths) {
      const res = await fetch(`${base}${p}`);
      if (!res.ok) throw new Error(`${p}: HTTP ${res.status}`);
      out.push(await res.json());
    }
    return out;
  } finally {
    const closed = new Promise((r) => server.close(r));
    server.closeAllConnections();
    await closed;
    await app.close();
  }
}

function readme(o: {
  province: string;
  name: string;
  bbox: Bbox;
  minzoom: number;
  maxzoom: number;
  dataVersion: number;
  attribution: string;
  sources: { title: string; publisher: string | null; url: string | null }[];
}): string {
  const when = new Date().toISOString().slice(0, 10);
  return `Border Atlas — gói bản đồ ngoại tuyến / offline map package
${o.name} (mã tỉnh / province code ${o.province}), ${when}, data version ${o.dataVersion}
Vùng / area: ${o.bbox.map((v) => v.toFixed(3)).join(', ')} (west, south, east, north), zoom ${o.minzoom}–${o.maxzoom}

CÁCH MỞ (không cần mạng)
1. Giải nén cả thư mục vào bộ nhớ máy.
2. Mở thư mục bằng một ứng dụng máy chủ tệp tĩnh (static file server) trên điện thoại,
   hoặc trên máy tính: python3 -m http.server 8000 (trong thư mục này), rồi mở
   http://127.0.0.1:8000/ trong trình duyệt. Trình duyệt không chạy được trang
   bằng file:// vì chặn mô-đun JavaScript và việc đọc tệp từ file://.

HOW TO OPEN (no network needed)
1. Unzip the whole folder onto the device.
2. Serve the folder with any static file server app on the phone, or on a laptop
   python3 -m http.server 8000 (in this folder), and open http://127.0.0.1:8000/
   in a browser. Browsers will not run the page from file://: they block
   JavaScript modules and file reads there.

Files: index.html + assets/ (the map page), area.pmtiles (vector tiles, PMTiles v3),
style.json (the map style), fonts/ (label glyphs), README.txt.

Ghi công / Attribution: ${o.attribution}.
Borders and countries are derived from OpenStreetMap data, © OpenStreetMap contributors,
available under the Open Database License (ODbL) 1.0: https://www.openstreetmap.org/copyright

Nguồn / Sources:
${o.sources.map((s) => `- ${s.title}${s.publisher ? ` (${s.publisher})` : ''}${s.url ? `: ${s.url}` : ''}`).join('\n')}
`;
}

/** Writes the zip (yazl: streamed from the files on disk; the archive stored, the rest deflated). */
async function zip(dir: string, out: string): Promise<void> {
  const z = new ZipFile();
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else z.addFile(path.join(dir, r), r, { compress: !r.endsWith('.pmtiles') && !r.endsWith('.pbf') });
    }
  };
  await walk('');
  const done = new Promise<void>((resolve, reject) => {
    const file = createWriteStream(out);
    file.on('close', () => resolve());
    file.on('error', reject);
    z.outputStream.on('error', reject).pipe(file);
  });
  z.end();
  await done;
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

export async function main(argv: readonly string[]): Promise<number> {
  const cli = parseCommandLine(argv, USAGE, parseArgs, log);
  if ('exit' in cli) return cli.exit;
  const { args } = cli;
  const config = loadConfig();
  // As for npm start: SKIP_PREPARE=1 with DATABASE_URL exports the database as it is (the tests
  // export the run's database, which other tests write to: no reseeding under them).
  const asIs = process.env.SKIP_PREPARE === '1' && config.DATABASE_URL !== '';
  const url = config.DATABASE_URL || (await prepareServer(config, log)).url;
  if (!asIs) await migrateAndSeed(url, log);
  const database = connect(url, { max: 4 });
  // The tile pool lets the process exit when idle (allowExitOnIdle): hold it until the end.
  const keepAlive = setInterval(() => {}, 60_000);
  const work = await mkdtemp(path.join(tmpdir(), 'export-offline-'));
  try {
    const area = await provinceExtent(database, args.province);
    if (!area) {
      const { rows } = await database.pool.query<{ code: string; name: string }>(
        'SELECT code, name FROM layer_provinces ORDER BY code',
      );
      log(
        `--province: no province "${args.province}"; known: ${rows.map((r) => `${r.code} (${r.name})`).join(', ')}`,
      );
      return 2;
    }
    const total = countTiles(area.bbox, args.minzoom, args.maxzoom);
    log(
      `${area.name} (${args.province}): bbox ${area.bbox.map((v) => v.toFixed(3)).join(',')}, zooms ${args.minzoom}–${args.maxzoom}, ${total} tiles`,
    );
    const site = path.join(work, 'package');
    log('building the map page (client/offline)');
    await buildPage(site);
    const archive = path.join(site, 'area.pmtiles');
    let last = 0;
    const r = await exportPmtiles(database, {
      bbox: area.bbox,
      minzoom: args.minzoom,
      maxzoom: args.maxzoom,
      layers: parseLayers('all'),
      out: archive,
      concurrency: args.concurrency,
      onProgress: (done, all) => {
        const now = performance.now();
        if (done < all && now - last < 2000) return;
        last = now;
        log(`tiles ${done}/${all}`);
      },
    });
    log(
      `area.pmtiles: ${kib(r.bytes)}, ${r.addressedTiles} tiles with content, ${r.tileContents} distinct, data version ${r.dataVersion}`,
    );
    // The area names and the rivers are layers of the archive's tiles (server/tiles/basemap.ts).
    const [style, sources] = (await fromServer(database, ['/styles/atlas.json?lang=vi', '/api/sources'])) as [
      StyleSpecification,
      { sources: { title: string; publisher: string | null; url: string | null }[] },
    ];
    await writeFile(path.join(site, 'style.json'), JSON.stringify(offlineStyle(style)));
    // Glyphs: the ranges the archive's text uses, from the fonts the server serves (built if missing).
    let fonts = path.join(projectRoot, 'dist', 'fonts');
    if (!RANGES.every((g) => existsSync(path.join(fonts, FONTSTACK, `${g}-${g + 255}.pbf`)))) {
      fonts = path.join(work, 'fonts');
      buildGlyphs(fonts);
    }
    const used = (await glyphRangesOf(archive, area.bbox, args.minzoom, args.maxzoom)).filter((g) =>
      RANGES.includes(g),
    );
    await mkdir(path.join(site, 'fonts', FONTSTACK), { recursive: true });
    for (const g of used) {
      const name = `${g}-${g + 255}.pbf`;
      await writeFile(
        path.join(site, 'fonts', FONTSTACK, name),
        await readFile(path.join(fonts, FONTSTACK, name)),
      );
    }
    log(`glyph ranges: ${used.map((g) => `${g}-${g + 255}`).join(', ')}`);
    await writeFile(
      path.join(site, 'README.txt'),
      readme({
        province: args.province,
        name: area.name,
        bbox: area.bbox,
        minzoom: args.minzoom,
        maxzoom: args.maxzoom,
        dataVersion: r.dataVersion,
        attribution:
          (style.sources[SOURCE] as { attribution?: string }).attribution ??
          '© OpenStreetMap contributors (ODbL)',
        sources: sources.sources,
      }),
    );
    await zip(site, `${args.out}.partial`);
    await rm(args.out, { force: true });
    await rename(`${args.out}.partial`, args.out);
    log(`wrote ${args.out}: ${kib((await stat(args.out)).size)} (archive ${kib(r.bytes)})`);
    return 0;
  } catch (e) {
    await rm(`${args.out}.partial`, { force: true });
    throw e;
  } finally {
    clearInterval(keepAlive);
    await rm(work, { recursive: true, force: true });
    await database.close();
  }
}

runMain(import.meta.url, main, log);
