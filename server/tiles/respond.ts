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
 * with the same few headers on both paths, built once per tile (tileHeads
 * below): a hit allocates no header.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { watchCache } from '../http/caches.ts';
import type { CachedTile, TileCache } from './cache.ts';

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

/**
 * The header lists of a tile's answers (flat [name, value, …] arrays for
 * writeHead), built on the first answer of a tile and kept on it, so that a
 * cache hit allocates no header: only what a tile needs, Content-Type,
 * Content-Length, Content-Encoding and Vary (the body depends on
 * Accept-Encoding), Cache-Control, ETag, and Access-Control-Allow-Origin: *
 * (other sites' maps fetch tiles with CORS; reads are open to every origin,
 * server/auth/cors.ts). No page policies (Content-Security-Policy and the
 * rest of helmet's): they mean nothing on a binary tile and cost about a
 * kilobyte on every hit. Node reads these arrays and never changes them
 * (treat them as read-only).
 */
export interface TileHeads {
  /** The Cache-Control they were built with (the tile routes of one app share one). */
  cacheControl: string;
  gzip: string[];
  identity: string[];
  /** 304, and 204 for an empty tile. */
  bodiless: string[];
}

export function tileHeads(tile: CachedTile, cacheControl: string): TileHeads {
  const known = tile.heads;
  if (known !== undefined && known.cacheControl === cacheControl) return known;
  const common = ['Cache-Control', cacheControl, 'Access-Control-Allow-Origin', '*'];
  if (tile.bytes > 0) common.push('Vary', 'Accept-Encoding');
  if (tile.etag) common.push('ETag', tile.etag);
  const body = (length: number) => [...common, 'Content-Type', MVT_TYPE, 'Content-Length', String(length)];
  const heads: TileHeads = {
    cacheControl,
    gzip: [...body(tile.gzip.length), 'Content-Encoding', 'gzip'],
    // `bytes` is the uncompressed length, so the identity head needs no gunzip.
    identity: body(tile.bytes),
    bodiless: common,
  };
  tile.heads = heads;
  return heads;
}

/**
 * The answer for `tile`, with the headers of tileHeads. The uncompressed
 * bytes come from `cache` (TileCache.identity: gunzipped once, then kept
 * for the next such request under `key`), or are gunzipped here without one.
 */
export function sendTile(
  req: IncomingMessage,
  res: ServerResponse,
  tile: CachedTile,
  cacheControl: string,
  cache?: TileCache,
  key?: string,
): void {
  const heads = tileHeads(tile, cacheControl);
  if (tile.etag) {
    const inm = req.headers['if-none-match'];
    if (inm !== undefined && etagMatches(inm, tile.etag)) {
      res.writeHead(304, heads.bodiless);
      res.end();
      return;
    }
  }
  if (tile.bytes === 0) {
    res.writeHead(204, heads.bodiless);
    res.end();
    return;
  }
  const head = req.method === 'HEAD';
  if (acceptsGzip(req.headers['accept-encoding'])) {
    res.writeHead(200, heads.gzip);
    res.end(head ? undefined : tile.gzip);
    return;
  }
  res.writeHead(200, heads.identity);
  if (head) res.end();
  else if (tile.identity) res.end(tile.identity);
  else res.end(cache && key !== undefined ? cache.identity(key, tile) : gunzipSync(tile.gzip));
}
