/**
 * Writes a cached tile to a plain node:http response. The same function
 * answers cache hits in front of Express (server/tiles/fast-path.ts) and
 * every tile Express renders (server/tiles/route.ts), so both send the same
 * thing:
 *
 *   If-None-Match matches → 304 with ETag
 *   empty tile            → 204 (with an ETag when the tile has one: the
 *                           GeoJSON sources give empty tiles one)
 *   Accept-Encoding gzip  → 200 gzip bytes as stored
 *   otherwise             → 200 identity (gunzipped on the way out)
 *
 * plus Cache-Control, Vary: Accept-Encoding and, on the fast path, the
 * security and CORS headers Express would have added (`common`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { watchCache } from '../http/caches.ts';
import type { CachedTile } from './cache.ts';

export const MVT_TYPE = 'application/vnd.mapbox-vector-tile';

const gzipAnswers = watchCache('tiles.accept-encoding', new Map<string, boolean>());

/** RFC 9110 §12.5.3, enough of it: gzip (or *) listed with a q above 0. Answers are remembered per header value. */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  const known = gzipAnswers.get(header);
  if (known !== undefined) return known;
  let gzip: boolean | undefined;
  let star = false;
  for (const part of header.split(',')) {
    const [coding = '', ...params] = part.split(';');
    const name = coding.trim().toLowerCase();
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const ok = q === undefined || Number(q.slice(2)) > 0;
    if (name === 'gzip' || name === 'x-gzip') gzip = ok;
    else if (name === '*') star = ok;
  }
  const answer = gzip ?? star;
  if (gzipAnswers.size < 200) gzipAnswers.set(header, answer);
  return answer;
}

/** Weak comparison (RFC 9110 §13.1.2): W/"a" matches "a" and W/"a". */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch || !etag) return false;
  if (ifNoneMatch === etag) return true;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || (tag.startsWith('W/') ? tag.slice(2) : tag) === opaque;
  });
}

/**
 * `common` is a flat [name, value, ...] list added to every answer (empty
 * when Express already set those headers on `res`).
 */
export function sendTile(
  req: IncomingMessage,
  res: ServerResponse,
  tile: CachedTile,
  cacheControl: string,
  common: readonly string[],
): void {
  const validators = tile.etag
    ? ['ETag', tile.etag, 'Cache-Control', cacheControl]
    : ['Cache-Control', cacheControl];
  if (tile.bytes > 0) validators.push('Vary', 'Accept-Encoding');
  if (etagMatches(req.headers['if-none-match'], tile.etag)) {
    res.writeHead(304, [...common, ...validators]);
    res.end();
    return;
  }
  if (tile.bytes === 0) {
    res.writeHead(204, [...common, ...validators]);
    res.end();
    return;
  }
  const gzip = acceptsGzip(req.headers['accept-encoding']);
  const body = gzip ? tile.gzip : gunzipSync(tile.gzip);
  const headers = [...common, ...validators, 'Content-Type', MVT_TYPE, 'Content-Length', String(body.length)];
  if (gzip) headers.push('Content-Encoding', 'gzip');
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}
