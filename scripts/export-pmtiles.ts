/**
 * A PMTiles v3 archive of our vector tiles, for a CDN or object store (one
 * file, read with range requests) and for the field (a phone's storage):
 *
 *   npm run export:pmtiles -- --bbox 103.5,21.8,104.6,22.9 --minzoom 0 --maxzoom 14 lao-cai.pmtiles
 *   npm run export:pmtiles -- --bbox 102,8,110,23.5 --maxzoom 10 --layers provinces,roads vn.pmtiles
 *
 * Tiles are rendered by the server's code (server/tiles/pmtiles/export.ts),
 * `--concurrency` at a time on the tile pool. A progress bar (count, rate,
 * ETA) on stderr when it is a terminal, or with `--progress` (then a line
 * every two seconds, for a log file); otherwise the first and last lines. Connects like `npm start`. Exit codes: 0 done, 2 bad arguments
 * (the message names the option), 1 anything else.
 */
import { rmSync } from 'node:fs';
import { loadConfig } from '../server/config.ts';
import { connect } from '../server/db/connect.ts';
import { ProblemError } from '../server/http/problem.ts';
import { migrateAndSeed, prepareServer } from '../server/prepare.ts';
import { MAX_ZOOM, parseLayers } from '../server/tiles/params.ts';
import { type Bbox, countTiles, exportPmtiles } from '../server/tiles/pmtiles/export.ts';
import { parseCommandLine, runMain, UsageError } from './lib/run-main.ts';

const log = (m: string) => process.stderr.write(`export:pmtiles: ${m}\n`);

export const USAGE = `usage: npm run export:pmtiles -- --bbox w,s,e,n [--minzoom 0] [--maxzoom 14] [--layers all|a,b] [--concurrency 4] [--progress] out.pmtiles
`;

export interface ExportArgs {
  bbox: Bbox;
  minzoom: number;
  maxzoom: number;
  layers: string;
  concurrency: number;
  /** --progress: progress lines even when stderr is not a terminal. */
  progress: boolean;
  out: string;
}

function zoom(name: string, v: string): number {
  if (!/^\d{1,2}$/.test(v) || Number(v) > MAX_ZOOM) {
    throw new UsageError(`--${name} must be an integer from 0 to ${MAX_ZOOM}; got "${v}"`);
  }
  return Number(v);
}

function bbox(v: string): Bbox {
  const parts = v.split(',').map((p) => p.trim());
  const n = parts.map(Number);
  const bad = (why: string) => new UsageError(`--bbox must be ${why}; got "${v}"`);
  if (parts.length !== 4 || parts.some((p) => p === '') || n.some((x) => !Number.isFinite(x))) {
    throw bad('four numbers west,south,east,north');
  }
  const [w, s, e, nn] = n as Bbox;
  if (w < -180 || e > 180 || s < -85.0511287798066 || nn > 85.0511287798066) {
    throw bad('within -180..180 longitude and -85.05..85.05 latitude');
  }
  if (w >= e || s >= nn) throw bad('west < east and south < north');
  return [w, s, e, nn];
}

export function parseArgs(argv: readonly string[]): ExportArgs {
  const seen = new Map<string, string>();
  const positional: string[] = [];
  const known = ['bbox', 'minzoom', 'maxzoom', 'layers', 'concurrency', 'progress'];
  let progress = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    if (arg === '--progress') {
      progress = true;
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
  if (!seen.has('bbox')) throw new UsageError('--bbox is required (west,south,east,north in degrees)');
  if (positional.length !== 1) {
    throw new UsageError(
      positional.length ? `one output file, got ${positional.join(' ')}` : 'name the output file',
    );
  }
  const minzoom = zoom('minzoom', seen.get('minzoom') ?? '0');
  const maxzoom = zoom('maxzoom', seen.get('maxzoom') ?? '14');
  if (minzoom > maxzoom)
    throw new UsageError(`--minzoom (${minzoom}) must not exceed --maxzoom (${maxzoom})`);
  const c = seen.get('concurrency') ?? '4';
  if (!/^\d{1,3}$/.test(c) || Number(c) < 1 || Number(c) > 64) {
    throw new UsageError(`--concurrency must be an integer from 1 to 64; got "${c}"`);
  }
  const layers = seen.get('layers') ?? 'all';
  try {
    parseLayers(layers);
  } catch (e) {
    if (e instanceof ProblemError) throw new UsageError(`--layers: ${e.message}`);
    throw e;
  }
  return {
    bbox: bbox(seen.get('bbox')!),
    minzoom,
    maxzoom,
    layers,
    concurrency: Number(c),
    progress,
    out: positional[0]!,
  };
}

const clock = (s: number) =>
  Number.isFinite(s) ? `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}` : '?';

/**
 * `[#####-----] done/total (pct) · rate tiles/s · ETA m:ss`: on a terminal,
 * one line redrawn in place at most 10 times a second; for a log
 * (`--progress` on a pipe), a line every two seconds; otherwise nothing
 * (the first and last lines say what was done).
 */
export function progressBar(
  total: number,
  mode: 'tty' | 'lines' | 'off',
  write: (s: string) => void = (s) => process.stderr.write(s),
): (done: number) => void {
  const t0 = performance.now();
  let last = -Infinity;
  const every = mode === 'tty' ? 100 : 2000;
  return (done) => {
    if (mode === 'off') return;
    const now = performance.now();
    if (done < total && now - last < every) return;
    last = now;
    const rate = done / ((now - t0) / 1000 || 1e-9);
    const eta = (total - done) / rate;
    const width = 24;
    const filled = Math.round((width * done) / total);
    const text = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} tiles (${((100 * done) / total).toFixed(1)}%) · ${rate.toFixed(0)} tiles/s · ETA ${clock(eta)}`;
    if (mode === 'tty') write(`\r\x1b[2K${text}${done === total ? '\n' : ''}`);
    else write(`export:pmtiles: ${text}\n`);
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  const cli = parseCommandLine(argv, USAGE, parseArgs, log);
  if ('exit' in cli) return cli.exit;
  const { args } = cli;
  const config = loadConfig();
  const url = config.DATABASE_URL || (await prepareServer(config, log)).url;
  await migrateAndSeed(url, log);
  const database = connect(url, { max: 2 });
  // The tile pool lets the process exit when idle (allowExitOnIdle): hold it until the summary is out.
  const keepAlive = setInterval(() => {}, 60_000);
  // Interrupted: leave neither a partial archive nor the temporary tile file behind.
  const interrupted = (signal: NodeJS.Signals) => {
    rmSync(args.out, { force: true });
    rmSync(`${args.out}.tiles-${process.pid}.tmp`, { force: true });
    log(`${signal}: stopped, nothing written`);
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const total = countTiles(args.bbox, args.minzoom, args.maxzoom);
  log(`${total} tiles, zooms ${args.minzoom}–${args.maxzoom}, layers ${args.layers} → ${args.out}`);
  try {
    const r = await exportPmtiles(database, {
      ...args,
      layers: parseLayers(args.layers),
      onProgress: progressBar(total, process.stderr.isTTY ? 'tty' : args.progress ? 'lines' : 'off'),
    });
    log(
      `wrote ${args.out}: ${(r.bytes / 1024).toFixed(1)} KiB, ${r.addressedTiles} tiles with content in ${r.tileEntries} entries, ${r.tileContents} distinct (${r.rendered - r.addressedTiles} empty, not stored), ${r.leafDirectories} leaf directories, data version ${r.dataVersion}, ${r.seconds.toFixed(1)} s`,
    );
    return 0;
  } finally {
    clearInterval(keepAlive);
    await database.close();
  }
}

runMain(import.meta.url, main, log);
