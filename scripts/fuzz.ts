/**
 * npm run fuzz: property-based requests over every parameter of every
 * operation in the app's OpenAPI document, plus raw malformed requests on a
 * socket (scripts/lib/fuzz.ts). Prints counts by status and every failure
 * with the request that caused it; exit 1 on any failure.
 *
 *   npm run fuzz                                  # starts the app on the seeded database, 10,000 requests
 *   npm run fuzz -- --runs 2000 --seed 15 --url http://127.0.0.1:3000
 *
 * A failure: a status ≥ 500, no answer, or a 4xx that is not
 * application/problem+json with a JSON body. The same seed sends the same
 * requests (a different seed each run unless given; it is printed).
 */
import { parseArgs } from 'node:util';
import { runFuzz } from './lib/fuzz.ts';
import { type ServerProcess, startServer } from './lib/server-process.ts';

const USAGE = 'usage: npm run fuzz -- [--url URL] [--runs 10000] [--seed S] [--concurrency 8] [--json]';
const { values: v } = parseArgs({
  options: {
    url: { type: 'string' },
    runs: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (v.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const runs = Number(v.runs);
const seed = v.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(v.seed);
const concurrency = Number(v.concurrency);
if (![runs, seed, concurrency].every((x) => Number.isInteger(x) && x >= 0) || concurrency < 1) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
/** Each failure once, with how many times the same request failed the same way. */
function distinct(
  fs: { request: string; reason: string }[],
): [{ request: string; reason: string }, number][] {
  const seen = new Map<string, [{ request: string; reason: string }, number]>();
  for (const f of fs) {
    const k = `${f.request}\n${f.reason}`;
    const e = seen.get(k);
    if (e) e[1]++;
    else seen.set(k, [f, 1]);
  }
  return [...seen.values()];
}
const log = (m: string) => process.stderr.write(`${m}\n`);

let server: ServerProcess | undefined;
try {
  let base = v.url?.replace(/\/$/, '');
  if (!base) {
    log('starting the app on the seeded database (as npm start prepares it)…');
    server = await startServer();
    base = server.base;
  }
  log(`fuzzing ${base}: ${runs} requests, seed ${seed}, ${concurrency} at a time`);
  const started = performance.now();
  const r = await runFuzz({ base, runs, seed, concurrency, onProgress: (n) => log(`  ${n} sent`) });
  const seconds = (performance.now() - started) / 1000;
  if (server && !server.alive())
    r.failures.push({ request: '(the whole run)', reason: 'the server process died' });
  if (v.json) process.stdout.write(`${JSON.stringify({ ...r, seconds }, null, 2)}\n`);
  else {
    const counts = Object.entries(r.counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ');
    const out = [
      `${r.runs} requests over ${r.operations} operations in ${seconds.toFixed(1)} s (seed ${seed})`,
      `by status: ${counts}`,
      `failures: ${r.failures.length}`,
      ...distinct(r.failures).map(
        ([f, n]) => `  ✗ ${n > 1 ? `(×${n}) ` : ''}${f.request}\n      → ${f.reason}`,
      ),
      r.failures.length ? `reproduce: npm run fuzz -- --runs ${runs} --seed ${seed}` : '',
    ];
    process.stdout.write(`${out.filter(Boolean).join('\n')}\n`);
  }
  process.exitCode = r.failures.length ? 1 : 0;
} catch (e) {
  log(`fuzz: ${(e as Error).stack ?? e}`);
  process.exitCode = 1;
} finally {
  await server?.stop();
}
