/**
 * Imports a file of boundaries, roads, projects or border gates into the
 * database `npm start` uses (or DATABASE_URL). See docs/import.md.
 *
 *   npm run import -- communes.gpkg --layer communes --parent 11 \
 *     --source "Bản đồ hành chính 2025, https://example.org/map" [--dry-run]
 *
 * Exit status: 0 imported (or dry run / nothing to change), 1 the file was
 * rejected (nothing written) or the import failed, 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.ts';
import { connect } from '../server/db/connect.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import {
  formatReport,
  IMPORT_LAYERS,
  ImportArgumentError,
  type ImportLayer,
  type ImportOptions,
  importFile,
  parsePairs,
} from '../server/import/index.ts';
import { prepareServer } from '../server/prepare.ts';
import { progressBar } from './import/progress.ts';

const USAGE = `usage: npm run import -- <file> --layer <${IMPORT_LAYERS.join('|')}> --source "title, URL"
  [--map field=column,...] [--srid N] [--parent <province code>] [--where column=value,...]
  [--input-layer <name>] [--precision surveyed|approximate|schematic] [--uncertainty <m>]
  [--strict] [--dry-run] [--json]`;

const log = (m: string) => process.stderr.write(`${m}\n`);

function options(argv: string[]): { opts: ImportOptions; json: boolean } {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        layer: { type: 'string' },
        source: { type: 'string' },
        map: { type: 'string' },
        srid: { type: 'string' },
        parent: { type: 'string' },
        where: { type: 'string' },
        'input-layer': { type: 'string' },
        precision: { type: 'string' },
        uncertainty: { type: 'string' },
        strict: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  }
  try {
    parsed = parse();
  } catch (e) {
    throw new ImportArgumentError('(arguments)', USAGE, (e as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (parsed.positionals.length !== 1)
    throw new ImportArgumentError('file', 'exactly one file', `${parsed.positionals.length} files`);
  const number = (name: string, s: string | undefined) => {
    if (s === undefined) return undefined;
    if (!/^\d+(\.\d+)?$/.test(s)) throw new ImportArgumentError(name, 'a number', `"${s}"`);
    return Number(s);
  };
  return {
    json: v.json ?? false,
    opts: {
      file: parsed.positionals[0]!,
      layer: (v.layer ?? '') as ImportLayer,
      source: v.source ?? '',
      map: v.map === undefined ? undefined : parsePairs('--map', v.map),
      where: v.where === undefined ? undefined : parsePairs('--where', v.where),
      srid: number('--srid', v.srid),
      parent: v.parent,
      inputLayer: v['input-layer'],
      precision: v.precision as ImportOptions['precision'],
      uncertaintyM: number('--uncertainty', v.uncertainty),
      strict: v.strict ?? false,
      dryRun: v['dry-run'] ?? false,
    },
  };
}

async function main(): Promise<number> {
  let opts: ImportOptions;
  let json: boolean;
  try {
    ({ opts, json } = options(process.argv.slice(2)));
  } catch (e) {
    if (!(e instanceof ImportArgumentError)) throw e;
    log(`import: ${e.message}\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const prepared = await prepareServer(config, log);
  const database = connect(prepared.url, { max: 2, statementTimeoutMs: 0 });
  try {
    // The schema must be there; a dry run does not even migrate.
    if (!opts.dryRun) await migrateToLatest(database.db);
    const report = await importFile(database.db, opts, { onProgress: progressBar() });
    process.stdout.write(`${json ? JSON.stringify(report, null, 2) : formatReport(report)}\n`);
    return report.ok ? 0 : 1;
  } catch (e) {
    if (e instanceof ImportArgumentError) {
      log(`import: ${e.message}\n${USAGE}`);
      return 2;
    }
    log(`import failed, nothing written: ${(e as Error).message}`);
    return 1;
  } finally {
    await database.close();
  }
}

process.exitCode = await main();
