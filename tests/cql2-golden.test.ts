/**
 * CQL2 compilation against golden files: each tests/fixtures/cql2/*.txt
 * holds a filter (with its layer, language and CRS) and what it compiles to
 * (SQL and parameters) or the 400 it gives. Edit or add a case by writing
 * its header and filter, then regenerate the answers and read the diff:
 *
 *   REGEN=1 npx vitest run tests/cql2-golden.test.ts
 *
 * No database: the SQL is what Kysely's PostgreSQL compiler writes.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import { cql2Where, type FilterLang } from '../server/features/cql2/index.ts';
import { cql2Context } from '../server/features/queryables.ts';
import { ProblemError } from '../server/http/problem.ts';
import { getLayer } from '../server/layers/index.ts';

const dir = path.join(import.meta.dirname, 'fixtures', 'cql2');
const regen = process.env.REGEN === '1';

const compiler = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

interface Case {
  layer: string;
  lang: FilterLang;
  srid: 4326 | 3857;
  filter: string;
  /** Everything from the first `--- ` line on, as stored. */
  answer: string;
}

/** `# key: value` header lines, then the filter, then `--- sql` / `--- parameters` or `--- error`. */
function read(file: string): Case {
  const text = readFileSync(path.join(dir, file), 'utf8');
  const lines = text.split('\n');
  const header: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length && lines[i]!.startsWith('#'); i++) {
    const m = /^#\s*([\w-]+):\s*(.*)$/.exec(lines[i]!);
    if (m) header[m[1]!] = m[2]!.trim();
  }
  const end = lines.findIndex((l, j) => j >= i && l.startsWith('--- '));
  const filter = lines
    .slice(i, end === -1 ? undefined : end)
    .join('\n')
    .trim();
  return {
    layer: header.layer ?? 'projects',
    lang: header.lang === 'cql2-json' ? 'cql2-json' : 'cql2-text',
    srid: header['filter-crs'] === '3857' ? 3857 : 4326,
    filter,
    answer: end === -1 ? '' : `${lines.slice(end).join('\n').trim()}\n`,
  };
}

function compile(c: Case): string {
  const layer = getLayer(c.layer);
  if (!layer) throw new Error(`no layer ${c.layer}`);
  try {
    const q = cql2Where(c.filter, cql2Context(layer, c.srid), c.lang).compile(compiler);
    return `--- sql\n${q.sql}\n--- parameters\n${JSON.stringify(q.parameters, null, 1).replace(/\n\s*/g, ' ')}\n`;
  } catch (e) {
    if (!(e instanceof ProblemError)) throw e;
    return `--- error\n${e.status} ${String(e.extra.parameter)}: ${e.message}\n`;
  }
}

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .sort();

describe('CQL2 golden files', () => {
  it('has cases, in text and JSON', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(files.some((f) => read(f).lang === 'cql2-json')).toBe(true);
  });

  for (const file of files) {
    it(file, () => {
      const c = read(file);
      const got = compile(c);
      if (regen && got !== c.answer) {
        const original = readFileSync(path.join(dir, file), 'utf8');
        const cut = original.search(/^--- /m);
        writeFileSync(
          path.join(dir, file),
          `${(cut === -1 ? original : original.slice(0, cut)).trimEnd()}\n${got}`,
        );
        return;
      }
      expect(got).toBe(c.answer);
    });
  }
});

describe('CQL2 JSON and CQL2 text compile to the same SQL', () => {
  const pairs = new Map<string, Case[]>();
  for (const f of files) {
    const m = /^(.*)\.(text|json)\.txt$/.exec(f);
    if (m) pairs.set(m[1]!, [...(pairs.get(m[1]!) ?? []), read(f)]);
  }
  for (const [name, cases] of pairs) {
    if (cases.length !== 2) continue;
    it(name, () => {
      expect(compile(cases[0]!)).toBe(compile(cases[1]!));
    });
  }
});
