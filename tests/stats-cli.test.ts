import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../server/prepare.ts';
import { useApp } from './helpers.ts';

const app = useApp();

/**
 * `npm run stats -- …` as a script runs it, against this run's database.
 * Asynchronous, so the test's own HTTP connections stay serviced meanwhile.
 */
function stats(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(projectRoot, 'scripts', 'stats.ts'), ...args],
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

async function http(pathAndQuery: string, accept = 'application/json'): Promise<string> {
  const res = await fetch(`${app.base}${pathAndQuery}`, { headers: { Accept: accept } });
  expect(res.status).toBe(200);
  return res.text();
}

describe('npm run stats', () => {
  it('near-border gives the same GeoJSON as the HTTP API', async () => {
    const cli = await stats(
      'near-border',
      '--km',
      '25',
      '--layers',
      'projects,border-gates',
      '--neighbour',
      'LAO',
    );
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(
      JSON.parse(await http('/api/analysis/near-border?km=25&layers=projects,border-gates&neighbour=LAO')),
    );
    expect(cli.stderr).toMatch(/near-border: \d+ rows in/);
  });

  it('gives the same CSV as the HTTP API (without the BOM), with --format csv or --format=csv', async () => {
    const web = (await http('/api/stats/investment?by=category&from=2021', 'text/csv')).replace(
      /^\uFEFF/,
      '',
    );
    for (const args of [['--format', 'csv'], ['--format=csv']]) {
      const cli = await stats('investment', '--by', 'category', '--from', '2021', ...args);
      expect(cli.code, cli.stderr).toBe(0);
      expect(cli.stdout).toBe(web);
    }
  });

  it('takes option names with - for _ and a unit code as an argument', async () => {
    const bands = await stats('investment', '--within-km', '12');
    expect(JSON.parse(bands.stdout)).toEqual(JSON.parse(await http('/api/stats/investment?within_km=12')));
    const ind = await stats('indicators', '02701');
    expect(ind.code, ind.stderr).toBe(0);
    expect(JSON.parse(ind.stdout)).toEqual(JSON.parse(await http('/api/units/02701/indicators')));
  });

  it('runs every report', async () => {
    for (const [name, query] of [
      ['distance-bands', '/api/stats/distance-bands?by=province'],
      ['border-length', '/api/stats/border-length'],
      ['accessibility', '/api/stats/accessibility'],
    ] as const) {
      const cli = await stats(name, ...(name === 'distance-bands' ? ['--by', 'province'] : []));
      expect(cli.code, cli.stderr).toBe(0);
      expect(JSON.parse(cli.stdout)).toEqual(JSON.parse(await http(query)));
    }
  });

  for (const [args, message] of [
    [['near-border', '--km', '-5'], /--km must be a number of kilometres from 0 to 1000; got "-5"/],
    [['near-border', '--km', 'ten'], /--km must be/],
    [['distance-bands', '--bands', '0,20,5'], /--bands must be/],
    [['investment', '--from', '2025', '--to', '2020'], /--to must be a year no earlier than from/],
    [['near-border', '--neighbour', 'THA'], /--neighbour must be one of CHN, LAO, KHM/],
    [['near-border', '--kmz', '5'], /--kmz must be one of the known parameters/],
    [['near-border', '--km'], /--km needs a value/],
    [['nearby'], /unknown report "nearby"/],
    [['near-border', '--format', 'xml'], /--format must be json or csv/],
  ] as const) {
    it.concurrent(`exits 2 with a clear message for ${args.join(' ')}`, async () => {
      const cli = await stats(...args);
      expect(cli.code).toBe(2);
      expect(cli.stderr).toMatch(message);
      expect(cli.stdout).toBe('');
    });
  }

  it('exits 1 for a unit that does not exist, 0 with usage for --help', async () => {
    const missing = await stats('indicators', '99999');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no administrative unit with code or slug "99999"/);
    const help = await stats('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/near-border[\s\S]*accessibility[\s\S]*indicators/);
  });
});
