// npm run bench: every `bench:*` script of package.json, one after the other,
// except bench:data (each benchmark makes sure its data exists). Read from
// package.json at run time, so a new benchmark is included by adding its
// script. Exits non-zero if any benchmark failed, after running them all.
//
//   npm run bench
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const names = Object.keys(pkg.scripts)
  .filter((n) => n.startsWith('bench:') && n !== 'bench:data')
  .sort();

const failed = [];
for (const name of names) {
  process.stdout.write(`\n=== npm run ${name}\n`);
  const r = spawnSync('npm', ['run', '--silent', name], { stdio: 'inherit' });
  if (r.status !== 0) failed.push(name);
}
if (failed.length) {
  process.stderr.write(`\nfailed: ${failed.join(', ')}\n`);
  process.exit(1);
}
