/**
 * Limits that protect the server (server/http/limits.ts, the statement
 * timeouts of server/db/connect.ts, the bounded caches of
 * server/http/caches.ts). Slow statements are made deterministic with a
 * lock: a transaction of the test's own holds ACCESS EXCLUSIVE on
 * `projects` in a scratch database, so every request that reads it waits
 * in PostgreSQL until the test lets go (or its statement timeout fires).
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { cacheSizes } from '../server/http/caches.ts';
import { parseLayers } from '../server/tiles/params.ts';
import { acceptsGzip } from '../server/tiles/respond.ts';
import { useApp, waitFor } from './helpers.ts';

/** Holds ACCESS EXCLUSIVE on projects until `release()`. */
async function lockProjects(url: string): Promise<{ release: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN; LOCK TABLE projects IN ACCESS EXCLUSIVE MODE');
  return {
    release: async () => {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

async function metric(base: string, line: RegExp): Promise<number | undefined> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const m = text.split('\n').find((l) => line.test(l));
  return m === undefined ? undefined : Number(m.split(' ').pop());
}

describe('concurrency limit of expensive requests', () => {
  const app = useApp({
    database: 'scratch',
    retryAfterS: 3,
    config: {
      LIMIT_ANALYSIS_CONCURRENCY: 1,
      LIMIT_ANALYSIS_QUEUE: 1,
      LIMIT_LARGE_PAGE_CONCURRENCY: 1,
      LIMIT_LARGE_PAGE_QUEUE: 0,
      LARGE_PAGE_ROWS: 100,
      LIMIT_QUEUE_TIMEOUT_MS: 60_000,
    },
  });

  it('beyond the slots and the queue answers 503 + Retry-After at once, and keeps serving the rest', async () => {
    const lock = await lockProjects(app.url);
    let running: Promise<Response>[] = [];
    try {
      // One runs (blocked on the lock in PostgreSQL), one waits in the queue.
      running = [
        fetch(`${app.base}/api/stats/investment?by=province`),
        fetch(`${app.base}/api/stats/investment?by=category`),
      ];
      const full = await waitFor(
        async () =>
          (await metric(app.base, /^border_atlas_limit_active\{kind="analysis"\}/)) === 1 &&
          (await metric(app.base, /^border_atlas_limit_queued\{kind="analysis"\}/)) === 1,
        20_000,
      );
      expect(full).toBe(true);

      const refused = await fetch(`${app.base}/api/stats/investment?by=province`);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('3');
      expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const problem = await refused.json();
      expect(problem.type).toMatch(/\/overloaded$/);
      expect(problem.kind).toBe('analysis');

      // Everything that is not analysis is still answered meanwhile.
      expect((await fetch(`${app.base}/health`)).status).toBe(200);
      expect((await fetch(`${app.base}/ogc/conformance`)).status).toBe(200);
      expect((await fetch(`${app.base}/ogc/collections/roads/items?limit=2`)).status).toBe(200);

      // Large pages have their own slots: one runs (blocked), none may wait.
      running.push(fetch(`${app.base}/ogc/collections/projects/items?limit=500`));
      expect(
        await waitFor(
          async () => (await metric(app.base, /^border_atlas_limit_active\{kind="large-page"\}/)) === 1,
          20_000,
        ),
      ).toBe(true);
      const page = await fetch(`${app.base}/ogc/collections/projects/items?limit=500`);
      expect(page.status).toBe(503);
      expect(page.headers.get('retry-after')).toBe('3');
      // A small page is no large page: it is not refused (it waits for the lock like any read).
      const small = fetch(`${app.base}/ogc/collections/projects/items?limit=10`);

      const rejected = await metric(
        app.base,
        /^border_atlas_limit_rejected_total\{kind="analysis",reason="queue-full"\}/,
      );
      expect(rejected).toBe(1);
      running.push(small);
    } finally {
      await lock.release();
    }
    // Let go, every request that was let in completes.
    const statuses = await Promise.all(running.map(async (r) => (await r).status));
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(await metric(app.base, /^border_atlas_limit_active\{kind="analysis"\}/)).toBe(0);
    expect(await metric(app.base, /^border_atlas_limit_queued\{kind="analysis"\}/)).toBe(0);
  });
});

describe('statement timeouts', () => {
  const app = useApp({
    database: 'scratch',
    retryAfterS: 4,
    connect: { statementTimeoutMs: 300, analysisTimeoutMs: 400 },
  });

  it('a read or an analysis whose statement runs past its timeout is a 503 statement-timeout problem, and the server carries on', async () => {
    // Warm-up: the data version and cursor key are read once, outside the lock.
    expect((await fetch(`${app.base}/ogc/collections/projects/items?limit=1`)).status).toBe(200);
    const lock = await lockProjects(app.url);
    try {
      for (const path of ['/ogc/collections/projects/items?limit=5', '/api/stats/investment?by=province']) {
        const res = await fetch(`${app.base}${path}`);
        expect(res.status, path).toBe(503);
        expect(res.headers.get('retry-after')).toBe('4');
        expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
        const problem = await res.json();
        expect(problem.type).toMatch(/\/statement-timeout$/);
        expect(problem.status).toBe(503);
      }
    } finally {
      await lock.release();
    }
    expect((await fetch(`${app.base}/ogc/collections/projects/items?limit=5`)).status).toBe(200);
    expect((await fetch(`${app.base}/api/stats/investment?by=province`)).status).toBe(200);
  });

  it('each kind of request has its own timeout in the database session', async () => {
    const { timeouts, pool, exportPool } = app.database;
    expect(timeouts).toMatchObject({ read: 300, analysis: 400 });
    const show = async (p: pg.Pool) =>
      (await p.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]!.statement_timeout;
    expect(await show(pool)).toBe('300ms');
    expect(await show(exportPool)).toBe('300ms');
  });
});

describe('statement timeouts of analysis and large pages are their own', () => {
  // Reads would wait a minute: only the analysis transaction's SET LOCAL and the export pool's setting stop these.
  const app = useApp({
    database: 'scratch',
    connect: { statementTimeoutMs: 60_000, analysisTimeoutMs: 300, exportTimeoutMs: 300 },
    config: { LARGE_PAGE_ROWS: 100 },
  });

  it('answer 503 statement-timeout while a read of the same table would still be waiting', async () => {
    expect((await fetch(`${app.base}/ogc/collections/projects/items?limit=500`)).status).toBe(200);
    const lock = await lockProjects(app.url);
    try {
      for (const path of ['/api/stats/investment?by=category', '/ogc/collections/projects/items?limit=500']) {
        const res = await fetch(`${app.base}${path}`);
        expect(res.status, path).toBe(503);
        expect((await res.json()).type).toMatch(/\/statement-timeout$/);
      }
    } finally {
      await lock.release();
    }
  });
});

describe('caches keyed by requests stay bounded', () => {
  const app = useApp();

  it('tile layer spellings, Accept-Encoding answers, OpenAPI documents per host and feature counts', async () => {
    for (let i = 0; i < 1600; i++) {
      // Valid spellings without end: the same ids repeated a different number of times (1,600 of them).
      const spelling = [
        ...Array<string>(1 + (i % 40)).fill('roads'),
        ...Array<string>(1 + Math.floor(i / 40)).fill('communes'),
      ];
      expect(parseLayers(spelling.join(',')).key).toBe('communes,roads');
      acceptsGzip(`gzip;q=0.${i}, br`);
    }
    const hosts = Array.from({ length: 40 }, (_, i) =>
      fetch(`${app.base}/ogc/api?f=json`, { headers: { 'X-Forwarded-Host': `h${i}.example` } }),
    );
    expect((await Promise.all(hosts)).every((r) => r.status === 200)).toBe(true);
    for (let i = 0; i < 1100; i += 50) {
      const batch = Array.from({ length: 50 }, (_, k) =>
        fetch(
          `${app.base}/ogc/collections/projects/items?limit=1&filter=${encodeURIComponent(`id > ${i + k}`)}`,
        ),
      );
      expect((await Promise.all(batch)).every((r) => r.status === 200)).toBe(true);
    }
    const sizes = cacheSizes();
    expect(sizes['tiles.layer-spellings']).toBeGreaterThan(900);
    expect(sizes['tiles.layer-spellings']).toBeLessThanOrEqual(1000);
    expect(sizes['tiles.accept-encoding']).toBe(200);
    expect(sizes['openapi.documents']).toBeLessThanOrEqual(16);
    expect(sizes['features.matched']).toBeGreaterThan(0);
    expect(sizes['features.matched']).toBeLessThanOrEqual(1000);
    // And /metrics reports them.
    expect(await metric(app.base, /^border_atlas_cache_entries\{cache="tiles.accept-encoding"\}/)).toBe(200);
  });
});
