/**
 * The OpenAPI document at /ogc/api: valid OpenAPI 3 (swagger-parser), and
 * its paths are exactly the routes the server has. The routes come from the
 * Express routers themselves (walked from createApp's router stack), and
 * every documented path is requested for real, so neither side is read from
 * the module that builds the document.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../server/app.ts';
import { useApp } from './helpers.ts';

const app = useApp();

interface Parameter {
  name: string;
  in: string;
  example?: unknown;
  schema?: { default?: unknown; enum?: unknown[] };
}
interface Operation {
  parameters?: Parameter[];
}
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];
type Doc = {
  servers: { url: string }[];
  paths: Record<string, Partial<Record<Method, Operation>> & { servers?: { url: string }[] }>;
};

async function fetchDoc(): Promise<Doc> {
  const res = await fetch(`${app.base}/ogc/api`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.oai\.openapi\+json/);
  return (await res.json()) as Doc;
}

/** Values for path parameters that name something the seeded data has. */
const SAMPLE: Record<string, string> = {
  layers: 'all',
  z: '3',
  x: '6',
  y: '3',
  featureId: '1',
  layer: 'markets',
  id: '1',
  code: '02701',
  fontstack: 'Noto Sans Regular',
  range: '0-255.pbf',
};

/** A concrete URL path (site-absolute) for a documented path. */
function concrete(doc: Doc, path: string): string {
  const item = doc.paths[path]!;
  const server = new URL((item.servers ?? doc.servers)[0]!.url);
  const params = METHODS.map((m) => item[m]).find(Boolean)?.parameters ?? [];
  const filled = path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const p = params.find((x) => x.name === name && x.in === 'path');
    expect(p, `${path}: {${name}} is declared`).toBeDefined();
    return encodeURIComponent(SAMPLE[name] ?? String(p!.example ?? p!.schema?.default ?? '1'));
  });
  return `${server.pathname.replace(/\/$/, '')}${filled}`;
}

interface RouteLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: RouteLayer[] };
  match(path: string): boolean;
}

/** Every route (any method: reads, and writes such as POST /api/import) registered on the Express app, with its layer to match paths. */
function routes(stack: RouteLayer[]): RouteLayer[] {
  return stack.flatMap((l) => {
    if (l.route) return Object.values(l.route.methods).some(Boolean) ? [l] : [];
    return l.handle?.stack ? routes(l.handle.stack) : [];
  });
}

describe('the OpenAPI document', () => {
  const logger = pino({ level: 'silent' });
  const built: { close?: () => Promise<void> } = {};
  afterAll(async () => built.close?.());

  it('is valid OpenAPI 3.0 (swagger-parser)', async () => {
    const doc = await fetchDoc();
    const api = await SwaggerParser.validate(structuredClone(doc) as never);
    expect(api.info.title).toBe('Border Atlas');
  });

  it('documents every route of the server and no route it does not have', async () => {
    const doc = await fetchDoc();
    const built_ = createApp({
      config: { BODY_LIMIT: '100kb', RETRY_AFTER_S: 5 },
      database: app.database,
      logger,
    });
    built.close = () => built_.close();
    const express = built_.express as unknown as { router: { stack: RouteLayer[] } };
    const registered = routes(express.router.stack);
    expect(registered.length).toBeGreaterThan(10);
    const documented = Object.keys(doc.paths).map((p) => ({ path: p, url: concrete(doc, p) }));
    // Each route answers at least one documented path…
    for (const r of registered) {
      const hits = documented.filter((d) => r.match(d.url));
      expect(hits.length, `route ${String(r.route!.path)} is documented`).toBeGreaterThan(0);
    }
    // …with each of its methods…
    for (const r of registered)
      for (const [m, on] of Object.entries(r.route!.methods)) {
        if (!on || m === '_all') continue;
        const hits = documented.filter((d) => r.match(d.url) && doc.paths[d.path]![m as Method]);
        expect(hits.length, `${m.toUpperCase()} ${String(r.route!.path)} is documented`).toBeGreaterThan(0);
      }
    // …and each documented path is answered by a route.
    for (const d of documented) {
      expect(
        registered.some((r) => r.match(d.url)),
        `${d.path} (${d.url}) has a route`,
      ).toBe(true);
    }
  });

  it('every documented path answers (no "no resource" 404) with its example parameters', async () => {
    const doc = await fetchDoc();
    // GET what can be got (a write-only path such as POST /api/import has no GET to try).
    for (const path of Object.keys(doc.paths).filter((p) => doc.paths[p]!.get)) {
      const url = `${new URL(app.base).origin}${concrete(doc, path)}`;
      const res = await fetch(url);
      const body = await res.text();
      expect(res.status, `${path}: ${body.slice(0, 200)}`).toBeLessThan(500);
      if (res.status === 404) expect(body, path).not.toContain('no resource at');
    }
  });

  it('lists /tiles, /api/search and the analysis paths, each with the parameters its route reads', async () => {
    const doc = await fetchDoc();
    const names = (path: string) => (doc.paths[path]?.get?.parameters ?? []).map((p) => p.name);
    expect(names('/api/search')).toEqual(['q', 'limit']);
    expect(names('/tiles/{layers}/{z}/{x}/{y}.mvt')).toEqual(['layers', 'z', 'x', 'y']);
    expect(names('/api/analysis/near-border')).toEqual([
      'km',
      'layers',
      'neighbour',
      ...['from', 'to', 'category', 'funding', 'min_investment', 'status', 'province'],
      'f',
    ]);
    expect(names('/api/units/{code}/indicators')).toEqual(['f', 'code']);
    // GDAL reads the page size from limit's default and maximum.
    const limit = doc.paths['/collections/projects/items']!.get!.parameters!.find((p) => p.name === 'limit');
    expect(limit?.schema).toMatchObject({ default: 10, maximum: 10_000 });
    const lang = doc.paths['/collections/projects/items']!.get!.parameters!.find(
      (p) => p.name === 'filter-lang',
    );
    expect(lang?.schema?.enum).toEqual(['cql2-text', 'cql-text', 'cql2-json']);
  });

  it('is the same document on every request for one host', async () => {
    const [a, b] = await Promise.all([fetch(`${app.base}/ogc/api`), fetch(`${app.base}/ogc/api?f=json`)]);
    expect(await a.text()).toBe(await b.text());
  });
});
