/**
 * Reads one article and prints what ingestion finds in it (docs/ingest.md):
 * places, figures and candidates, as a table, or with --json the JSON that
 * POST /api/ingest answers. Writes nothing.
 *
 *   npm run ingest -- article.txt --source "Chợ mới ở Bát Xát, https://example.org/a" --published 2024-10-02
 *   npm run ingest -- article.html --source "Title, URL" --lang en --json
 *
 * Connects like `npm start` (DATABASE_URL, else the local server's
 * DATABASE_NAME or the private cluster, migrated and seeded). Exit codes: 0
 * done, 2 bad arguments (the message names the option), 1 anything else.
 */
import { readFileSync, statSync } from 'node:fs';
import { loadConfig } from '../server/config.ts';
import { connect } from '../server/db/connect.ts';
import { ProblemError } from '../server/http/problem.ts';
import { parseSource } from '../server/import/options.ts';
import { ingest } from '../server/ingest/index.ts';
import { ingestInput, isDay } from '../server/ingest/input.ts';
import type { IngestInput, IngestResult } from '../server/ingest/types.ts';
import { migrateAndSeed, prepareServer } from '../server/prepare.ts';
import { parseCommandLine, runMain, UsageError } from './lib/run-main.ts';

const log = (m: string) => process.stderr.write(`ingest: ${m}\n`);

export const USAGE = `usage: npm run ingest -- <article.txt|article.html> --source "title, URL" [--published YYYY-MM-DD] [--lang vi|en] [--publisher NAME] [--json]

  <file>        the article: plain text, or HTML (.html/.htm, or a file that starts with a tag)
  --source      "title, URL" of the article (the URL may be left out)
  --published   the day it was published: units in force that day are preferred
  --lang        vi or en (guessed from the text when left out)
  --publisher   who published it
  --json        print the JSON of POST /api/ingest instead of the table
`;

/** Largest article read (the HTTP API's BODY_LIMIT is of the same order). */
const MAX_BYTES = 5 * 1024 * 1024;

export interface IngestArgs {
  input: IngestInput;
  json: boolean;
}

export function parseArgs(argv: readonly string[]): IngestArgs {
  const files: string[] = [];
  const opts: Record<string, string> = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') {
      json = true;
      continue;
    }
    if (!a.startsWith('--')) {
      files.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const key = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (!['source', 'published', 'lang', 'publisher'].includes(key))
      throw new UsageError(`unknown option --${key}`);
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${key} needs a value`);
    if (key in opts) throw new UsageError(`--${key} given twice`);
    opts[key] = value;
  }
  if (files.length !== 1)
    throw new UsageError(
      files.length ? `one article at a time; got ${files.length}` : 'name the article file',
    );
  const file = files[0]!;
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new UsageError(`cannot read the article "${file}"`);
  }
  if (size > MAX_BYTES) throw new UsageError(`the article "${file}" is larger than ${MAX_BYTES} bytes`);
  const content = readFileSync(file, 'utf8');
  if (opts.source === undefined) throw new UsageError('--source "title, URL" is needed');
  let source: { title: string; url: string | null };
  try {
    source = parseSource(opts.source);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  if (opts.published !== undefined && !isDay(opts.published))
    throw new UsageError(`--published must be a day YYYY-MM-DD; got "${opts.published}"`);
  if (opts.lang !== undefined && opts.lang !== 'vi' && opts.lang !== 'en')
    throw new UsageError(`--lang must be vi or en; got "${opts.lang}"`);
  const html = /\.html?$/i.test(file) || /^\s*<(?:!doctype|html|body|div|p|article|head)\b/i.test(content);
  try {
    const input = ingestInput({
      [html ? 'html' : 'text']: content,
      source: { ...source, publisher: opts.publisher ?? null },
      published: opts.published ?? null,
      lang: opts.lang,
    });
    return { input, json };
  } catch (e) {
    if (e instanceof ProblemError) {
      const p = String(e.extra.parameter ?? '');
      const option = p === 'text' || p === 'html' ? 'the article' : `--${p.replace(/^source\./, 'source ')}`;
      throw new UsageError(`${option}: ${e.message}`);
    }
    throw e;
  }
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The result as tables a person reads: places, figures, candidates. */
export function formatTable(r: IngestResult): string {
  const lines: string[] = [];
  const a = r.article;
  lines.push(
    `${a.title}${a.url ? ` <${a.url}>` : ''} · ${a.lang} · ${a.published ?? 'date unknown'} · ${a.text.length} characters`,
  );
  lines.push('', `places (${r.places.length})`);
  for (const p of r.places) {
    const what = p.unit
      ? `${p.unit.kind} ${p.unit.name} (${p.unit.code ?? p.unit.slug}, ${p.unit.era}${p.unit.province ? `, ${p.unit.province.name}` : ''})${p.unit.era === '2025' ? '' : ` → ${p.unit.successors.map((s) => s.name).join(', ') || p.current.join(', ')}`}`
      : p.road
        ? `road ${p.road.ref}${p.road.part_of ? ` (part of ${p.road.part_of})` : ''}${p.road.slug ? ` = ${p.road.slug}` : ''}`
        : p.gate
          ? `border gate ${p.gate.name}`
          : `${p.kind.replace('_', ' ')} (not in the atlas)`;
    lines.push(`  ${p.id.padEnd(4)} ${cut(p.text, 34).padEnd(34)} ${what}  ×${p.ranges.length} ${p.score}`);
  }
  lines.push('', `figures (${r.figures.length})`);
  for (const f of r.figures) {
    const when = f.period ? `${f.period[0]}–${f.period[1]}` : (f.year ?? '');
    lines.push(
      `  ${f.id.padEnd(4)} ${cut(f.text, 34).padEnd(34)} ${String(f.value).padStart(10)} ${f.unit.padEnd(12)} ${f.qualifier.padEnd(7)} ${String(when).padEnd(10)} ${f.measures.padEnd(11)} ${f.of ?? ''}`,
    );
  }
  lines.push('', `candidates (${r.candidates.length})`);
  for (const c of r.candidates) {
    if (c.type === 'feature') {
      const p = c.properties;
      const money =
        p.investment_bn_vnd === null
          ? ''
          : ` ${p.investment_qualifier === 'exact' ? '' : `${p.investment_qualifier} `}${p.investment_bn_vnd} bn VND`;
      lines.push(
        `  ${c.id.padEnd(4)} ${String(p.category).padEnd(16)} ${cut(String(p.name), 40)}${money} · ${p.status ?? 'status ?'} · ${p.commune ?? 'no unit'} · ${c.location.geometry ? `${c.location.precision} ±${c.location.uncertainty_m} m, ${c.location.how}` : c.location.how} [${c.figures.join(' ')}]`,
      );
    } else {
      const when = c.period_start !== null ? `${c.period_start}–${c.period_end}` : (c.year ?? '');
      lines.push(
        `  ${c.id.padEnd(4)} indicator        ${c.indicator} of ${c.unit} = ${c.qualifier === 'exact' ? '' : `${c.qualifier} `}${c.value} ${when}${c.programme ? ` (${c.programme})` : ''} [${c.figures.join(' ')}]`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function main(argv: readonly string[]): Promise<number> {
  const cli = parseCommandLine(argv, USAGE, parseArgs, log);
  if ('exit' in cli) return cli.exit;
  const { args } = cli;
  const config = loadConfig();
  const url = config.DATABASE_URL || (await prepareServer(config, log)).url;
  await migrateAndSeed(url, log);
  const database = connect(url, { max: 2 });
  try {
    const result = await ingest(database.db, args.input);
    process.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : formatTable(result));
    log(
      `${result.places.length} places, ${result.figures.length} figures, ${result.candidates.length} candidates`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

runMain(import.meta.url, main, log);
