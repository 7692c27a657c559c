/**
 * The import's progress on stderr: a bar when the size is known, otherwise
 * counts and rate. Silent for the first second, so small files print
 * nothing; on a terminal it redraws one line, elsewhere (CI, a log) it
 * prints a line every few seconds.
 *
 *   reading  [##########..........]  48%  12,500 records  2,310/s  38.2 MB
 */
import type { ImportProgress } from '../../server/import/index.ts';

const fmt = new Intl.NumberFormat('en-US');

export function progressBar(out: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  const tty = out.isTTY === true;
  let last = 0;
  let drawn = false;
  return (p: ImportProgress) => {
    const now = Date.now();
    const elapsed = (now - started) / 1000;
    if (p.phase === 'done') {
      if (drawn && tty) out.write('\n');
      return;
    }
    if (elapsed < 1 || now - last < (tty ? 100 : 5000)) return;
    last = now;
    drawn = true;
    const rate = p.records / elapsed;
    let bar = '';
    if (p.totalBytes && p.phase === 'reading') {
      const f = Math.min(1, p.bytes / p.totalBytes);
      const w = 20;
      bar = ` [${'#'.repeat(Math.round(f * w))}${'.'.repeat(w - Math.round(f * w))}] ${String(Math.floor(f * 100)).padStart(3)}%`;
    }
    const mb = p.bytes ? `  ${(p.bytes / 1e6).toFixed(1)} MB` : '';
    const line = `${p.phase.padEnd(8)}${bar}  ${fmt.format(p.records)} records  ${fmt.format(Math.round(rate))}/s${mb}  ${elapsed.toFixed(0)} s`;
    out.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
  };
}
