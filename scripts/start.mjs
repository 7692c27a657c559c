// npm start: dependencies, client build, then the server (which finds or
// starts PostgreSQL, installs PostGIS when allowed, migrates and seeds).
import { spawnSync } from 'node:child_process';
import { bin, ensureDeps, root, runForeground } from './lib/ensure-deps.mjs';

ensureDeps();
process.stderr.write('building the web client (vite build)…\n');
const build = spawnSync(bin('vite'), ['build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  process.stderr.write('client build failed; see the output above\n');
  process.exit(build.status ?? 1);
}
const glyphs = spawnSync(bin('tsx'), ['scripts/build-glyphs.ts', '--if-stale'], {
  cwd: root,
  stdio: 'inherit',
});
if (glyphs.status !== 0) process.exit(glyphs.status ?? 1);
// `npm start -- --workers 2`: the arguments go on to the server (server/cluster.ts).
process.exit(await runForeground(bin('tsx'), ['server/main.ts', ...process.argv.slice(2)]));
