/**
 * GeoPackage, Shapefile and every other format GDAL reads, through its
 * `ogr2ogr` converting to GeoJSON on a pipe, which the streaming GeoJSON
 * reader then parses: nothing is written to disk and memory stays flat.
 *
 *   ogr2ogr -f GeoJSON /vsistdout/ file.gpkg [layer] -t_srs EPSG:4326 ─▶ readGeoJson
 *
 * GDAL reprojects here (it reads the file's own CRS, including VN-2000
 * provincial zones that have no EPSG code); `--srid` overrides a missing or
 * wrong CRS with `-s_srs`. A file with no CRS and no --srid is passed as it
 * is, and the region check catches projected coordinates.
 */
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { ImportArgumentError } from '../errors.ts';
import { readGeoJson } from './geojson.ts';
import type { Reader } from './types.ts';

const INSTALL_HINT =
  "GDAL's ogr2ogr and ogrinfo, which are not installed: on Debian or Ubuntu, `apt-get install gdal-bin`";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(program: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function missing(e: unknown, what: string): never {
  if ((e as NodeJS.ErrnoException).code === 'ENOENT')
    throw new ImportArgumentError(
      'file',
      `a format this machine can read`,
      `reading ${what} needs ${INSTALL_HINT}`,
    );
  throw e;
}

/** Layer names of a multi-layer file, and whether the chosen one has a CRS. */
async function inspect(
  gdalBin: string,
  path: string,
  inputLayer: string | undefined,
  what: string,
): Promise<{ layer: string; hasCrs: boolean }> {
  const list = await run(`${gdalBin}ogrinfo`, ['-ro', '-q', path]).catch((e) => missing(e, what));
  if (list.code !== 0)
    throw new ImportArgumentError(
      'file',
      'a file GDAL can open',
      `GDAL cannot open it: ${list.stderr.trim()}`,
    );
  const layers = [...list.stdout.matchAll(/^\d+: (.+?)(?: \([^)]*\))?$/gm)].map((m) => m[1]!);
  let layer = inputLayer;
  if (layer === undefined) {
    if (layers.length !== 1)
      throw new ImportArgumentError(
        '--input-layer',
        `one of ${layers.join(', ')}`,
        `nothing (the file has ${layers.length} layers)`,
      );
    layer = layers[0]!;
  } else if (!layers.includes(layer)) {
    throw new ImportArgumentError('--input-layer', `one of ${layers.join(', ')}`, `"${layer}"`);
  }
  const info = await run(`${gdalBin}ogrinfo`, ['-ro', '-so', path, layer]).catch((e) => missing(e, what));
  const hasCrs = !/Layer SRS WKT:\s*\n\s*\(unknown\)/.test(info.stdout) && /Layer SRS WKT:/.test(info.stdout);
  return { layer, hasCrs };
}

export async function readOgr(
  path: string,
  opts: { srid?: number; inputLayer?: string; gdalBin?: string },
): Promise<Reader> {
  const ext = (/\.([^.\\/]+)$/.exec(path)?.[1] ?? '').toLowerCase();
  const what = `.${ext} files`;
  const gdalPath = ext === 'zip' ? `/vsizip/${path}` : path;
  const bin = opts.gdalBin ?? '';
  const { layer, hasCrs } = await inspect(bin, gdalPath, opts.inputLayer, what);
  const args = ['-f', 'GeoJSON', '/vsistdout/', gdalPath, layer];
  if (opts.srid !== undefined) args.push('-s_srs', `EPSG:${opts.srid}`);
  const reprojected = hasCrs || opts.srid !== undefined;
  if (reprojected) args.push('-t_srs', 'EPSG:4326');
  const child = spawn(`${bin}ogr2ogr`, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (e) => reject(e));
    child.on('close', (code) => resolve(code));
  });
  // Piped at once: when a child exits, Node resumes (and so discards) any of
  // its output streams nobody listens to yet, and the reader starts later,
  // after the transaction has begun. The pipe keeps backpressure: ogr2ogr
  // waits while the reader is behind.
  const output = child.stdout.pipe(new PassThrough());
  let bytes = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of output as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      yield chunk;
    }
  }
  exited.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  // GeoJSON out of ogr2ogr is larger than the input; the bar shows the count and rate instead.
  const inner = readGeoJson(counted(), () => ({ bytes, total: null }), ext);
  const failure = async () => {
    const code = await exited.catch((e) => missing(e, what));
    return code === 0
      ? null
      : new Error(`ogr2ogr failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`);
  };
  async function* records() {
    try {
      try {
        yield* inner.records;
      } catch (e) {
        // What GDAL said is a better reason than the half-written GeoJSON it left.
        throw (await failure()) ?? e;
      }
      const failed = await failure();
      if (failed) throw failed;
    } finally {
      if (child.exitCode === null) child.kill();
    }
  }
  return {
    format: ext,
    records: records(),
    progress: () => ({ bytes, total: null }),
    reprojects: reprojected,
    declaredSrid: () => (reprojected ? 4326 : inner.declaredSrid()),
  };
}
