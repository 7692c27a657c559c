/**
 * The database goes away under load, and sessions are killed mid-request:
 * the process stays up, every answer is a 200 or a 503 problem with
 * Retry-After (never a 500, never a reset connection), and it recovers by
 * itself. Runs its own PostgreSQL cluster (tests/helpers.ts, privateCluster)
 * so that stopping it disturbs nothing else; the cluster is seeded, plus
 * enough projects that a page of 10,000 takes several cursor reads.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answered, wrong as isWrong, type Outcome, request as send } from '../scripts/lib/outcome.ts';
import { coldTilePath, mixedScenario, WARM_TILES } from '../scripts/lib/scenario.ts';
import { seed } from '../seeds/index.ts';
import { useApp, waitFor } from './helpers.ts';

const RETRY_AFTER = 3;

const app = useApp({
  database: 'cluster',
  retryAfterS: RETRY_AFTER,
  setup: async (database) => {
    await seed(database.db);
    await sql`INSERT INTO projects (category, end_year, funding, geom, investment_bn_vnd, investment_qualifier,
        name, name_en, note, precision, slug, start_year, status, uncertainty_m, unit_as_named_id, unit_id, area_m2)
      SELECT category, end_year, funding, geom, investment_bn_vnd, investment_qualifier,
        name || ' ' || g, name_en, note, precision, slug || '-chaos-' || g, start_year, status, uncertainty_m,
        unit_as_named_id, unit_id, area_m2
      FROM projects, generate_series(1, 12000 / (SELECT count(*) FROM projects)::int + 1) g`.execute(
      database.db,
    );
  },
});

// An unhandled 'error' event or rejection anywhere in the process: vitest
// would report it too, this names it in the assertion.
const unhandled: unknown[] = [];
const record = (e: unknown) => unhandled.push(e);
beforeAll(() => {
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
});
beforeEach(() => {
  unhandled.length = 0;
});
afterAll(() => {
  process.off('uncaughtException', record);
  process.off('unhandledRejection', record);
});

const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length]!;
// Report answers are cached per data version (server/analysis/cache.ts): each call of these asks
// for an answer the load below never asks for and no call before asked, so that its query runs.
let nearBorderCalls = 0;
let uncached = 0;
const coldNearBorder = () => `/api/analysis/near-border?km=${100 + (nearBorderCalls++ % 900)}`;
const lengthVariants = ['by=commune', 'by=province&f=csv', 'by=commune&f=csv'];
let lengthCalls = 0;
const coldBorderLength = () =>
  `/api/stats/border-length?${lengthVariants[lengthCalls++ % lengthVariants.length]}`;

// The mixed scenario of npm run load and npm run chaos (scripts/lib/scenario.ts), plus cold tiles;
// what each request got, and how it is judged, as npm run chaos does (scripts/lib/outcome.ts).
let kinds: Record<string, (i: number) => string> = {};
beforeAll(async () => {
  const scenario = await mixedScenario(app.base);
  kinds = Object.fromEntries(['cold-tile', ...scenario.names].map((k) => [k, scenario.kinds[k]!]));
});
const warmTiles = WARM_TILES;
const request = (kind: string, path: string) => send(app.base, kind, path);
const wrong = (o: Outcome) => isWrong(o, RETRY_AFTER);

const everyKindAnswers = async () => {
  const got = await Promise.all(Object.entries(kinds).map(([k, f]) => request(k, f(0))));
  return got.every(answered);
};

describe('PostgreSQL stopped and started under a mixed concurrent load', () => {
  it('keeps the process up, answers 200 or 503 + Retry-After throughout, and recovers by itself', async () => {
    for (const t of warmTiles) expect(answered(await request('warm-tile', t))).toBe(true);
    for (const [k, f] of Object.entries(kinds)) {
      const o = await request(k, f(0));
      expect(answered(o), JSON.stringify(o)).toBe(true);
    }

    const outcomes: Outcome[] = [];
    let running = true;
    const names = Object.keys(kinds);
    const loops = Array.from({ length: 16 }, async (_, loop) => {
      for (let i = loop; running; i += 16) {
        const kind = pick(names, i);
        outcomes.push(await request(kind, kinds[kind]!(i)));
      }
    });

    let before = 0;
    let back = false;
    try {
      await waitFor(async () => outcomes.length >= 48, 30_000);
      before = outcomes.length;
      app.cluster.stop();
      // Under load while it is down: requests keep coming until some were refused.
      await waitFor(async () => outcomes.slice(before).filter((o) => o.status === 503).length >= 32, 30_000);
      await app.cluster.start();
      back = await waitFor(everyKindAnswers, 30_000);
    } finally {
      running = false;
      await Promise.all(loops);
    }

    expect(back).toBe(true);
    expect(outcomes.filter(wrong)).toEqual([]);
    const during = outcomes.slice(before);
    expect(during.some((o) => o.status === 503)).toBe(true);
    // Cached tiles were served while the database was away.
    expect(during.some((o) => o.kind === 'warm-tile' && answered(o))).toBe(true);
    expect(unhandled).toEqual([]);
    expect((await fetch(`${app.base}/ready`)).status).toBe(200);
  }, 180_000);
});

describe('pg_terminate_backend on the service sessions mid-request', () => {
  let admin: pg.Client;
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: app.url, application_name: 'chaos-test' });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.end();
  });

  /** The service's sessions (API and tiles) in `state`, and what they wait on. */
  const sessions = async (where: string) =>
    (
      await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE application_name IN ('border-atlas', 'border-atlas-tiles')
         AND pid <> pg_backend_pid() AND ${where}`,
      )
    ).rows.map((r) => r.pid);

  /**
   * Holds a lock on `table` so the request's query waits on it, kills the
   * session running that query, lets go of the lock, and returns what the
   * request got.
   */
  async function killWhileWaiting(path: string, table: string): Promise<Outcome> {
    const locker = new pg.Client({ connectionString: app.url, application_name: 'chaos-test' });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
      const pending = request(path, path);
      let pids: number[] = [];
      const waiting = await waitFor(async () => {
        pids = await sessions(`wait_event_type = 'Lock'`);
        return pids.length > 0;
      }, 20_000);
      expect(waiting, `a session of ${path} waits on ${table}`).toBe(true);
      for (const pid of pids) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await locker.query('ROLLBACK');
      return await pending;
    } finally {
      await locker.end();
    }
  }

  // What to ask (a tile: a new one each time, so that it is rendered), and the table its query reads.
  const cases: [string, () => string, string][] = [
    // Search answers and small pages are cached per data version too (server/http/answer-cache.ts): a new one each time.
    ['search', () => `/api/search?q=muong&limit=${1 + (uncached++ % 50)}`, 'admin_units'],
    [
      'items (cursor opening)',
      () => `/ogc/collections/projects/items?limit=500&offset=${1000 + uncached++}`,
      'projects',
    ],
    ['near-border report (its transaction)', coldNearBorder, 'projects'],
    ['border-length statistic', coldBorderLength, 'border_segments'],
    ['cold tile', coldTilePath, 'countries'],
  ];

  it.each(cases)(
    '%s: the request gets a 503 problem or its answer, the next one succeeds',
    async (_, path, table) => {
      // Once without the lock: the page's count is cached, so the lock stops the cursor's query.
      expect(answered(await request('before', path()))).toBe(true);
      const o = await killWhileWaiting(path(), table);
      expect(wrong(o), JSON.stringify(o)).toBe(false);
      expect(answered(await request('after', path()))).toBe(true);
      expect(unhandled).toEqual([]);
    },
  );

  it('items: a page of 10,000 streaming with its cursor open completes, or fails cleanly', async () => {
    const res = await fetch(`${app.base}/ogc/collections/projects/items?limit=10000`);
    expect(res.status).toBe(200);
    // The body is not read: the server waits for the socket to drain, its cursor open.
    let pids: number[] = [];
    const streaming = await waitFor(async () => {
      pids = await sessions(
        `application_name = 'border-atlas' AND state <> 'idle' AND query ILIKE '%projects%'`,
      );
      return pids.length > 0;
    }, 20_000);
    expect(streaming).toBe(true);
    for (const pid of pids) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    const body = JSON.parse(await res.text());
    expect(body.features).toHaveLength(Math.min(10_000, body.numberMatched));
    expect(body.numberReturned).toBe(body.features.length);
    expect((await request('items', '/ogc/collections/projects/items?limit=10')).status).toBe(200);
    expect(unhandled).toEqual([]);
  });
});
