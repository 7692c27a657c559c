/**
 * Property-based requests for npm run fuzz and tests/fuzz.test.ts: every GET
 * operation of the app's own OpenAPI document (/ogc/api), every parameter
 * given values that are valid by its schema, at its edges, or hostile
 * (huge, negative, NaN, unicode, control characters, broken percent-encoding,
 * repeated and unknown parameters), plus raw malformed requests written on a
 * socket (bad request lines, huge heads, bad methods, non-ASCII bytes,
 * truncated and malformed bodies). fast-check generates them from a seed,
 * so a run is reproducible; every request is sent (no stop at the first
 * failure) and judged:
 *
 *   failure = status ≥ 500, no answer, or a 4xx that is not
 *             application/problem+json with a JSON object body.
 *
 *   const r = await runFuzz({ base, runs: 2000, seed: 15 });
 *   r.counts   // { '200': 1210, '400': 702, … }
 *   r.failures // [{ request: 'GET /api/search?q=%00', reason: '500 …' }]
 */
import http from 'node:http';
import net from 'node:net';
import fc from 'fast-check';

// ---------------------------------------------------------------- the document

interface Schema {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  default?: unknown;
  items?: Schema;
}

export interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  /** The path template with its server's prefix, e.g. /ogc/collections/roads/items/{featureId}. */
  path: string;
  parameters: Parameter[];
}

interface Document {
  servers?: { url: string }[];
  paths: Record<string, { servers?: { url: string }[]; get?: { parameters?: Parameter[] } }>;
}

/** The GET operations of the app's OpenAPI document, their paths prefixed with their server's path. */
export async function loadOperations(base: string): Promise<Operation[]> {
  const res = await fetch(`${base}/ogc/api`, { headers: { accept: 'application/vnd.oai.openapi+json' } });
  if (!res.ok) throw new Error(`GET /ogc/api: ${res.status}`);
  const doc = (await res.json()) as Document;
  const prefix = (servers: { url: string }[] | undefined) =>
    new URL(servers?.[0]?.url ?? '/', 'http://x').pathname.replace(/\/$/, '');
  const ops: Operation[] = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    if (!item.get) continue;
    ops.push({ path: prefix(item.servers ?? doc.servers) + p, parameters: item.get.parameters ?? [] });
  }
  return ops;
}

// ---------------------------------------------------------------- values

/** Every byte of the UTF-8 of `s` as %XX (lone surrogates become U+FFFD, as Buffer does). */
const percentBytes = (s: string) =>
  [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
/** encodeURIComponent, but total: strings with lone surrogates are byte-encoded. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return percentBytes(s);
  }
}

/** Values a client would send for free-text parameters, by name: valid ones… */
const SAMPLES: Record<string, string[]> = {
  filter: [
    "status = 'completed'",
    "category IN ('road','school') AND investment_bn_vnd > 10",
    'S_INTERSECTS(geom, POINT(105 21))',
    'S_INTERSECTS(geom, POLYGON((103 20, 106 20, 106 23, 103 23, 103 20)))',
    "name LIKE '%Mường%'",
    'start_year BETWEEN 2000 AND 2030',
    'NOT (precision IS NULL)',
  ],
  datetime: ['2020-01-01T00:00:00Z', '2010-01-01/2020-12-31', '../2020-01-01', '2020-01-01/..'],
  q: ['muong', 'ha giang', 'Lào Cai', 'cửa khẩu', 'Mường Nhé'],
  layers: ['projects', 'border-gates', 'projects,markets'],
  bands: ['0,5,20,50', '0,1', '0,10,100'],
  code: ['11', '02701', '03158'],
  fontstack: ['Noto Sans Regular', 'Noto Sans Bold'],
  range: ['0-255.pbf', '256-511.pbf', '7680-7935.pbf'],
  layer: ['projects', 'border-gates', 'roads', 'communes'],
};

/** …and plausible ones that are wrong (past a limit, malformed, unknown). */
const ODD: Record<string, string[]> = {
  filter: [
    `S_INTERSECTS(geom, ${'GEOMETRYCOLLECTION('.repeat(15)}POINT(1 1)${')'.repeat(15)})`,
    `S_INTERSECTS(geom, LINESTRING(${Array.from({ length: 3000 }, (_, i) => `${i % 180} 1`).join(',')}))`,
    `${'('.repeat(30)}a = 1${')'.repeat(30)}`,
    '{"op":"=","args":[{"property":"status"},"completed"]}',
    "T_AFTER(start_year, TIMESTAMP('2020-01-01T00:00:00Z'))",
    'S_INTERSECTS(geom, POINT(1e400 1))',
    'investment_bn_vnd > 1e400',
    `${"name = 'x' OR ".repeat(200)}name = 'y'`,
  ],
  datetime: ['2020-13-45', '..', '../..', '2020-01-01/2019-01-01', '99999-01-01'],
  cursor: ['', 'abc', 'eyJvIjoxMH0', 'eyJvIjoxMH0.AAAA'],
  layers: ['x', 'projects,,', 'projects,projects'],
  bands: ['50,20', '0', '0,5,5', '-1,5', '0,1e400'],
  code: ['00000', '1'],
  range: ['99999-99999.pbf', '256-255.pbf', '0-65535.pbf'],
  layer: ['x', '..', 'projects%2F..'],
};

/** Values valid by the schema (encoded for a URL). */
function valid(name: string, s: Schema | undefined): fc.Arbitrary<string> {
  const samples = SAMPLES[name];
  if (!s) return fc.string().map(encode);
  if (s.enum?.length) return fc.constantFrom(...s.enum.map((e) => encode(String(e))));
  switch (s.type) {
    case 'integer':
      return fc
        .integer({ min: s.minimum ?? -(2 ** 31), max: Math.min(s.maximum ?? 2 ** 31 - 1, 2 ** 53) })
        .map(String);
    case 'number':
      return fc
        .double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true })
        .map(String);
    case 'boolean':
      return fc.constantFrom('true', 'false');
    case 'array': {
      const items = s.items ?? {};
      if (items.enum?.length)
        return fc.subarray(items.enum.map(String), { minLength: 1 }).map((xs) => xs.map(encode).join(','));
      const n = { minLength: s.minItems ?? 1, maxLength: s.maxItems ?? 4 };
      // A bbox: west, south, east, north on the globe (n ignored: 4 numbers in order).
      const lon = fc.double({ min: -180, max: 180, noNaN: true, noDefaultInfinity: true });
      const lat = fc.double({ min: -90, max: 90, noNaN: true, noDefaultInfinity: true });
      if (n.minLength >= 4)
        return fc
          .tuple(lon, lat, lon, lat)
          .map(([a, b, c, d]) =>
            [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)]
              .map((x) => x.toFixed(4))
              .join(','),
          );
      return fc.array(lon, n).map((xs) => xs.map((x) => x.toFixed(4)).join(','));
    }
    default: {
      const text = fc.string({ maxLength: s.maxLength ?? 40, minLength: s.minLength ?? 0 }).map(encode);
      return samples ? fc.constantFrom(...samples.map(encode)) : text;
    }
  }
}

/** Values at and just past the schema's edges. */
function edge(name: string, s: Schema | undefined): fc.Arbitrary<string> {
  const xs: string[] = ['', '0', '-1', '1', ...(ODD[name] ?? []).map(encode)];
  if (s?.minimum !== undefined) xs.push(String(s.minimum), String(s.minimum - 1), String(s.minimum - 0.5));
  if (s?.maximum !== undefined) xs.push(String(s.maximum), String(s.maximum + 1), String(s.maximum + 0.5));
  if (s?.maxLength !== undefined) xs.push('a'.repeat(s.maxLength), 'a'.repeat(s.maxLength + 1));
  if (s?.minItems !== undefined)
    xs.push(
      Array(s.minItems - 1)
        .fill('1')
        .join(','),
      Array(s.minItems + 3)
        .fill('1')
        .join(','),
    );
  if (s?.default !== undefined) xs.push(encode(String(s.default)));
  if (s?.enum?.length) xs.push(encode(String(s.enum[0]).toUpperCase()), `${encode(String(s.enum[0]))}%20`);
  xs.push(String(2 ** 31), String(2 ** 53 + 1), '-9223372036854775809', '1e308', '-0', '5e-324');
  return fc.constantFrom(...xs);
}

const CONTROL = [...Array(32).keys(), 127].map((c) => `%${c.toString(16).padStart(2, '0')}`);
const BAD_PERCENT = [
  '%',
  '%z',
  '%zz',
  '%ff',
  '%c3%28',
  '%ed%a0%80',
  '%e1%ba',
  '%%',
  '%u0041',
  '%c0%af',
  '%f4%90%80%80',
];

/** Hostile values: huge, negative, not numbers, any unicode, control characters, broken encoding. */
const hostile: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'NaN',
    'Infinity',
    '-Infinity',
    '-1e309',
    '1e309',
    '0x10',
    '1_000',
    '%201',
    '1.',
    '.5',
    '+1',
    '1%2C2',
    'null',
    'undefined',
    '%5B%5D',
    '%7B%7D',
    "'%3B%20DROP%20TABLE%20projects%3B--",
    '..%2F..%2Fetc%2Fpasswd',
    '%24%7B7*7%7D',
    '__proto__',
  ),
  fc.integer({ min: 300, max: 12_000 }).map((n) => '9'.repeat(n)),
  fc.integer({ min: 1_000, max: 12_000 }).map((n) => 'a'.repeat(n)),
  fc.integer({ min: 1, max: 2 ** 53 }).map((n) => `-${n}`),
  fc.string({ unit: 'binary', maxLength: 30 }).map(percentBytes),
  fc.string({ unit: 'grapheme', maxLength: 30 }).map(encode),
  fc
    .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...CONTROL), fc.string({ maxLength: 8 }))
    .map(([a, c, b]) => encode(a) + c + encode(b)),
  fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...BAD_PERCENT)).map(([a, bad]) => encode(a) + bad),
);

/** A parameter's value: only valid ones in a "valid" request, else valid, edge or hostile. */
const value = (p: Parameter, validOnly: boolean) =>
  validOnly
    ? valid(p.name, p.schema)
    : fc.oneof(
        { arbitrary: valid(p.name, p.schema), weight: 4 },
        { arbitrary: edge(p.name, p.schema), weight: 2 },
        { arbitrary: hostile, weight: 2 },
      );

/** `a` in about one request of six, else null. */
const rarely = <T>(a: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(null), weight: 5 }, { arbitrary: a, weight: 1 });

const UNKNOWN = ['foo', '__proto__', 'constructor', 'limit%5B%5D', 'a%5Bb%5D', '', '%00', '%ff', 'f%0a'];

/** A GET of one operation: path parameters filled, a subset of query parameters, maybe repeated or unknown ones. */
function operationRequest(op: Operation, validOnly: boolean): fc.Arbitrary<string> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const query = op.parameters.filter((p) => p.in === 'query');
  return fc
    .record({
      path: fc.tuple(...pathParams.map((p) => value(p, validOnly))),
      query: fc
        .subarray(query)
        .chain((ps) => fc.tuple(...ps.map((p) => value(p, validOnly).map((v) => `${encode(p.name)}=${v}`)))),
      repeat: validOnly ? fc.constant(false) : rarely(fc.constant(true)).map(Boolean),
      unknown: validOnly ? fc.constant(null) : rarely(fc.tuple(fc.constantFrom(...UNKNOWN), hostile)),
      bare: validOnly ? fc.constant(null) : rarely(fc.constantFrom('f', ...query.map((p) => p.name))),
    })
    .map(({ path, query: q, repeat, unknown, bare }) => {
      let i = 0;
      const p = op.path.replace(/\{[^}]+\}/g, () => path[i++] ?? 'x');
      const pairs = [...q];
      if (repeat && pairs.length) pairs.push(pairs[0]!);
      if (unknown) pairs.push(`${unknown[0]}=${unknown[1]}`);
      // A name without "=" (?limit) or with an empty value (?limit=).
      if (bare) pairs.push(repeat ? `${bare}=` : bare);
      return pairs.length ? `${p}?${pairs.join('&')}` : p;
    });
}

// ---------------------------------------------------------------- raw requests

export interface RawRequest {
  name: string;
  bytes: Buffer;
  /** End our side after writing (a truncated body): the server may close without answering. */
  truncated?: boolean;
}

const head = (lines: string[]) => Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');

function rawRequest(ops: Operation[]): fc.Arbitrary<RawRequest> {
  const somePath = fc.constantFrom(...ops.map((o) => o.path.replace(/\{[^}]+\}/g, '1')));
  return fc.oneof(
    fc
      .constantFrom(
        'GET',
        'GET / HTTP/1.1 extra',
        ' / HTTP/1.1',
        'GET / HTTP/9.9',
        'GET / HTTP/1.1\r\nHost x',
        'GET / HTTP/1.1\r\n: nothing',
        'HELLO',
        'GET /\t HTTP/1.1',
        'GET http://[::1 HTTP/1.1',
        'GET http://[::1 HTTP/1.1\r\nHost: fuzz',
        'GET http://fuzz/ogc/collections HTTP/1.1\r\nHost: fuzz',
        'GET /ogc/collections HTTP/1.1',
        'GET /ogc/collections HTTP/1.0',
        'GET * HTTP/1.1\r\nHost: fuzz',
        'GET //ogc//collections HTTP/1.1\r\nHost: fuzz',
        'GET /ogc/collections HTTP/1.1\r\nHost: a\r\nHost: b\r\nContent-Length: 1\r\nContent-Length: 2',
        'GET /ogc/collections HTTP/1.1\r\nHost: a\r\nContent-Length: -1',
        'GET /ogc/collections HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3',
      )
      .map((line) => ({ name: `request line ${JSON.stringify(line)}`, bytes: head([line]) })),
    fc.uint8Array({ minLength: 1, maxLength: 120 }).map((b) => ({
      name: `random bytes ${Buffer.from(b).toString('hex')}`,
      bytes: Buffer.concat([Buffer.from(b), Buffer.from('\r\n\r\n')]),
    })),
    fc.tuple(somePath, fc.integer({ min: 17_000, max: 80_000 })).map(([p, n]) => ({
      name: `GET ${p} with a ${n}-byte header`,
      bytes: head([`GET ${p} HTTP/1.1`, 'Host: fuzz', `X-Big: ${'a'.repeat(n)}`]),
    })),
    fc.tuple(somePath, fc.integer({ min: 17_000, max: 40_000 })).map(([p, n]) => ({
      name: `GET of a ${n}-byte path`,
      bytes: head([`GET ${p}?q=${'b'.repeat(n)} HTTP/1.1`, 'Host: fuzz']),
    })),
    fc.tuple(somePath, fc.integer({ min: 200, max: 3000 })).map(([p, n]) => ({
      name: `GET ${p} with ${n} headers`,
      bytes: head([`GET ${p} HTTP/1.1`, 'Host: fuzz', ...Array.from({ length: n }, (_, i) => `X-H${i}: v`)]),
    })),
    fc
      .tuple(
        fc.constantFrom(
          'FOO',
          'get',
          'G@T',
          'DELETE',
          'PUT',
          'POST',
          'PATCH',
          'TRACE',
          'PROPFIND',
          'OPTIONS',
          'HEAD',
          'M-SEARCH',
        ),
        somePath,
      )
      .map(([m, p]) => ({
        name: `${m} ${p}`,
        bytes: head([`${m} ${p} HTTP/1.1`, 'Host: fuzz', 'Content-Length: 0']),
      })),
    fc.tuple(somePath, fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([p, b]) => {
      const high = Buffer.from(b.map((x) => x | 0x80));
      return {
        name: `GET ${p} with bytes ${high.toString('hex')} in the path`,
        bytes: Buffer.concat([Buffer.from(`GET ${p}`), high, Buffer.from(' HTTP/1.1\r\nHost: fuzz\r\n\r\n')]),
      };
    }),
    fc.tuple(somePath, fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([p, b]) => {
      const bytes = Buffer.from(b.map((x) => x | 0x80));
      return {
        name: `GET ${p} with bytes ${bytes.toString('hex')} in a header value`,
        bytes: Buffer.concat([
          Buffer.from(`GET ${p} HTTP/1.1\r\nHost: fuzz\r\nAccept-Language: `),
          bytes,
          Buffer.from('\r\n\r\n'),
        ]),
      };
    }),
    fc
      .tuple(
        fc.constantFrom('POST', 'PUT', 'GET'),
        somePath,
        fc.integer({ min: 10, max: 100_000 }),
        fc.string({ maxLength: 9 }),
      )
      .map(([m, p, n, body]) => ({
        name: `${m} ${p} with Content-Length ${n} and ${Buffer.byteLength(body)} bytes, then end`,
        bytes: Buffer.concat([
          head([
            `${m} ${p} HTTP/1.1`,
            'Host: fuzz',
            'Content-Type: application/json',
            `Content-Length: ${n}`,
          ]),
          Buffer.from(body),
        ]),
        truncated: true,
      })),
    fc
      .tuple(
        fc.constantFrom('POST', 'GET'),
        somePath,
        fc.constantFrom('zz', '-1', '1\r\nab', 'ffffffffffffffffff'),
      )
      .map(([m, p, c]) => ({
        name: `${m} ${p} with a chunk size of ${JSON.stringify(c)}`,
        bytes: Buffer.concat([
          head([`${m} ${p} HTTP/1.1`, 'Host: fuzz', 'Transfer-Encoding: chunked']),
          Buffer.from(`${c}\r\n\r\n`),
        ]),
      })),
  );
}

// ---------------------------------------------------------------- sending and judging

export type FuzzRequest = { kind: 'get'; path: string } | ({ kind: 'raw' } & RawRequest);

/** What came back: a status (with its type and body), or why nothing did. */
export interface Outcome {
  status?: number;
  type?: string;
  body?: string;
  error?: string;
}

export function requestArbitrary(ops: Operation[]): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    {
      arbitrary: fc
        .oneof(...ops.map((op) => operationRequest(op, false)))
        .map((path) => ({ kind: 'get' as const, path })),
      weight: 9,
    },
    { arbitrary: rawRequest(ops).map((r) => ({ kind: 'raw' as const, ...r })), weight: 1 },
  );
}

/** The request, enough to send it again: the path of a GET, the bytes of a raw one (long runs elided). */
export function describeRequest(r: FuzzRequest): string {
  const cut = (s: string) => (s.length > 400 ? `${s.slice(0, 300)}…(${s.length} chars)…${s.slice(-60)}` : s);
  if (r.kind === 'get') return `GET ${cut(r.path)}`;
  return `raw (${r.name.slice(0, 80)}): ${cut(JSON.stringify(r.bytes.toString('latin1')))}${r.truncated ? ' then end' : ''}`;
}

const TIMEOUT_MS = 30_000;

function sendGet(agent: http.Agent, base: URL, path: string): Promise<Outcome> {
  return new Promise((resolve) => {
    let req: http.ClientRequest;
    try {
      req = http.request(
        { host: base.hostname, port: base.port, path, agent, timeout: TIMEOUT_MS },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode,
              type: res.headers['content-type'] ?? '',
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', (e) => resolve({ error: e.message }));
        },
      );
    } catch (e) {
      // The path itself was refused by the client (a generator bug, reported as such).
      resolve({ error: `client refused the request: ${(e as Error).message}` });
      return;
    }
    req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
    req.on('error', (e) => resolve({ error: e.message }));
    req.end();
  });
}

/** Writes the bytes on a new connection and reads one response (head, then Content-Length or chunked body). */
export function sendRaw(base: URL, r: RawRequest): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(base.port), base.hostname);
    let data = Buffer.alloc(0);
    let settled = false;
    const finish = (o: Outcome) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(o);
    };
    const parse = (final: boolean) => {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) {
        if (final)
          finish(
            data.length
              ? { error: `unparseable answer: ${data.toString('latin1').slice(0, 80)}` }
              : { error: 'closed without an answer' },
          );
        return;
      }
      const headText = data.subarray(0, end).toString('latin1');
      const [statusLine, ...lines] = headText.split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1]);
      const header = (n: string) =>
        lines
          .find((l) => l.toLowerCase().startsWith(`${n}:`))
          ?.slice(n.length + 1)
          .trim();
      const body = data.subarray(end + 4);
      const length = header('content-length');
      const chunked = /chunked/i.test(header('transfer-encoding') ?? '');
      const complete =
        final ||
        // A HEAD answer has the head only, whatever its Content-Length says.
        r.bytes.toString('latin1').startsWith('HEAD ') ||
        (length !== undefined && body.length >= Number(length)) ||
        (chunked && body.includes('0\r\n\r\n')) ||
        (length === undefined && !chunked && (status === 204 || status === 304));
      if (!complete) return;
      let text = body.toString('utf8');
      if (chunked) text = text.replace(/(^|\r\n)[0-9a-f]+\r\n/gi, '$1').replace(/\r\n/g, '');
      finish({
        status: Number.isFinite(status) ? status : undefined,
        type: header('content-type') ?? '',
        body: length ? text.slice(0, Number(length)) : text,
        error: Number.isFinite(status) ? undefined : `bad status line ${statusLine}`,
      });
    };
    socket.setTimeout(TIMEOUT_MS, () => finish({ error: `no answer in ${TIMEOUT_MS} ms` }));
    socket.on('data', (c: Buffer) => {
      data = Buffer.concat([data, c]);
      parse(false);
    });
    socket.on('end', () => parse(true));
    socket.on('close', () => parse(true));
    socket.on('error', (e) => {
      // The server may close while we are still writing a huge head it already answered.
      if (data.length) parse(true);
      else finish({ error: e.message });
    });
    socket.write(r.bytes, () => {
      if (r.truncated) socket.end();
    });
  });
}

/** Why the outcome is a failure, or undefined when it is acceptable. */
export function judge(req: FuzzRequest, o: Outcome): string | undefined {
  if (o.status === undefined) {
    // A body cut short: closing without answering is what a server may do.
    if (req.kind === 'raw' && req.truncated && o.error === 'closed without an answer') return undefined;
    return o.error ?? 'no status';
  }
  if (o.status >= 500) return `${o.status} ${o.body?.slice(0, 300) ?? ''}`;
  const head = req.kind === 'raw' && req.bytes.toString('latin1').startsWith('HEAD ');
  if (o.status >= 400 && !head) {
    if (!/^application\/problem\+json/.test(o.type ?? '')) return `${o.status} with content-type ${o.type}`;
    try {
      const body = JSON.parse(o.body ?? '');
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        return `${o.status} problem body is not an object`;
    } catch {
      return `${o.status} problem body is not JSON: ${o.body?.slice(0, 120)}`;
    }
  }
  return undefined;
}

export interface FuzzResult {
  seed: number;
  runs: number;
  operations: number;
  /** Status (or "error") → count. */
  counts: Record<string, number>;
  failures: { request: string; reason: string }[];
}

/**
 * Generates `runs` requests from `seed` and sends them, `concurrency` at a
 * time; resolves with counts by status and every failure.
 */
export async function runFuzz(opts: {
  base: string;
  runs: number;
  seed: number;
  concurrency?: number;
  onProgress?: (done: number) => void;
}): Promise<FuzzResult> {
  const base = new URL(opts.base);
  const ops = await loadOperations(opts.base);
  const requests = fc.sample(requestArbitrary(ops), { numRuns: opts.runs, seed: opts.seed });
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency ?? 8 });
  const counts: Record<string, number> = {};
  const failures: FuzzResult['failures'] = [];
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < requests.length) {
      const req = requests[next++]!;
      const o = req.kind === 'get' ? await sendGet(agent, base, req.path) : await sendRaw(base, req);
      const key = o.status === undefined ? 'no answer' : String(o.status);
      counts[key] = (counts[key] ?? 0) + 1;
      const reason = judge(req, o);
      if (reason) failures.push({ request: describeRequest(req), reason });
      if (++done % 500 === 0) opts.onProgress?.(done);
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  } finally {
    agent.destroy();
  }
  return { seed: opts.seed, runs: opts.runs, operations: ops.length, counts, failures };
}
