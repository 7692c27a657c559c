/**
 * Picks the reader by the file's extension. GeoJSON and CSV are read here;
 * everything else goes through GDAL (ogr.ts).
 *
 *   const reader = await openReader('communes.gpkg', { srid: 32648 });
 *   for await (const r of reader.records) ...
 */
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { ImportArgumentError } from '../errors.ts';
import { guessDelimiter, readCsv } from './csv.ts';
import { readGeoJson } from './geojson.ts';
import { readGeoJsonSeq } from './geojson-seq.ts';
import { readOgr } from './ogr.ts';
import type { Reader } from './types.ts';

export type { RawRecord, Reader } from './types.ts';

const GEOJSON = ['geojson', 'json'];
const GEOJSON_SEQ = ['geojsonl', 'geojsons', 'geojsonseq', 'ndjson', 'jsonl'];
const CSV = ['csv', 'tsv', 'txt'];

export interface ReaderOptions {
  srid?: number;
  inputLayer?: string;
  /** Directory of GDAL's programs, with a trailing slash; default: found on PATH. */
  gdalBin?: string;
}

export async function openReader(path: string, opts: ReaderOptions = {}): Promise<Reader> {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch (e) {
    throw new ImportArgumentError(
      'file',
      'a readable file',
      `cannot read "${path}": ${(e as Error).message}`,
    );
  }
  const ext = (/\.([^.\\/]+)$/.exec(path)?.[1] ?? '').toLowerCase();
  if (GEOJSON.includes(ext) || GEOJSON_SEQ.includes(ext) || CSV.includes(ext)) {
    const input = createReadStream(path);
    const progress = () => ({ bytes: input.bytesRead, total: size });
    if (GEOJSON.includes(ext)) return readGeoJson(input, progress);
    if (GEOJSON_SEQ.includes(ext)) return readGeoJsonSeq(input, progress);
    return readCsv(input, ext === 'tsv' ? '\t' : guessDelimiter(firstLine(path)), progress);
  }
  return readOgr(path, opts);
}

function firstLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(65536);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8').split(/\r?\n/)[0] ?? '';
  } finally {
    closeSync(fd);
  }
}
