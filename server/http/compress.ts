/**
 * Compressed answers, for browsers and GIS clients on slow links: the page's
 * JSON (collections, the style, label points, the basemap's rivers), HTML,
 * glyph ranges, features pages and exports all went out uncompressed; only
 * tiles were gzipped (by the tile routes themselves).
 *
 *   app.use(compressAnswers())                    // Brotli or gzip, as the client accepts
 *   app.use(precompressedAssets(clientDist))      // dist/client/assets/*.br|.gz, written at build
 *   app.use(express.static(clientDist, …))
 *
 * compressAnswers is the `compression` middleware (expressjs), with a filter:
 *  - an answer that already has a Content-Encoding (tiles: gzip from the
 *    tile cache; the assets below) is left as it is, never compressed twice
 *    (compression itself checks this);
 *  - NDJSON (the import's progress lines, server/import/http.ts) and event
 *    streams are not compressed: zlib would hold each line until its buffer
 *    fills, and the progress would arrive all at once at the end;
 *  - Cache-Control: no-transform is honoured (compression itself);
 *  - a Range request is answered as it is (byte offsets of the identity body);
 *  - glyph ranges (application/x-protobuf, SDF bitmaps) are compressed,
 *    which mime-db does not mark compressible; MVT and zip/PDF are not.
 * Long answers still stream: compression writes each zlib chunk as it is
 * produced and passes back-pressure ('drain') through.
 *
 * Small whole answers (one `res.end(body)`, as `res.send` and `res.json`
 * make, 1 KB to 64 KB) are compressed at once with zlib's synchronous calls,
 * the same encoding and settings, and keep their Content-Length: zlib's
 * streams go through the thread pool and back for each step, which cost a
 * 4 KB search answer 1.5 to 2 ms of waiting for 0.2 ms of work
 * (docs/gazetteer.md, "Prepared, generic plans").
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import compression from 'compression';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

const NEVER = /^(application\/x-ndjson|application\/json-seq|text\/event-stream)\b/i;
const ALSO = /^application\/x-protobuf\b/i;

function compressible(req: Request, res: Response): boolean {
  if (req.headers.range !== undefined) return false;
  const type = String(res.getHeader('Content-Type') ?? '');
  if (NEVER.test(type)) return false;
  if (ALSO.test(type)) return true;
  return compression.filter(req, res);
}

/** compression's own thresholds and settings, for the synchronous path to match. */
const THRESHOLD = 1024;
const SYNC_MAX = 64 * 1024;
const BROTLI_QUALITY = 4;

/**
 * The encoding to send for Accept-Encoding `header`: the highest q among br
 * and gzip, Brotli on a tie (as compression prefers it); null for identity.
 */
export function chooseEncoding(header: string | undefined): 'br' | 'gzip' | null {
  if (!header) return null;
  const named: { br?: number; gzip?: number; '*'?: number } = {};
  for (const part of header.split(',')) {
    const [raw = '', ...params] = part.toLowerCase().split(';');
    const name = raw.trim();
    if (name !== 'br' && name !== 'gzip' && name !== '*') continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qp ? Number(qp.slice(2)) : 1;
    named[name] = Math.max(named[name] ?? 0, Number.isFinite(q) ? Math.min(1, q) : 0);
  }
  // A coding the header names is weighed by its own q (q=0 refuses it); the others by *'s.
  const br = named.br ?? named['*'] ?? 0;
  const gzip = named.gzip ?? named['*'] ?? 0;
  if (br <= 0 && gzip <= 0) return null;
  return br >= gzip ? 'br' : 'gzip';
}

function noTransform(res: Response): boolean {
  return /(?:^|,)\s*no-transform\s*(?:,|$)/i.test(String(res.getHeader('Cache-Control') ?? ''));
}

/** res.end(body) of a small whole answer: compressed here, synchronously, with its Content-Length. */
function smallAtOnce(req: Request, res: Response, next: NextFunction): void {
  const end = res.end as (...args: unknown[]) => Response;
  res.end = function endSmall(this: Response, ...args: unknown[]) {
    const [chunk, encoding] = args;
    if (
      !this.headersSent &&
      req.method !== 'HEAD' &&
      (typeof chunk === 'string' || Buffer.isBuffer(chunk)) &&
      this.statusCode !== 204 &&
      this.statusCode !== 304 &&
      this.getHeader('Content-Encoding') === undefined
    ) {
      const body =
        typeof chunk === 'string'
          ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
          : chunk;
      if (
        body.length >= THRESHOLD &&
        body.length <= SYNC_MAX &&
        compressible(req, this) &&
        !noTransform(this)
      ) {
        const method = chooseEncoding(req.headers['accept-encoding']);
        if (method) {
          const out =
            method === 'br'
              ? brotliCompressSync(body, {
                  params: {
                    [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
                    [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
                  },
                })
              : gzipSync(body);
          this.vary('Accept-Encoding');
          this.setHeader('Content-Encoding', method);
          this.setHeader('Content-Length', out.length);
          const callback = args.find((a) => typeof a === 'function');
          return callback ? end.call(this, out, callback) : end.call(this, out);
        }
      }
    }
    return end.apply(this, args);
  } as Response['end'];
  next();
}

export function compressAnswers(): RequestHandler {
  const streaming = compression({ filter: compressible });
  // compression wraps res.end first; smallAtOnce wraps it again, so it sees a whole body first and,
  // having set Content-Encoding, leaves compression nothing to do ("already encoded").
  return (req, res, next) =>
    streaming(req, res, (e?: unknown) => (e ? next(e) : smallAtOnce(req, res, next)));
}

/** Encodings of the build's precompressed copies (client/precompress.ts), best first. */
const ENCODINGS = [
  { name: 'br', ext: '.br' },
  { name: 'gzip', ext: '.gz' },
] as const;

/**
 * GET/HEAD /assets/…: when the build wrote a .br or .gz copy of the file and
 * the client accepts that encoding, the request is handed to express.static
 * for the copy, with the original's Content-Type, Content-Encoding and
 * Vary: Accept-Encoding. Anything else goes on unchanged (and
 * compressAnswers may compress it). express.static's own checks (dot files,
 * paths out of the folder) apply to the rewritten path as to any other.
 */
export function precompressedAssets(dir: string): RequestHandler {
  const root = path.resolve(dir);
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.path.startsWith('/assets/')) return next();
    let rel: string;
    try {
      rel = decodeURIComponent(req.path);
    } catch {
      return next();
    }
    const file = path.join(root, path.normalize(rel));
    if (!file.startsWith(`${root}${path.sep}`)) return next();
    res.vary('Accept-Encoding');
    const offered = ENCODINGS.filter((e) => statSync(file + e.ext, { throwIfNoEntry: false })?.isFile());
    if (offered.length === 0) return next();
    // Ours first (Brotli is the smaller), among those the client takes (a q=0 refuses one).
    const encoding = offered.find((e) => req.acceptsEncodings(e.name) === e.name);
    if (!encoding) return next();
    res.type(path.extname(file));
    res.setHeader('Content-Encoding', encoding.name);
    const q = req.url.indexOf('?');
    req.url = q < 0 ? `${req.path}${encoding.ext}` : `${req.path}${encoding.ext}${req.url.slice(q)}`;
    next();
  };
}
