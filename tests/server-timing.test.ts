/**
 * Server-Timing on every API response (server/http/timing.ts): db (time in
 * PostgreSQL, with the number of queries the request made), app and total.
 * The values are the server's to report; what is checked is that they are
 * there, well formed, and that `db` counts the queries the request did make.
 */
import { describe, expect, it } from 'vitest';
import { useApp } from './helpers.ts';

const app = useApp();

interface Entry {
  dur: number;
  desc?: string;
}

function timing(res: Response): Record<string, Entry> {
  const header = res.headers.get('server-timing');
  expect(header, res.url).toBeTruthy();
  const out: Record<string, Entry> = {};
  for (const part of header!.split(',')) {
    const [name, ...params] = part.trim().split(';');
    const entry: Entry = { dur: Number.NaN };
    for (const p of params) {
      const [k, v = ''] = p.split('=');
      if (k === 'dur') entry.dur = Number(v);
      if (k === 'desc') entry.desc = v.replace(/^"|"$/g, '');
    }
    out[name!] = entry;
  }
  return out;
}

const queries = (e: Entry | undefined) => Number(/^(\d+) quer/.exec(e?.desc ?? '')?.[1]);

describe('Server-Timing', () => {
  it('a feature page: db with its queries, app and total', async () => {
    const res = await fetch(`${app.base}/ogc/collections/projects/items?limit=3`);
    expect(res.status).toBe(200);
    const t = timing(res);
    expect(Object.keys(t)).toEqual(['db', 'app', 'total']);
    for (const e of Object.values(t)) expect(e.dur).toBeGreaterThanOrEqual(0);
    // The count and the cursor's first batch at least (data version and cursor key may be known already).
    expect(queries(t.db)).toBeGreaterThanOrEqual(2);
    expect(t.total!.dur).toBeGreaterThanOrEqual(t.app!.dur);
  });

  it('a streamed CSV page reports what was known when its head went out', async () => {
    const res = await fetch(`${app.base}/ogc/collections/projects/items?limit=3&f=csv`);
    expect(res.status).toBe(200);
    expect(queries(timing(res).db)).toBeGreaterThanOrEqual(1);
  });

  it('analysis, search and a single feature count their queries too', async () => {
    for (const path of [
      '/api/stats/investment?by=province',
      '/api/search?q=lang',
      '/api/analysis/near-border?km=10',
    ]) {
      const res = await fetch(`${app.base}${path}`);
      expect(res.status, path).toBe(200);
      expect(queries(timing(res).db), path).toBeGreaterThanOrEqual(1);
    }
  });

  it('answers that need no database say 0 queries; problems are timed too', async () => {
    const conformance = await fetch(`${app.base}/ogc/conformance`);
    expect(timing(conformance).db?.desc).toBe('0 queries');
    const bad = await fetch(`${app.base}/ogc/collections/projects/items?limit=abc`);
    expect(bad.status).toBe(400);
    expect(timing(bad).total).toBeDefined();
    const missing = await fetch(`${app.base}/no/such/path`);
    expect(missing.status).toBe(404);
    expect(timing(missing).total).toBeDefined();
  });

  it('queries of one request are not counted in another running at the same time', async () => {
    const [a, b] = await Promise.all([
      fetch(`${app.base}/ogc/conformance`),
      fetch(`${app.base}/ogc/collections/roads/items?limit=2`),
    ]);
    expect(timing(a).db?.desc).toBe('0 queries');
    expect(queries(timing(b).db)).toBeGreaterThanOrEqual(1);
  });

  it('a tile keeps its own db and gzip entries and gets total', async () => {
    const res = await fetch(`${app.base}/tiles/provinces/5/25/14.mvt`, {
      headers: { 'Accept-Encoding': 'gzip' },
    });
    // Over northern Vietnam: a tile with provinces in it, rendered (not yet cached) by this request.
    expect(res.status).toBe(200);
    const t = timing(res);
    expect(t.db).toBeDefined();
    expect(t.gzip).toBeDefined();
    expect(t.total).toBeDefined();
  });
});
