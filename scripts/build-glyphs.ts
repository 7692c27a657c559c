/**
 * npm run build:glyphs — writes dist/fonts/<fontstack>/<range>.pbf.
 * With --if-stale (as npm start runs it) nothing is done when the files are
 * newer than the builder's sources.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildGlyphs, FONTSTACK } from '../server/fonts/build.ts';
import { projectRoot } from '../server/prepare.ts';

const out = path.join(projectRoot, 'dist', 'fonts');
const marker = path.join(out, FONTSTACK, '0-255.pbf');
const srcDir = path.join(projectRoot, 'server', 'fonts');
const newestSource = Math.max(...readdirSync(srcDir).map((f) => statSync(path.join(srcDir, f)).mtimeMs));
if (process.argv.includes('--if-stale') && existsSync(marker) && statSync(marker).mtimeMs > newestSource) {
  process.exit(0);
}
const t = performance.now();
process.stderr.write('building label glyphs (Noto Sans)…\n');
const r = buildGlyphs(out);
process.stderr.write(
  `glyphs: ${r.glyphs} in ${r.ranges} ranges, ${((performance.now() - t) / 1000).toFixed(1)} s\n`,
);
