/**
 * Bad input never reaches PostgreSQL and never answers 500: control
 * characters and bytes that are not UTF-8 in any text parameter, numbers no
 * column holds, CQL2 geometries past their limits, requests Node's HTTP
 * parser refuses, methods a path does not take, heads that never finish.
 * Every answer is a 4xx application/problem+json naming the parameter.
 */
import { existsSync } from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { clientDist } from '../server/app.ts';
import { ConfigError, loadConfig } from '../server/config.ts';
import { MAX_VERTICES } from '../server/features/cql2/compile.ts';
import { cql2Where, MAX_FILTER_LENGTH } from '../server/features/cql2/index.ts';
import { MAX_COLLECTION_DEPTH } from '../server/features/cql2/wkt.ts';
import { cql2Context } from '../server/features/queryables.ts';
import { getLayer } from '../server/layers/index.ts';
import { useApp } from './helpers.ts';

const app = useApp();

async function expectProblem(path: string, status: number, parameter?: string, init?: RequestInit) {
  const r = await fetch(app.base + path, init);
  const text = await r.text();
  expect(r.status, `${path}: ${text}`).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text);
  expect(body.status).toBe(status);
  if (parameter !== undefined) {
    expect(body.parameter).toBe(parameter);
    expect(body.detail).toContain(parameter);
  }
  return { body, headers: r.headers };
}

const items = (collection: string, query: string) => `/ogc/collections/${collection}/items?${query}`;
const filter = (text: string, lang = 'cql2-text') =>
  items('projects', `filter-lang=${lang}&filter=${encodeURIComponent(text)}`);

describe('text that is not text', () => {
  // Percent-encoded: NUL, other C0, DEL, a lone surrogate (CESU), a byte that starts nothing, a cut sequence.
  const hostile = ['%00', 'a%01b', '%1B', '%7F', 'x%0Ay', '%ED%A0%80', '%FF', '%C3', '%E1%BA'];

  it.each(hostile)('search q=%s is a 400 naming q', async (v) => {
    const { body } = await expectProblem(`/api/search?q=${v}`, 400, 'q');
    expect(body.detail).toMatch(/control characters|UTF-8/);
  });

  it.each(['%00', '%ED%A0%80'])('statistics province=%s is a 400 naming province', async (v) => {
    await expectProblem(`/api/stats/accessibility?province=${v}`, 400, 'province');
  });

  it('every string queryable of every collection refuses NUL and broken UTF-8 as a simple filter', async () => {
    const collections = (await (await fetch(`${app.base}/ogc/collections`)).json()).collections as {
      id: string;
    }[];
    let checked = 0;
    for (const { id } of collections) {
      const q = await (await fetch(`${app.base}/ogc/collections/${id}/queryables`)).json();
      for (const [name, schema] of Object.entries(q.properties as Record<string, { type?: string }>)) {
        if (schema.type !== 'string') continue;
        for (const v of ['%00', 'a%1Fb', '%ED%A0%80', '%C0%AF']) {
          await expectProblem(items(id, `${encodeURIComponent(name)}=${v}`), 400, name);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
    await expectProblem(items('roads', 'ref=%00'), 400, 'ref');
  });

  it.each([
    ['sortby', '%00'],
    ['properties', 'name%00'],
    ['cursor', '%00'],
    ['datetime', '2020%00'],
    ['bbox', '1,2,3,4%00'],
    ['f', 'json%00'],
    ['filter', "name%20%3D%20'%ED%A0%80'"],
  ])('items %s with a bad character is a 400 naming it', async (name, v) => {
    await expectProblem(items('projects', `${name}=${v}`), 400, name);
  });

  it('a CQL2 string literal with a control character is a 400 naming filter', async () => {
    await expectProblem(filter("name = 'a\u0000b'"), 400, 'filter');
    await expectProblem(filter("name = 'a\u0007b'"), 400, 'filter');
    await expectProblem(filter('"na\u0000me" = \'x\''), 400, 'filter');
  });

  it('CQL2 JSON escapes for NUL and lone surrogates are a 400 naming filter', async () => {
    for (const s of ['\\u0000', 'a\\u001bb', '\\ud800', 'x\\udfffy']) {
      const json = `{"op":"=","args":[{"property":"name"},"${s}"]}`;
      const { body } = await expectProblem(filter(json, 'cql2-json'), 400, 'filter');
      expect(body.pointer).toBe('/args/1');
    }
    await expectProblem(
      filter('{"op":"isNull","args":[{"property":"na\\u0000me"}]}', 'cql2-json'),
      400,
      'filter',
    );
  });

  it('tab, line feed and carriage return stay blanks between CQL2 tokens, and a surrogate pair is a character', async () => {
    const r = await fetch(app.base + filter("start_year\n>=\t2000\r\nAND name <> '😀'"));
    expect(r.status, await r.text()).toBe(200);
    const s = await fetch(`${app.base}/api/search?q=${encodeURIComponent('chợ 😀')}`);
    expect(s.status).toBe(200);
  });
});

describe('numbers no column holds', () => {
  it.each([
    'start_year = 99999999999999999999',
    'start_year > -1e30',
    'start_year = 1e400',
    'start_year IN (2020, 1e20)',
    'start_year BETWEEN 0 AND 1e19',
    'id = 1e300',
  ])('%s is a 400 naming filter', async (text) => {
    const { body } = await expectProblem(filter(text), 400, 'filter');
    expect(body.detail).toMatch(/integer|out of range/);
  });

  it('the same numbers in CQL2 JSON', async () => {
    const json = '{"op":"=","args":[{"property":"start_year"},1e20]}';
    await expectProblem(filter(json, 'cql2-json'), 400, 'filter');
  });

  it('large literals on a number queryable, and integers in range, still run', async () => {
    const r = await fetch(
      app.base + filter('start_year < 9000000000000000000 AND start_year >= -2147483648'),
    );
    expect(r.status, await r.text()).toBe(200);
  });

  it.each([
    ['offset', '99999999999999999999'],
    ['offset', '-1'],
    ['limit', '-99999999999999999999'],
    ['start_year', '99999999999999999999'],
    ['start_year', '1e400'],
  ])('%s=%s is a 400 naming it', async (name, v) => {
    await expectProblem(items('projects', `${name}=${v}`), 400, name);
  });
});

describe('CQL2 geometry limits', () => {
  const collections = (n: number) => `${'GEOMETRYCOLLECTION('.repeat(n)}POINT(103 21)${')'.repeat(n)}`;

  it(`GEOMETRYCOLLECTIONs nested deeper than ${MAX_COLLECTION_DEPTH} are a 400 naming filter (15 was a 500)`, async () => {
    for (const n of [MAX_COLLECTION_DEPTH + 1, 15, 200]) {
      const { body } = await expectProblem(
        filter(`S_INTERSECTS(geometry, ${collections(n)})`),
        400,
        'filter',
      );
      expect(body.detail).toContain(`nested more than ${MAX_COLLECTION_DEPTH} deep`);
    }
    const r = await fetch(app.base + filter(`S_INTERSECTS(geometry, ${collections(MAX_COLLECTION_DEPTH)})`));
    expect(r.status, await r.text()).toBe(200);
  });

  it(`more than ${MAX_VERTICES} positions in all is a 400 naming filter`, async () => {
    const points = (n: number) => `MULTIPOINT(${Array.from({ length: n }, () => '0 0').join(',')})`;
    const { body } = await expectProblem(
      filter(`S_INTERSECTS(geometry, ${points(MAX_VERTICES + 1)})`),
      400,
      'filter',
    );
    expect(body.detail).toContain(`more than ${MAX_VERTICES} positions`);
    // Counted over the whole filter, not per literal.
    const half = points(MAX_VERTICES / 2 + 1);
    await expectProblem(
      filter(`S_INTERSECTS(geometry, ${half}) OR S_INTERSECTS(geometry, ${half})`),
      400,
      'filter',
    );
    const r = await fetch(app.base + filter(`S_INTERSECTS(geometry, ${points(MAX_VERTICES)})`));
    expect(r.status, await r.text()).toBe(200);
  });

  // Neither of these fits a request head (16 KiB), so they are checked where the limit is.
  it(`CQL2 JSON of more than ${MAX_VERTICES} positions is refused naming filter`, () => {
    const json = JSON.stringify({
      op: 's_intersects',
      args: [
        { property: 'geometry' },
        { type: 'MultiPoint', coordinates: Array.from({ length: MAX_VERTICES + 1 }, () => [0, 0]) },
      ],
    });
    const ctx = cql2Context(getLayer('projects')!, 4326);
    expect(() => cql2Where(json, ctx, 'cql2-json')).toThrow(`more than ${MAX_VERTICES} positions`);
  });

  it(`a filter longer than ${MAX_FILTER_LENGTH} characters is refused naming filter`, () => {
    const layer = getLayer('projects')!;
    const long = `name = '${'x'.repeat(MAX_FILTER_LENGTH)}'`;
    expect(() => cql2Where(long, cql2Context(layer, 4326))).toThrow(/filter must be CQL2 text of at most/);
  });

  it('a filter too long for a request head is a 431 problem (Node refuses the head first)', async () => {
    const r = await fetch(app.base + filter(`name = '${'x'.repeat(17_000)}'`));
    expect(r.status).toBe(431);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
  });
});

/** Sends `data` on a fresh connection (then `trickle` every 50 ms) and reads until the server closes it. */
function rawRequest(data: string | Buffer, opts: { trickle?: string; base?: string } = {}): Promise<string> {
  const url = new URL(opts.base ?? app.base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let out = '';
    let timer: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write(data);
      if (opts.trickle) {
        timer = setInterval(() => {
          if (socket.writable) socket.write(opts.trickle!);
        }, 50);
      }
    });
    socket.on('data', (d) => {
      out += d.toString('latin1');
    });
    socket.on('close', () => {
      clearInterval(timer);
      resolve(out);
    });
    socket.on('error', (e) => {
      clearInterval(timer);
      if (out) resolve(out);
      else reject(e);
    });
  });
}

function parseRaw(raw: string): {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
} {
  const [head, body] = [raw.slice(0, raw.indexOf('\r\n\r\n')), raw.slice(raw.indexOf('\r\n\r\n') + 4)];
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  );
  return { status: Number(statusLine!.split(' ')[1]), headers, body: JSON.parse(body) };
}

describe("requests Node's HTTP parser refuses", () => {
  it.each([
    ['a head over 16 KiB', `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`, 431],
    ['a request line that is not HTTP', 'GARBAGE\r\n\r\n', 400],
    ['a blank inside the target', 'GET /a b HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['a header without a colon', 'GET / HTTP/1.1\r\nHost x\r\n\r\n', 400],
    [
      'raw non-ASCII bytes in the request line',
      Buffer.concat([
        Buffer.from('GET /api/search?q='),
        Buffer.from([0xc3, 0xa9, 0xff, 0x00]),
        Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n'),
      ]),
      400,
    ],
  ])('%s is a problem document and the connection closes', async (_what, data, status) => {
    const r = parseRaw(await rawRequest(data));
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect(r.headers.connection).toBe('close');
    expect(r.body.status).toBe(status);
    expect(String(r.body.type)).toMatch(/^https:\/\/border-atlas\.example\/problems\//);
  });
});

describe('methods a path does not take', () => {
  // Files of the web client when it is built (npm run build:client; the browser tests build it).
  const built = existsSync(clientDist);
  const paths = [
    '/api/search?q=x',
    '/ogc',
    '/ogc/collections',
    // Derived layers take no writes (the write API serves the others: edit-matrix.test.ts).
    '/ogc/collections/border-segments/items',
    '/ogc/collections/border-segments/items/1',
    '/ogc/api',
    '/api/stats/accessibility',
    '/tiles/roads/1/1/1.pbf',
    '/tiles/roads.json',
    '/fonts/Noto%20Sans%20Regular/0-255.pbf',
    '/health',
    '/metrics',
    ...(built ? ['/', '/index.html'] : []),
  ];
  it.each(paths.flatMap((p) => ['POST', 'PUT', 'PATCH', 'DELETE'].map((m) => [m, p])))(
    '%s %s is a 405 with Allow',
    async (method, path) => {
      const { headers, body } = await expectProblem(path, 405, undefined, {
        method,
        headers: { 'content-type': 'application/json' },
        body: method === 'DELETE' ? undefined : '{not json',
      });
      expect(headers.get('allow')).toBe('GET, HEAD, OPTIONS');
      expect(body.detail).toContain(method);
    },
  );

  it('HEAD, OPTIONS and a CORS preflight keep working; an unknown path is still a 404', async () => {
    expect((await fetch(`${app.base}/ogc/collections`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${app.base}/api/search?q=x`, { method: 'OPTIONS' })).status).toBe(204);
    const pre = await fetch(`${app.base}/ogc/collections/projects/items`, {
      method: 'OPTIONS',
      headers: { origin: 'https://example.org', 'access-control-request-method': 'GET' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    await expectProblem('/no/such/path', 404, undefined, { method: 'POST' });
    await expectProblem('/no/such/path', 404);
  });
});

describe('HTTP timeouts in the configuration', () => {
  it('has defaults, and refuses a head timeout longer than the request timeout', () => {
    const c = loadConfig({});
    expect([c.HTTP_HEADERS_TIMEOUT_MS, c.HTTP_REQUEST_TIMEOUT_MS, c.HTTP_KEEP_ALIVE_TIMEOUT_MS]).toEqual([
      10_000, 60_000, 5_000,
    ]);
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '70000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS="70000"/);
    expect(
      loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '70000', HTTP_REQUEST_TIMEOUT_MS: '0' }).HTTP_REQUEST_TIMEOUT_MS,
    ).toBe(0);
    expect(() => loadConfig({ HTTP_KEEP_ALIVE_TIMEOUT_MS: 'soon' })).toThrow(ConfigError);
  });
});

describe('a client that trickles its head', () => {
  const slow = useApp({ http: { HTTP_HEADERS_TIMEOUT_MS: 300, HTTP_REQUEST_TIMEOUT_MS: 600 } });

  it('gets a 408 problem and its connection closed', async () => {
    // One header line every 50 ms, for ever: only the server can end this.
    const raw = await rawRequest('GET /health HTTP/1.1\r\nHost: x\r\n', {
      base: slow.base,
      trickle: 'X-Slow: 1\r\n',
    });
    const r = parseRaw(raw);
    expect(r.status).toBe(408);
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect(r.body.status).toBe(408);
  }, 20_000);
});

describe('hostile values for every parameter of every operation in /ogc/api', () => {
  // Each sent alone, percent-encoded as written: NUL, a lone surrogate, 10 KB, a number no column
  // holds, a negative, empty, bytes that are not UTF-8, a quote with a comment.
  const HOSTILE = ['%00', '%ED%A0%80', 'x'.repeat(10_000), '1e400', '-1', '', '%FF%FE', "'%3B--"];

  it('no answer is a 5xx, and every 4xx is a problem document', async () => {
    const doc = await (await fetch(`${app.base}/ogc/api`)).json();
    const failures: string[] = [];
    const statuses: Record<number, number> = {};
    for (const [template, item] of Object.entries(doc.paths as Record<string, PathItem>)) {
      const op = item.get;
      if (!op) continue;
      // Root paths (search, tiles, statistics...) carry their own server; the OGC API's is /ogc.
      const server = item.servers?.[0]?.url ?? doc.servers[0].url;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => resolve(doc, p));
      const fill = (except?: string) =>
        template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
          if (name === except) return '@';
          const p = params.find((x) => x.name === name && x.in === 'path');
          return encodeURIComponent(
            String(p?.example ?? p?.schema?.enum?.[0] ?? p?.schema?.default ?? 'projects'),
          );
        });
      for (const p of params) {
        for (const v of HOSTILE) {
          const url =
            p.in === 'path'
              ? fill(p.name).replace('@', v === '' ? '%20' : v)
              : `${fill()}?${encodeURIComponent(p.name)}=${v}`;
          const target = new URL(`${server}${url}`, app.base);
          const r = await fetch(`${app.base}${target.pathname}${target.search}`);
          const type = r.headers.get('content-type') ?? '';
          await r.arrayBuffer();
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          const shown = `${target.pathname}${target.search}`.slice(0, 120);
          if (r.status >= 500) failures.push(`${r.status} ${shown}`);
          else if (r.status >= 400 && !type.startsWith('application/problem+json'))
            failures.push(`${r.status} ${type} ${shown}`);
        }
      }
    }
    expect(failures).toEqual([]);
    const sent = Object.values(statuses).reduce((a, b) => a + b, 0);
    expect(sent).toBeGreaterThan(100);
    // The requests reach the endpoints: most are refused as bad parameters, not unknown paths.
    expect(statuses[400] ?? 0, JSON.stringify(statuses)).toBeGreaterThan(sent / 2);
  }, 120_000);
});

interface Param {
  name: string;
  in: string;
  example?: unknown;
  schema?: { enum?: unknown[]; default?: unknown };
  $ref?: string;
}
interface PathItem {
  get?: { parameters?: Param[] };
  parameters?: Param[];
  servers?: { url: string }[];
}

function resolve(doc: Record<string, unknown>, p: Param): Param {
  if (!p.$ref) return p;
  let x: unknown = doc;
  for (const k of p.$ref.replace(/^#\//, '').split('/')) x = (x as Record<string, unknown>)[k];
  return x as Param;
}
