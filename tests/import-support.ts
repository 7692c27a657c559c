/**
 * Plumbing for the import tests: a seeded database made once per test file
 * and cloned (CREATE DATABASE … TEMPLATE, well under a second) for each test
 * that writes, so no test sees another's imports; fixture paths; a temp dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { seed } from '../seeds/index.ts';
import { connect, type Database } from '../server/db/connect.ts';
import { dropDatabase } from '../server/db/postgis.ts';
import { scratchDatabase } from './helpers.ts';

export const fixture = (name: string) =>
  path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'import', name);

export const SOURCE =
  'Test fixtures drawn around the seats of data/units.json, https://example.org/border-atlas-fixtures';

export interface Clone {
  database: Database;
  url: string;
  drop(): Promise<void>;
}

export interface Template {
  clone(): Promise<Clone>;
  drop(): Promise<void>;
}

/** A migrated, seeded database that tests copy instead of seeding again. */
export async function seededTemplate(): Promise<Template> {
  const scratch = await scratchDatabase();
  await seed(scratch.database.db);
  await scratch.database.close();
  const name = new URL(scratch.url).pathname.slice(1);
  let count = 0;
  return {
    async clone() {
      const copy = `${name}_c${count++}`;
      const admin = new pg.Client({ connectionString: inject('adminUrl') });
      await admin.connect();
      try {
        // Database names are ours (scratchDatabase's pattern), never input.
        await admin.query(`CREATE DATABASE ${copy} TEMPLATE ${name}`);
      } finally {
        await admin.end();
      }
      const u = new URL(scratch.url);
      u.pathname = `/${copy}`;
      const database = connect(u.toString(), { max: 3 });
      return {
        database,
        url: u.toString(),
        drop: async () => {
          await database.close();
          await dropDatabase(inject('adminUrl'), copy);
        },
      };
    },
    drop: () => scratch.drop(),
  };
}

export async function dataVersion(database: Database): Promise<number> {
  const { rows } = await sql<{ version: number }>`SELECT version FROM data_version`.execute(database.db);
  return rows[0]!.version;
}

/** A temporary directory, removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'border-atlas-import-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
