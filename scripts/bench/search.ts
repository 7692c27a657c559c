/**
 * npm run bench:search — place search over the national gazetteer
 * (~14,000 units): p50/p99 of 1,000 queries through HTTP, one at a time,
 * with the answer cache off (ANSWER_CACHE_MB=0), the server in a process of
 * its own as `npm start` runs it (scripts/lib/serve.ts) and the client here
 * (node:http, one keep-alive connection, `Accept-Encoding: gzip, deflate,
 * br` as a browser sends it, timed to the answer's last byte; the client's
 * own decompression is not the service's time), against in the same run
 * the same SQL (server/search/search.ts's two queries, compiled) sent bare
 * through pg, prepared with generic plans as the server prepares them: the
 * ratio is what the HTTP server, validation and JSON add.
 *
 *   npm run bench:search
 *   npm run bench:search -- --queries 300 --seed 7
 *   BENCH_DATABASE_URL=postgres://… npm run bench:search   # an already seeded database, kept
 *
 * Queries are drawn from data/gazetteer/units.csv with a fixed seed, a
 * quarter each: the name with diacritics ("Quảng An"), without ("quang
 * an"), with a typo (two letters swapped or one dropped), and without
 * diacritics followed by the name of its parent ("quang an dam ha").
 * Without BENCH_DATABASE_URL a database of its own is created, migrated,
 * seeded and dropped at the end. Target (issue 12): p99 < 20 ms.
 */
import { readFileSync } from 'node:fs';
import { Agent, get as httpGet } from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { seed } from '../../seeds/index.ts';
import { loadConfig } from '../../server/config.ts';
import { connect } from '../../server/db/connect.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import { dropDatabase, ensureDatabase } from '../../server/db/postgis.ts';
import { parseGazetteer } from '../../server/gazetteer/data.ts';
import { fold } from '../../server/gazetteer/match.ts';
import { postgisServer, projectRoot } from '../../server/prepare.ts';
import { featuresQuery, statementName, unitsQuery } from '../../server/search/search.ts';
import { type ServerProcess, startServer } from '../lib/server-process.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) || fallback : fallback;
};
const N = arg('queries', 1000);
const SEED = arg('seed', 12);
const LIMIT = 10;
const log = (m: string) => process.stderr.write(`${m}\n`);

/** mulberry32: the same queries every run. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function queries(): string[] {
  const units = parseGazetteer(
    readFileSync(path.join(projectRoot, 'data', 'gazetteer', 'units.csv'), 'utf8'),
  );
  const bySlug = new Map(units.map((u) => [u.slug, u]));
  const rnd = random(SEED);
  const out: string[] = [];
  for (let i = 0; i < N; i++) {
    const u = units[Math.floor(rnd() * units.length)]!;
    const plain = fold(u.name);
    switch (i % 4) {
      case 0:
        out.push(u.name);
        break;
      case 1:
        out.push(plain);
        break;
      case 2: {
        const chars = [...plain];
        const at = 1 + Math.floor(rnd() * Math.max(1, chars.length - 2));
        if (rnd() < 0.5 && chars.length > 3) chars.splice(at, 1);
        else if (at + 1 < chars.length) [chars[at], chars[at + 1]] = [chars[at + 1]!, chars[at]!];
        out.push(chars.join(''));
        break;
      }
      default: {
        const parent = u.parent ? bySlug.get(u.parent) : undefined;
        out.push(parent ? `${plain} ${fold(parent.name)}` : plain);
      }
    }
  }
  return out;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: pct(s, 50), p99: pct(s, 99), mean: s.reduce((a, b) => a + b, 0) / s.length };
};

async function main() {
  const config = loadConfig({ ...process.env, ANSWER_CACHE_MB: '0', LOG_LEVEL: 'silent' });
  let url = process.env.BENCH_DATABASE_URL;
  let drop: (() => Promise<void>) | undefined;
  if (!url) {
    const located = await postgisServer(config, log);
    const name = `border_atlas_bench_search_${process.pid}`;
    url = await ensureDatabase(located.adminUrl, name);
    drop = () => dropDatabase(located.adminUrl, name);
  }
  const database = connect(url, { max: 4 });
  // The statements alone, as the server runs them: prepared, one generic plan per connection.
  const bare = new pg.Pool({
    connectionString: url,
    max: 2,
    options: '-c plan_cache_mode=force_generic_plan',
  });
  let server: ServerProcess | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    if (drop) {
      log('migrating and seeding a database of its own (the gazetteer: ~14,000 units)...');
      await migrateToLatest(database.db);
      await seed(database.db);
      await database.pool.query('ANALYZE');
    }
    server = await startServer({ DATABASE_URL: url, ANSWER_CACHE_MB: '0', LOG_LEVEL: 'silent' }, log);
    const base = server.base;
    const list = queries();
    // The server's own time per query (Server-Timing `total`: first middleware to the head sent).
    const serverMs = new Map<string, number>();

    const viaHttp = (q: string) =>
      new Promise<number>((resolve, reject) => {
        const t = performance.now();
        const req = httpGet(
          `${base}/api/search?q=${encodeURIComponent(q)}&limit=${LIMIT}`,
          { agent, headers: { 'Accept-Encoding': 'gzip, deflate, br' } },
          (res) => {
            res.on('data', () => {});
            res.on('end', () => {
              const ms = performance.now() - t;
              if (res.statusCode !== 200) return reject(new Error(`${q}: HTTP ${res.statusCode}`));
              const total = /total;dur=([\d.]+)/.exec(String(res.headers['server-timing'] ?? ''));
              if (total) serverMs.set(q, Number(total[1]));
              resolve(ms);
            });
          },
        );
        req.on('error', reject);
      });
    const viaPg = async (q: string) => {
      const compiled = [unitsQuery(q, LIMIT), featuresQuery(q, LIMIT)]
        .filter((x) => x !== null)
        .map((x) => x.compile(database.db));
      const t = performance.now();
      await Promise.all(
        compiled.map((c) =>
          bare.query({ name: statementName(c.sql), text: c.sql, values: c.parameters as unknown[] }),
        ),
      );
      return performance.now() - t;
    };
    // Warm up both paths (plans, caches), then alternate per query so machine load weighs on both alike.
    for (const q of list.slice(0, 50)) {
      await viaHttp(q);
      await viaPg(q);
    }
    const http: number[] = [];
    const sqlOnly: number[] = [];
    const inServer: number[] = [];
    for (const q of list) {
      serverMs.delete(q);
      http.push(await viaHttp(q));
      const own = serverMs.get(q);
      if (own !== undefined) inServer.push(own);
      sqlOnly.push(await viaPg(q));
    }
    const h = stats(http);
    const b = stats(sqlOnly);
    const own = inServer.length > 0 ? stats(inServer) : undefined;
    const f = (x: number) => x.toFixed(2).padStart(7);
    console.log(
      `search over the gazetteer: ${list.length} queries (seed ${SEED}), answer cache off, one at a time`,
    );
    console.log(`                        p50 ms   p99 ms  mean ms`);
    console.log(`HTTP /api/search       ${f(h.p50)}  ${f(h.p99)}  ${f(h.mean)}`);
    if (own)
      console.log(
        `  of which in the server ${f(own.p50)}  ${f(own.p99)}  ${f(own.mean)}   (Server-Timing total)`,
      );
    console.log(`bare SQL through pg    ${f(b.p50)}  ${f(b.p99)}  ${f(b.mean)}`);
    console.log(`ratio HTTP / bare      ${f(h.p50 / b.p50)}  ${f(h.p99 / b.p99)}  ${f(h.mean / b.mean)}`);
    console.log(`target p99 < 20 ms: ${h.p99 < 20 ? 'met' : 'NOT met'} on this machine`);
  } finally {
    agent.destroy();
    await server?.stop();
    await bare.end();
    await database.close();
    await drop?.();
  }
}

await main();
process.exit(0);
