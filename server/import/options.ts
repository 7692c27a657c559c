/**
 * What an import is asked to do, the defaults in one place, and the parsers
 * for the command line's compact forms (`--map code=ma_xa,name=ten`,
 * `--source "title, URL"`). Every mistake is an ImportArgumentError naming
 * the option.
 */
import { layers } from '../layers/index.ts';
import type { ImportTarget } from '../layers/types.ts';
import { ImportArgumentError } from './errors.ts';
import { PRECISIONS, type Precision } from './schema.ts';

export type ImportLayer = ImportTarget;
/** What `--layer` accepts: the import targets the registry's layers name, in registry order. */
export const IMPORT_LAYERS: readonly ImportLayer[] = [
  ...new Set(layers.flatMap((l) => (l.importTarget ? [l.importTarget] : []))),
];

export { PRECISIONS, type Precision } from './schema.ts';

export interface ImportOptions {
  /** Path of a .geojson/.json, .geojsonl/.geojsons, .csv/.tsv, .gpkg, .shp (or .zip of one) file. */
  file: string;
  layer: ImportLayer;
  /** "title, URL" (URL optional): every imported record cites it. */
  source: string;
  /** Target field → column of the file; unmapped fields use the layer's defaults. */
  map?: Record<string, string>;
  /** EPSG code of the file's coordinates when the file does not say (or says wrong). */
  srid?: number;
  /** Reject invalid geometry instead of repairing it. */
  strict?: boolean;
  /** Check and report everything, write nothing. */
  dryRun?: boolean;
  /** Province code for communes and projects whose records name no province. */
  parent?: string;
  /** Only records whose column equals the value (`level=commune`); others are skipped. */
  where?: Record<string, string>;
  /** Layer inside a GeoPackage (or other multi-layer file) to read. */
  inputLayer?: string;
  /** How the locations were obtained, for records that do not say. */
  precision?: Precision;
  /** Uncertainty in metres, needed with precision "approximate". */
  uncertaintyM?: number;
}

/** Defaults, commented once; docs/import.md shows the same block. */
export const DEFAULTS = {
  /** The file's own coordinates: WGS 84 longitude/latitude unless the file or --srid says otherwise. */
  srid: 4326,
  /** Official boundaries and project lists come with measured coordinates. */
  precision: 'surveyed' as Precision,
  /** Records sent to the staging table per INSERT... */
  batchSize: 1000,
  /** ...or fewer, when their geometry text passes this many characters (memory stays flat). */
  batchBytes: 4_000_000,
  /** Problems and warnings listed in the report (the counts are always complete). */
  listLimit: 200,
} as const;

/** `code=ma_xa,name=ten` → { code: 'ma_xa', name: 'ten' }. */
export function parsePairs(option: string, text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const i = part.indexOf('=');
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    if (i < 1 || !k || !v)
      throw new ImportArgumentError(
        option,
        'field=column pairs separated by commas (code=ma_xa,name=ten)',
        text,
      );
    out[k] = v;
  }
  return out;
}

export interface SourceRef {
  title: string;
  url: string | null;
}

/**
 * `"Bản đồ hành chính 2025, https://example.org/x"` → title and URL. The URL
 * is whatever follows the last comma when it starts with http(s)://.
 */
export function parseSource(text: string | undefined): SourceRef {
  const accepts = '"title, URL" (the URL may be left out when there is none)';
  if (!text?.trim()) throw new ImportArgumentError('--source', accepts, 'nothing');
  const m = /^(.*),\s*(https?:\/\/\S*)\s*$/.exec(text.trim());
  const title = (m ? m[1]! : text).trim();
  const url = m ? m[2]! : null;
  if (title.length < 3)
    throw new ImportArgumentError('--source', accepts, `a title of ${title.length} characters`);
  if (url) {
    try {
      new URL(url);
    } catch {
      throw new ImportArgumentError('--source', accepts, `"${url}" is not a URL`);
    }
  }
  return { title, url };
}

/** Checks what can be checked without the file or the database. */
export function checkOptions(o: ImportOptions): void {
  if (!IMPORT_LAYERS.includes(o.layer))
    throw new ImportArgumentError('--layer', IMPORT_LAYERS.join(', '), `"${o.layer ?? ''}"`);
  if (!o.file) throw new ImportArgumentError('file', 'the path of the file to import', 'nothing');
  if (o.srid !== undefined && !(Number.isInteger(o.srid) && o.srid > 0))
    throw new ImportArgumentError('--srid', 'an EPSG code such as 4326, 3405 or 32648', `"${o.srid}"`);
  if (o.precision !== undefined && !PRECISIONS.includes(o.precision))
    throw new ImportArgumentError('--precision', PRECISIONS.join(', '), `"${o.precision}"`);
  if (o.uncertaintyM !== undefined && !(Number.isFinite(o.uncertaintyM) && o.uncertaintyM > 0))
    throw new ImportArgumentError('--uncertainty', 'a positive number of metres', `"${o.uncertaintyM}"`);
  if (o.precision === 'approximate' && o.uncertaintyM === undefined)
    throw new ImportArgumentError('--uncertainty', 'metres, needed with --precision approximate', 'nothing');
  if (o.parent !== undefined && !/^\d{1,2}$/.test(o.parent))
    throw new ImportArgumentError('--parent', 'a province code such as 11 (Điện Biên)', `"${o.parent}"`);
  parseSource(o.source);
}
