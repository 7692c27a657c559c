/**
 * An import killed with SIGKILL halfway (its process group: tsx and the
 * node process it runs the script in) leaves the database exactly as it
 * was (issue 15, item 6): `npm run import` (scripts/import.ts), killed once
 * while it reads (its progress line is out) and once while it writes into
 * the projects table (seen in pg_stat_activity); after PostgreSQL has ended
 * the orphaned session, a fingerprint of every table (row count and md5 of
 * the ordered rows, data_version included) equals the one taken before.
 * Then the same file imported to the end does change it, so the
 * fingerprint can tell.
 *
 * Neither kill point depends on the machine's speed. The progress line
 * is silent for the first second, and a fast machine read 20,000 records
 * in less (CI at b9b9f5d): the reading kill reads a file of 400,000, which
 * no machine reads in a second. The writing kill holds a SHARE lock on
 * projects, so the import's INSERT waits there until it is killed; the
 * lock is let go only after the kill.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers.ts';
import { type Clone, SOURCE, seededTemplate, type Template, tempDir } from './import-support.ts';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const ROWS = 20_000;
const MANY = 400_000;

let template: Template;
let clone: Clone;
let tmp: ReturnType<typeof tempDir>;
let file: string;
let bigFile: string;
/** A CSV of n projects: points around Mường Nhà (commune 03368), each its own project. */
function projectsCsv(name: string, n: number): string {
  const out = path.join(tmp.dir, name);
  const lines = ['id,ten,loai,ma_xa,nam_bat_dau,lon,lat'];
  for (let i = 0; i < n; i++)
    lines.push(
      `K-${i},Dự án ${i},road,03368,${2000 + (i % 30)},${(103.149 + (i % 1000) * 1e-5).toFixed(5)},${(20.96 + Math.floor(i / 1000) * 1e-5).toFixed(5)}`,
    );
  writeFileSync(out, `${lines.join('\n')}\n`);
  return out;
}
beforeAll(async () => {
  template = await seededTemplate();
  clone = await template.clone();
  tmp = tempDir();
  file = projectsCsv('projects-many.csv', ROWS);
  bigFile = projectsCsv('projects-very-many.csv', MANY);
});
afterAll(async () => {
  await clone?.drop();
  await template?.drop();
  tmp?.remove();
});

/** Every table of the public schema: name → row count and md5 of its rows in order. */
async function fingerprint(db: pg.Pool): Promise<Record<string, string>> {
  const { rows: tables } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'spatial_ref_sys'
     ORDER BY 1`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const { rows } = await db.query<{ n: number; md5: string }>(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS md5
       FROM "${name}" t`,
    );
    out[name] = `${rows[0]!.n} ${rows[0]!.md5}`;
  }
  return out;
}

/** Sessions of the clone other than the test's own (the import's, until PostgreSQL ends it). */
async function otherSessions(db: pg.Pool): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND backend_type = 'client backend'
       AND application_name <> 'border-atlas-kill-test'`,
  );
  return rows[0]!.n;
}

function startImport(input = file): {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<NodeJS.Signals | null>;
} {
  const child = spawn(
    process.execPath,
    [tsx, path.join(root, 'scripts', 'import.ts'), input, '--layer', 'projects', '--source', SOURCE],
    // Its own process group: tsx runs the script in a child process, and kill -9 of the tsx
    // process alone would leave that child importing (what happened first, and the import landed).
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: clone.url },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    err += c;
  });
  child.stdout!.resume();
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
  return { child, stderr: () => err, exited };
}

describe('npm run import killed with SIGKILL', () => {
  let db: pg.Pool;
  beforeAll(async () => {
    // Its own application_name, so that the import's session can be told apart.
    db = new pg.Pool({ connectionString: clone.url, max: 2, application_name: 'border-atlas-kill-test' });
    // (The clone's own pool, import-support's, is never used here: it opens no session.)
  });
  afterAll(async () => {
    await db?.end();
  });

  async function killWhen(
    started: (stderr: string) => Promise<boolean>,
    input = file,
    afterKill: () => Promise<void> = async () => {},
  ): Promise<void> {
    const run = startImport(input);
    const seen = await waitFor(
      async () => run.child.exitCode === null && (await started(run.stderr())),
      120_000,
    );
    expect(seen, `the import reached the point to kill it at; stderr:\n${run.stderr()}`).toBe(true);
    // The whole group, as the shell's kill -9 of the job (or the OOM killer of the importer) does.
    process.kill(-run.child.pid!, 'SIGKILL');
    expect(await run.exited).toBe('SIGKILL');
    await afterKill();
    // PostgreSQL ends the orphaned session (rolling its transaction back) once it sees the socket closed.
    expect(await waitFor(async () => (await otherSessions(db)) === 0, 60_000)).toBe(true);
  }

  it('while reading (its progress line is out): the database is as before', async () => {
    const before = await fingerprint(db);
    await killWhen(async (stderr) => /reading .*records/.test(stderr), bigFile);
    expect(await fingerprint(db)).toEqual(before);
  }, 180_000);

  it('while writing into projects: the database is as before', async () => {
    const before = await fingerprint(db);
    // Reads go on (ACCESS SHARE), but the import's INSERT INTO projects waits for this lock.
    const holder = await db.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE projects IN SHARE MODE');
      await killWhen(
        async () => {
          const { rows } = await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = current_database() AND state = 'active' AND wait_event_type = 'Lock'
               AND query ILIKE '%INSERT INTO projects%' AND application_name <> 'border-atlas-kill-test'`,
          );
          return rows[0]!.n > 0;
        },
        file,
        // The orphaned session finishes its INSERT, then finds its client gone and rolls back.
        async () => {
          await holder.query('COMMIT');
        },
      );
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      holder.release();
    }
    expect(await fingerprint(db)).toEqual(before);
  }, 180_000);

  it('run to the end, the same import changes the fingerprint (so it can tell)', async () => {
    const before = await fingerprint(db);
    const run = startImport();
    expect(await run.exited).toBe(null);
    expect(run.child.exitCode, run.stderr()).toBe(0);
    const after = await fingerprint(db);
    expect(after.projects).not.toEqual(before.projects);
    expect(after.data_version).not.toEqual(before.data_version);
  }, 300_000);
});
