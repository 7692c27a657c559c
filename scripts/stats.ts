/**
 * The analysis and statistics reports from the command line, for scripts:
 * the same report functions and the same parameter declarations as the HTTP API
 * (server/analysis), CSV or JSON on stdout, progress on stderr.
 *
 *   npm run stats -- near-border --km 10 --format csv
 *   npm run stats -- distance-bands --bands 0,5,20,50 --by province
 *   npm run stats -- investment --by category --from 2021 --to 2025 --within-km 20
 *   npm run stats -- indicators 02701
 *   npm run stats -- --help
 *
 * Connects like `npm start` (DATABASE_URL, else the local server or the
 * private cluster, migrated and seeded). Exit codes: 0 done, 2 bad
 * arguments (the message names the parameter), 1 anything else.
 */
import { getReport, reports } from '../server/analysis/index.ts';
import type { Report } from '../server/analysis/report.ts';
import { loadConfig } from '../server/config.ts';
import { connect } from '../server/db/connect.ts';
import { BOM, toCsv } from '../server/http/csv.ts';
import { ProblemError } from '../server/http/problem.ts';
import { migrateAndSeed, prepareServer } from '../server/prepare.ts';
import { runMain, UsageError } from './lib/run-main.ts';

const log = (m: string) => process.stderr.write(`stats: ${m}\n`);

export function usage(): string {
  const lines = reports.map(
    (r) =>
      `  ${r.name.padEnd(16)} ${r.summary}\n${' '.repeat(19)}options: ${Object.keys(r.params.shape)
        .map((p) => `--${p.replace(/_/g, '-')}`)
        .join(' ')}`,
  );
  return `usage: npm run stats -- <report> [--option value ...] [--format json|csv]\n\nreports:\n${lines.join('\n')}\n`;
}

/**
 * `['near-border', '--km', '10', '--format=csv']` → report, its inputs (as an
 * HTTP query would give them) and the format. Option names take - or _.
 */
export function parseArgs(argv: readonly string[]): {
  report: Report;
  input: Record<string, string>;
  format: 'json' | 'csv';
} {
  const [name, ...rest] = argv;
  if (!name || name.startsWith('-')) throw new UsageError(`name a report first\n\n${usage()}`);
  const report = getReport(name);
  if (!report)
    throw new UsageError(`unknown report "${name}"; one of ${reports.map((r) => r.name).join(', ')}`);
  const input: Record<string, string> = {};
  let format: 'json' | 'csv' = 'json';
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const key = (eq > 0 ? arg.slice(2, eq) : arg.slice(2)).replace(/-/g, '_');
    const value = eq > 0 ? arg.slice(eq + 1) : rest[++i];
    if (value === undefined) throw new UsageError(`--${key} needs a value`);
    if (key === 'format' || key === 'f') {
      if (value !== 'json' && value !== 'csv')
        throw new UsageError(`--format must be json or csv; got "${value}"`);
      format = value;
    } else if (key in input) {
      throw new UsageError(`--${key} given twice`);
    } else {
      input[key] = value;
    }
  }
  // A report with one path parameter (indicators) takes it positionally too.
  const pathParams = [...report.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  if (positional.length > pathParams.length || (positional.length && pathParams.length === 0)) {
    throw new UsageError(`unexpected argument "${positional[pathParams.length] ?? positional[0]}"`);
  }
  positional.forEach((v, i) => {
    input[pathParams[i]!] = v;
  });
  return { report, input, format };
}

export async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) {
    process.stdout.write(usage());
    return argv.length === 0 ? 2 : 0;
  }
  let parsed: ReturnType<typeof parseArgs>;
  let params: unknown;
  try {
    parsed = parseArgs(argv);
    // The report's declaration (server/http/params.ts) refuses unknown options and bad values.
    params = parsed.report.parse(parsed.input);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ProblemError) {
      log(e instanceof ProblemError ? `bad argument: ${e.message.replace(/^(\w+)/, '--$1')}` : e.message);
      return 2;
    }
    throw e;
  }
  const { report, format } = parsed;
  const config = loadConfig();
  const url = config.DATABASE_URL || (await prepareServer(config, log)).url;
  await migrateAndSeed(url, log);
  const database = connect(url, { max: 2, statementTimeoutMs: 10 * 60_000 });
  const started = performance.now();
  log(`${report.name}: running`);
  try {
    const result = await report.run(database.db, params, log);
    const table = report.table(result);
    if (format === 'csv') process.stdout.write(toCsv(table.columns, table.rows).slice(BOM.length));
    else process.stdout.write(`${JSON.stringify(report.json(result), null, 2)}\n`);
    log(
      `${report.name}: ${table.rows.length} rows in ${((performance.now() - started) / 1000).toFixed(2)} s`,
    );
    return 0;
  } catch (e) {
    if (e instanceof ProblemError && e.status < 500) {
      log(e.status === 400 ? `bad argument: ${e.message.replace(/^(\w+)/, '--$1')}` : e.message);
      return e.status === 400 ? 2 : 1;
    }
    throw e;
  } finally {
    await database.close();
  }
}

runMain(import.meta.url, main, log);
