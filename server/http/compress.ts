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
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import compression from 'compression';
import type { Request, RequestHandler, Response } from 'express';

const NEVER = /^(application\/x-ndjson|application\/json-seq|text\/event-stream)\b/i;
const ALSO = /^application\/x-protobuf\b/i;

export function compressAnswers(): RequestHandler {
  return compression({
    filter(req: Request, res: Response) {
      if (req.headers.range !== undefined) return false;
      const type = String(res.getHeader('Content-Type') ?? '');
      if (NEVER.test(type)) return false;
      if (ALSO.test(type)) return true;
      return compression.filter(req, res);
    },
  });
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
