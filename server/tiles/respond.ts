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
 *   otherwise             → 200 identity (gunzipped once, then kept: TileCache.identity)
 *
 * with the same few headers on both paths (sendTile below).
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
 * Headers the middleware set before a tile route ran (helmet's page
 * policies, CORS's exposed-headers list, Vary: Origin) are dropped: a tile
 * sends what a tile needs and nothing else (see sendTile). Called first by
 * the routes that answer tiles through Express, so a miss and the hits that
 * follow it send the same headers.
 */
export function dropPageHeaders(res: ServerResponse): void {
  for (const name of res.getHeaderNames()) res.removeHeader(name);
}

const uncompressed = (tile: CachedTile) => tile.identity ?? gunzipSync(tile.gzip);

/**
 * The answer for `tile`, with only the headers a tile needs: Content-Type,
 * Content-Length, Content-Encoding and Vary (the body depends on
 * Accept-Encoding), Cache-Control, ETag, and Access-Control-Allow-Origin: *
 * (other sites' maps fetch tiles with CORS; reads are open to every origin,
 * server/auth/cors.ts). No page policies (Content-Security-Policy and the
 * rest of helmet's): they mean nothing on a binary tile and cost about a
 * kilobyte on every hit. `identity` gives the uncompressed bytes
 * (TileCache.identity keeps them for the next such request).
 */
export function sendTile(
  req: IncomingMessage,
  res: ServerResponse,
  tile: CachedTile,
  cacheControl: string,
  identity: (tile: CachedTile) => Buffer = uncompressed,
): void {
  const head =
    tile.bytes > 0
      ? ['Cache-Control', cacheControl, 'Access-Control-Allow-Origin', '*', 'Vary', 'Accept-Encoding']
      : ['Cache-Control', cacheControl, 'Access-Control-Allow-Origin', '*'];
  if (tile.etag) {
    head.push('ETag', tile.etag);
    const inm = req.headers['if-none-match'];
    if (inm !== undefined && etagMatches(inm, tile.etag)) {
      res.writeHead(304, head);
      res.end();
      return;
    }
  }
  if (tile.bytes === 0) {
    res.writeHead(204, head);
    res.end();
    return;
  }
  const gzip = acceptsGzip(req.headers['accept-encoding']);
  const body = gzip ? tile.gzip : identity(tile);
  head.push('Content-Type', MVT_TYPE, 'Content-Length', String(body.length));
  if (gzip) head.push('Content-Encoding', 'gzip');
  res.writeHead(200, head);
  res.end(req.method === 'HEAD' ? undefined : body);
}
