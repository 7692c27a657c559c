/**
 * npm run load: the mixed load of issue 15 (scripts/lib/scenario.ts: warm
 * tiles, a page of every collection, near-border at 1/10/50 km, the
 * statistics, search) from autocannon, with the latency of each kind of
 * request in its own HDR histogram, and errors by status.
 *
 *   npm run load                                   # starts the app on the seeded database, 64 connections, 60 s
 *   npm run load -- --url http://127.0.0.1:3000 --connections 256 --duration 30
 *   npm run load -- --kinds warm-tile,items,search --json
 *
 * Without --url the app runs in a child process prepared as `npm start`
 * prepares it (scripts/lib/serve.ts; DATABASE_URL / DATABASE_NAME apply).
 * Requests go round the kinds in turn, so each kind gets about the same
 * number of requests offered; a slow kind holds its connection longer.
 * Exit status: 0, or 1 if any request got a status ≥ 500 or failed.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import * as hdr from 'hdr-histogram-js';
import { mixedScenario, selectKinds, warmUp } from './lib/scenario.ts';
import { type ServerProcess, startServer } from './lib/server-process.ts';

const USAGE = `usage: npm run load -- [--url URL] [--connections 64] [--duration 60] [--kinds k1,k2] [--json]`;

const { values: v } = parseArgs({
  options: {
    url: { type: 'string' },
    connections: { type: 'string', default: '64' },
    duration: { type: 'string', default: '60' },
    kinds: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (v.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const connections = Number(v.connections);
const duration = Number(v.duration);
if (!Number.isInteger(connections) || connections < 1 || !(duration > 0)) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
const log = (m: string) => process.stderr.write(`${m}\n`);

export interface KindFigures {
  count: number;
  reqPerS: number;
  p50: number;
  p97_5: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
}

let server: ServerProcess | undefined;
try {
  let base = v.url?.replace(/\/$/, '');
  if (!base) {
    log('starting the app on the seeded database (as npm start prepares it)…');
    server = await startServer();
    base = server.base;
  }
  const scenario = await mixedScenario(base);
  const names = selectKinds(scenario, v.kinds);
  await warmUp(base, scenario);

  const histograms = new Map(
    names.map((k) => [k, hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000 })]),
  );
  const statuses = new Map(names.map((k) => [k, {} as Record<string, number>]));
  let n = 0;
  log(`${connections} connections for ${duration} s against ${base}; kinds: ${names.join(', ')}`);
  let finish: (r: autocannon.Result) => void = () => {};
  let fail: (e: Error) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const options: autocannon.Options = {
    url: base,
    connections,
    duration,
    timeout: 30,
    requests: [
      {
        method: 'GET',
        setupRequest: (req, context) => {
          const k = n++;
          const kind = names[k % names.length]!;
          (context as { kind?: string }).kind = kind;
          return { ...req, path: scenario.kinds[kind]!(Math.floor(k / names.length)) };
        },
      },
    ],
  };
  const instance = autocannon(options, (err, r) => (err ? fail(err) : finish(r)));
  // With one request in flight per connection, the client's context is the answered request's.
  instance.on('response', (client, status, _bytes, ms) => {
    const kind = (client as unknown as { requestIterator: { context: { kind: string } } }).requestIterator
      .context.kind;
    histograms.get(kind)?.recordValue(Math.max(1, Math.round(ms)));
    const s = statuses.get(kind);
    if (s) s[status] = (s[status] ?? 0) + 1;
  });
  const result = await done;
  const seconds = result.duration;
  const perKind: Record<string, KindFigures> = {};
  for (const k of names) {
    const h = histograms.get(k)!;
    perKind[k] = {
      count: h.totalCount,
      reqPerS: h.totalCount / seconds,
      p50: h.getValueAtPercentile(50),
      p97_5: h.getValueAtPercentile(97.5),
      p99: h.getValueAtPercentile(99),
      max: h.maxValue,
      statuses: statuses.get(k)!,
    };
  }
  const all = Object.values(perKind).reduce((s, f) => s + f.count, 0);
  const failed = Object.values(perKind).reduce(
    (s, f) => s + Object.entries(f.statuses).reduce((t, [st, c]) => t + (Number(st) >= 500 ? c : 0), 0),
    0,
  );
  const summary = {
    url: v.url ?? '(own server)',
    connections,
    durationS: seconds,
    requests: all,
    reqPerS: all / seconds,
    latency: {
      p50: result.latency.p50,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    connectionErrors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    kinds: perKind,
  };
  if (v.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    const f = (x: number) => x.toFixed(0).padStart(7);
    const lines = [
      `${all} requests in ${seconds.toFixed(1)} s: ${(all / seconds).toFixed(0)} req/s, ${connections} connections`,
      `all kinds: p50 ${result.latency.p50} ms, p97.5 ${result.latency.p97_5} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; connection errors ${result.errors}, timeouts ${result.timeouts}`,
      '',
      `${'kind'.padEnd(26)}  count   req/s     p50   p97.5     p99     max  (ms)  statuses`,
      ...names.map((k) => {
        const x = perKind[k]!;
        const st = Object.entries(x.statuses)
          .map(([s, c]) => `${s}×${c}`)
          .join(' ');
        return `${k.padEnd(26)}${f(x.count)} ${x.reqPerS.toFixed(1).padStart(7)} ${f(x.p50)} ${f(x.p97_5)} ${f(x.p99)} ${f(x.max)}        ${st}`;
      }),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  process.exitCode = failed > 0 || result.errors > 0 || result.timeouts > 0 ? 1 : 0;
} catch (e) {
  log(`load: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await server?.stop();
}
