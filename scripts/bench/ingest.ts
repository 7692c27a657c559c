/**
 * npm run bench:ingest — how good article ingestion is (issue 12 §4): every
 * article of a folder through `ingest()` (server/ingest/index.ts), its
 * places and figures compared with what data/ holds for that article.
 *
 *   npm run bench:ingest -- SEEDS                    # the folder of the seed articles (not in the project), truth from data/
 *   npm run bench:ingest                             # the held-out articles (scripts/bench/ingest-articles)
 *   npm run bench:ingest -- SEEDS --own              # both, reported apart
 *   npm run bench:ingest -- DIR --json               # the scores as JSON, for scripts
 *   BENCH_DATABASE_URL=postgres://… npm run bench:ingest   # an already seeded database, kept
 *
 * A file of the folder is known by the sha256 of its normalised text
 * (scripts/bench/ingest-sources.json: hash → source id of data/sources.json,
 * no article text) or by a `<name>.truth.json` beside it; any other file is
 * reported and skipped. Scoring, truth and targets: scripts/bench/ingest-score.ts
 * and docs/benchmarks.md#article-ingestion. Speed: ms per article (median of
 * --repeat runs) against, in the same run, a plain pass over the same file
 * (read it, normalise it, find its numbers and capitalised names by regex).
 * Without BENCH_DATABASE_URL a database `ingbench_<pid>` is created, migrated,
 * seeded (data/, as the tests do) and dropped at the end.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Kysely } from 'kysely';
import { seed } from '../../seeds/index.ts';
import { readData, type SeedData } from '../../seeds/read.ts';
import { loadConfig } from '../../server/config.ts';
import { connect } from '../../server/db/connect.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import { dropDatabase, ensureDatabase } from '../../server/db/postgis.ts';
import type { DB } from '../../server/db/types.ts';
import { postgisServer, projectRoot } from '../../server/prepare.ts';
import { parseCommandLine, runMain, UsageError } from '../lib/run-main.ts';
import {
  type ArticleScore,
  dataUnitIndex,
  normaliseText,
  type ResultLike,
  ratio,
  scoreArticle,
  sourceMap,
  sourceOf,
  type Truth,
  targets,
  total,
  truthFile,
  truthFromData,
  truthFromFile,
  type UnitIndex,
} from './ingest-score.ts';

const OWN_DIR = path.join(projectRoot, 'scripts', 'bench', 'ingest-articles');
const SOURCES_FILE = path.join(projectRoot, 'scripts', 'bench', 'ingest-sources.json');
const ARTICLE = /\.(txt|html?)$/i;

const usage = `usage: npm run bench:ingest -- [FOLDER] [--own] [--json] [--repeat N] [--ingest MODULE]

  FOLDER          articles to score (.txt, .html): known by their hash (scripts/bench/ingest-sources.json,
                  truth from data/) or by a <name>.truth.json beside them; without it, the held-out articles
  --own           the held-out articles of scripts/bench/ingest-articles as well, reported apart
  --json          the scores as JSON on stdout
  --repeat N      timed runs per article (default 3; the median is reported)
  --ingest PATH   the module exporting ingest() (default server/ingest/index.ts)
`;

interface Args {
  folder: string | null;
  own: boolean;
  json: boolean;
  repeat: number;
  ingest: string;
}

function parse(argv: readonly string[]): Args {
  const args: Args = {
    folder: null,
    own: false,
    json: false,
    repeat: 3,
    ingest: path.join(projectRoot, 'server', 'ingest', 'index.ts'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--own') args.own = true;
    else if (a === '--json') args.json = true;
    else if (a === '--repeat' || a === '--ingest') {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      if (a === '--ingest') args.ingest = path.resolve(v);
      else {
        args.repeat = Number(v);
        if (!Number.isInteger(args.repeat) || args.repeat < 1)
          throw new UsageError(`--repeat must be a whole number ≥ 1; got "${v}"`);
      }
    } else if (a.startsWith('-')) throw new UsageError(`unknown option "${a}"`);
    else if (args.folder) throw new UsageError(`unexpected argument "${a}"`);
    else args.folder = path.resolve(a);
  }
  if (args.folder && !(existsSync(args.folder) && statSync(args.folder).isDirectory()))
    throw new UsageError(`${args.folder} is not a folder`);
  if (!args.folder) args.own = true;
  return args;
}

// contract: /work/wt/ingest-contract.md — ingest(db, input) → IngestResult.
type IngestFn = (
  db: Kysely<DB>,
  input: {
    text?: string;
    html?: string;
    source: { title: string; url: string | null; publisher?: string | null };
    published?: string | null;
    lang?: 'vi' | 'en';
  },
) => Promise<ResultLike>;

interface Article {
  file: string;
  /** The folder given, or the held-out articles (--own). */
  group: 'folder' | 'held-out';
  /** The source id (data/) or the truth file's name. */
  name: string;
  input: Omit<Parameters<IngestFn>[1], 'text' | 'html'>;
  truth: Truth;
}

/** The articles of a folder with their truth; unknown files are returned apart. */
function articlesOf(
  folder: string,
  group: Article['group'],
  data: SeedData,
  index: UnitIndex,
  mapping: Record<string, string>,
): { articles: Article[]; unknown: string[] } {
  const articles: Article[] = [];
  const unknown: string[] = [];
  for (const name of readdirSync(folder).sort()) {
    if (!ARTICLE.test(name)) continue;
    const file = path.join(folder, name);
    const source = sourceOf(readFileSync(file, 'utf8'), mapping);
    const truthPath = file.replace(ARTICLE, '.truth.json');
    if (source) {
      const s = data.sources.find((x) => x.id === source);
      if (!s) throw new Error(`${SOURCES_FILE} maps ${name} to "${source}", which data/sources.json lacks`);
      articles.push({
        file,
        group,
        name: source,
        input: {
          source: { title: s.title, url: s.url ?? null, publisher: s.publisher ?? null },
          published: null,
          lang: s.language === 'vi' ? 'vi' : 'en',
        },
        truth: truthFromData(data, source, index),
      });
    } else if (existsSync(truthPath)) {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(truthPath, 'utf8'));
      } catch (e) {
        throw new Error(`${truthPath}: ${(e as Error).message}`);
      }
      const checked = truthFile.safeParse(json);
      if (!checked.success)
        throw new Error(
          `${truthPath}: ${checked.error.issues[0]!.path.join('.')}: ${checked.error.issues[0]!.message}`,
        );
      const t = checked.data;
      articles.push({
        file,
        group,
        name: path.basename(truthPath, '.truth.json'),
        input: {
          source: { title: t.title, url: t.url ?? null, publisher: null },
          published: t.published ?? null,
          lang: t.lang,
        },
        truth: truthFromFile(t, index),
      });
    } else unknown.push(file);
  }
  return { articles, unknown };
}

/** The baseline: a plain pass over the file, no gazetteer, no database. */
function plainPass(file: string): number {
  const text = normaliseText(readFileSync(file, 'utf8'));
  const numbers = text.match(/\d[\d.,]*\s*(%|ha|km|m2|m²|tỷ|billion|trillion|[a-zA-Zà-ỹ]+)?/giu) ?? [];
  const names = text.match(/\p{Lu}[\p{Ll}\p{M}]*(\s+\p{Lu}[\p{Ll}\p{M}]*)*/gu) ?? [];
  return numbers.length + names.length;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Row {
  article: Article;
  score: ArticleScore;
  ms: number;
  baselineMs: number;
  /** ingest() threw: the article is scored as if nothing was extracted. */
  error?: string;
}

async function time(n: number, f: () => unknown): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

async function run(
  db: Kysely<DB>,
  ingest: IngestFn,
  a: Article,
  index: UnitIndex,
  repeat: number,
): Promise<Row> {
  const raw = readFileSync(a.file, 'utf8');
  const input = { ...a.input, ...(/\.html?$/i.test(a.file) ? { html: raw } : { text: raw }) };
  let result: ResultLike;
  try {
    result = await ingest(db, input); // also warms the caches and plans up
  } catch (e) {
    const nothing = { places: [], figures: [], candidates: [] };
    const error = e instanceof Error ? e.message : String(e);
    return {
      article: a,
      score: scoreArticle(nothing, a.truth, index),
      ms: Number.NaN,
      baselineMs: Number.NaN,
      error,
    };
  }
  const score = scoreArticle(result, a.truth, index);
  const ms = await time(repeat, () => ingest(db, input));
  // The pass takes microseconds: time 200 of them per run and divide.
  const baselineMs =
    (await time(repeat, () => {
      for (let i = 0; i < 200; i++) plainPass(a.file);
    })) / 200;
  return { article: a, score, ms, baselineMs };
}

const pc = (r: { right: number; of: number }) => {
  const v = ratio(r);
  return v === null ? '   n/a' : `${(100 * v).toFixed(1).padStart(5)}%`;
};
const frac = (r: { right: number; of: number }) => `${r.right}/${r.of}`.padStart(7);

const speed = (ms: number, base: number) =>
  Number.isNaN(ms)
    ? `${'failed'.padStart(9)} ${''.padStart(9)} ${''.padStart(7)}`
    : `${ms.toFixed(1).padStart(9)} ${base.toFixed(3).padStart(9)} ${(ms / base).toFixed(0).padStart(7)}`;

function table(title: string, rows: Row[], out: (line: string) => void) {
  out(`\n${title}`);
  out(
    `${'article'.padEnd(34)} ${'places'.padStart(7)} recall  prec.  ${'2025'.padStart(7)} ${'figures'.padStart(7)} recall  prec.    ms/art  plain ms   ratio`,
  );
  const line = (name: string, s: ReturnType<typeof total>, ms: number, base: number) =>
    out(
      `${name.slice(0, 34).padEnd(34)} ${frac(s.places.recall)} ${pc(s.places.recall)} ${pc(s.places.precision)} ${frac(s.places.resolved)} ${frac(s.figures.recall)} ${pc(s.figures.recall)} ${pc(s.figures.precision)} ${speed(ms, base)}`,
    );
  for (const r of rows) line(r.article.name, total([r.score]), r.ms, r.baselineMs);
  const timed = rows.filter((r) => !r.error);
  const sum = (pick: (r: Row) => number) => timed.reduce((a, r) => a + pick(r), 0) / timed.length;
  const t = total(rows.map((r) => r.score));
  line(
    'overall',
    t,
    sum((r) => r.ms),
    sum((r) => r.baselineMs),
  );
  out('targets (issue 12):');
  for (const g of targets(t)) out(`  ${g.met ? 'MET   ' : 'MISSED'} ${g.name}: ${g.value}`);
}

function misses(rows: Row[], out: (line: string) => void) {
  for (const { article, score, error } of rows) {
    const s = score;
    if (error) out(`\n${article.name} (${path.basename(article.file)})\n  ingest() failed: ${error}`);
    if (error) continue;
    if (
      !s.figures.missing.length &&
      !s.figures.wrong.length &&
      !s.places.missing.length &&
      !s.places.extra.length &&
      !s.places.unresolved.length
    )
      continue;
    out(`\n${article.name} (${path.basename(article.file)})`);
    for (const p of s.places.missing) out(`  place missing   ${p.code} ${p.name} (${p.level}, ${p.slug})`);
    for (const u of s.places.unresolved)
      out(
        `  not resolved    ${u.place.code} ${u.place.name}: 2025 ${u.needs.join(', ') || 'unknown'}; among current: ${u.got.join(', ') || 'none'}`,
      );
    for (const p of s.places.extra) out(`  place extra     ${p.code} ${p.name} from "${p.text}"`);
    for (const m of s.figures.missing) {
      const t = m.truth;
      out(
        `  figure missing  ${t.value} ${t.unit} at ${t.place} (${t.current.join(', ')})  [${t.origin.join('; ')}]`,
      );
      for (const n of m.near) out(`                    near: ${n}`);
    }
    for (const w of s.figures.wrong)
      out(
        `  figure wrong    ${w.figure.id} "${w.figure.text}" = ${w.figure.value} ${w.figure.unit} at ${w.at.join(', ') || 'no place'}: ${w.why}`,
      );
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const parsed = parseCommandLine(argv, usage, parse, log);
  if ('exit' in parsed) return parsed.exit;
  const args = parsed.args;

  if (!existsSync(args.ingest))
    throw new Error(
      `${args.ingest} does not exist (ingestion not merged yet?); --ingest names another checkout's`,
    );
  const { ingest } = (await import(pathToFileURL(args.ingest).href)) as { ingest: IngestFn };
  if (typeof ingest !== 'function') throw new Error(`${args.ingest} exports no ingest()`);

  const data = readData(path.join(projectRoot, 'data'));
  const index = dataUnitIndex(data);
  const mapping = sourceMap.parse(JSON.parse(readFileSync(SOURCES_FILE, 'utf8')));
  const groups: { title: string; articles: Article[] }[] = [];
  const unknown: string[] = [];
  if (args.folder) {
    const got = articlesOf(args.folder, 'folder', data, index, mapping);
    groups.push({ title: `articles of ${args.folder}`, articles: got.articles });
    unknown.push(...got.unknown);
  }
  if (args.own) {
    const got = articlesOf(OWN_DIR, 'held-out', data, index, mapping);
    groups.push({
      title: `held-out articles (${path.relative(projectRoot, OWN_DIR)})`,
      articles: got.articles,
    });
    unknown.push(...got.unknown);
  }
  for (const f of unknown)
    log(`skipped ${f}: not in ${path.basename(SOURCES_FILE)} and no .truth.json beside it`);

  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  let url = process.env.BENCH_DATABASE_URL;
  let drop: (() => Promise<void>) | undefined;
  if (!url) {
    const located = await postgisServer(config, log);
    const name = `ingbench_${process.pid}`;
    url = await ensureDatabase(located.adminUrl, name);
    drop = () => dropDatabase(located.adminUrl, name);
  }
  const database = connect(url, { max: 4 });
  const reports: { title: string; rows: Row[] }[] = [];
  try {
    if (drop) {
      log('migrating and seeding a database of its own (data/, the gazetteer: ~14,000 units)...');
      await migrateToLatest(database.db);
      await seed(database.db);
    }
    for (const g of groups) {
      const rows: Row[] = [];
      for (const a of g.articles) {
        log(`ingesting ${path.basename(a.file)}...`);
        rows.push(await run(database.db, ingest, a, index, args.repeat));
      }
      reports.push({ title: g.title, rows });
    }
  } finally {
    await database.close();
    await drop?.();
  }

  // An article ingest() failed on is scored as empty and listed; the run then exits 1.
  const failed = reports.flatMap((r) => r.rows).filter((r) => r.error).length;
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          groups: reports.map(({ title, rows }) => ({
            title,
            articles: rows.map((r) => ({
              name: r.article.name,
              file: path.basename(r.article.file),
              group: r.article.group,
              ...r.score,
              ms: r.ms,
              baseline_ms: r.baselineMs,
            })),
            total: total(rows.map((r) => r.score)),
            targets: targets(total(rows.map((r) => r.score))),
          })),
          skipped: unknown,
        },
        null,
        2,
      )}\n`,
    );
    return failed ? 1 : 0;
  }
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`article ingestion against the truth: places by unit code, figures by value (±0.5%), unit and place`);
  out(
    'places: codes found / true codes; 2025: true communes and provinces whose 2025 units are all among `current`',
  );
  out(
    `ms/art: median of ${args.repeat} ingest() runs; plain ms: read + normalise + a regex pass over the same file`,
  );
  for (const r of reports) {
    if (!r.rows.length) {
      out(`\n${r.title}: no article`);
      continue;
    }
    table(r.title, r.rows, out);
  }
  for (const r of reports) {
    out(`\nmisses, ${r.title}:`);
    misses(r.rows, out);
  }
  return failed ? 1 : 0;
}

runMain(import.meta.url, main, (m) => process.stderr.write(`bench:ingest: ${m}\n`));
