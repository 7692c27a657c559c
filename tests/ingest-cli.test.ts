/**
 * `npm run ingest -- …` as a script runs it, against this run's database:
 * --json prints what ingest() answers, the table names the places and
 * figures, and a bad command line exits 2 naming the option.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ingest } from '../server/ingest/index.ts';
import { projectRoot } from '../server/prepare.ts';
import { runDatabase } from './helpers.ts';

const database = runDatabase();
afterAll(() => database.close());

const fixture = (name: string) => path.join(projectRoot, 'tests', 'fixtures', 'articles', name);

function run(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(projectRoot, 'scripts', 'ingest.ts'), ...args],
      {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_URL: inject('dbUrl') },
        encoding: 'utf8',
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('npm run ingest', () => {
  it('--json prints the JSON of ingest(); HTML files are read as HTML', async () => {
    const cli = await run(
      fixture('vi-dong-van-lung-cu.html'),
      '--source',
      'Lũng Cú có nhà máy nước mới, https://example.org/lung-cu',
      '--published',
      '2024-10-01',
      '--json',
    );
    expect(cli.code, cli.stderr).toBe(0);
    const { readFileSync } = await import('node:fs');
    const direct = await ingest(database.db, {
      html: readFileSync(fixture('vi-dong-van-lung-cu.html'), 'utf8'),
      source: { title: 'Lũng Cú có nhà máy nước mới', url: 'https://example.org/lung-cu', publisher: null },
      published: '2024-10-01',
    });
    expect(JSON.parse(cli.stdout)).toEqual(direct);
  });

  it('the table names every place and figure', async () => {
    const cli = await run(fixture('en-bat-xat-ban-qua.txt'), '--source', 'New market, https://example.org/m');
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/Ban Qua commune +xã Bản Qua \(02716, before-2025, Lào Cai\) → Bát Xát/);
    expect(cli.stdout).toMatch(/96 kiosks +96 kiosks/);
    expect(cli.stdout).toMatch(/market +Ban Qua market 14\.6 bn VND/);
  });

  it.each([
    [[], /name the article file/],
    [[fixture('en-bat-xat-ban-qua.txt')], /--source/],
    [[fixture('en-bat-xat-ban-qua.txt'), '--source', 'ab'], /--source/],
    [[fixture('en-bat-xat-ban-qua.txt'), '--source', 'Title', '--published', '2024-13-01'], /--published/],
    [[fixture('en-bat-xat-ban-qua.txt'), '--source', 'Title', '--lang', 'fr'], /--lang/],
    [[fixture('en-bat-xat-ban-qua.txt'), '--source', 'Title', '--colour', 'red'], /--colour/],
    [['/nonexistent/article.txt', '--source', 'Title'], /cannot read/],
  ])('exits 2 naming what is wrong: %j', async (args, message) => {
    const cli = await run(...args);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(message);
    expect(cli.stderr).toMatch(/usage: npm run ingest/);
  });
});
