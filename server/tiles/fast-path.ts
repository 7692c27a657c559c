/**
 * Cache hits answered before Express sees the request. A bare node:http
 * server answers ~60,000 requests/s on one core and a minimal Express 5
 * route ~13,000 (DESIGN.md, "Tiles"): a warm tile should cost the former.
 * Everything else (misses, TileJSON, bad input, other paths) goes on to
 * Express untouched.
 *
 *   (req, res) => tiles.serveHit(req, res) || express(req, res)   // createApp's handler (server/app.ts)
 *
 * A tile sends the same few headers on both paths (server/tiles/respond.ts:
 * the tile's own and Access-Control-Allow-Origin; no page policies), so a
 * hit needs nothing learnt from Express and the two paths cannot drift apart.
 * Hits are counted in /metrics (a plain increment, read when /metrics is
 * asked) but not logged one by one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { watchCache } from '../http/caches.ts';
import { tileKey } from './cache.ts';
import { parseLayers } from './params.ts';
import { sendTile } from './respond.ts';
import type { TileState } from './state.ts';

// Plain digits only; anything unusual (percent-encoding, signs, extra
// segments) is Express's to judge and answer.
const TILE_PATH = /^\/tiles\/([a-z0-9,-]+)\/(\d{1,2})\/(\d{1,9})\/(\d{1,9})\.(?:mvt|pbf)(?:\?|$)/;

/** URLs remembered with their cache key; past this many the memo starts again (a map views a few hundred tiles). */
const URL_MEMO_MAX = 10_000;

/** A URL's tile cache key at one data version, or null: not a tile URL this path answers. */
interface Memo {
  version: number;
  key: string | null;
}

function keyOf(url: string, version: number): string | null {
  const m = TILE_PATH.exec(url);
  if (!m) return null;
  try {
    return tileKey(version, parseLayers(m[1]!).key, Number(m[2]), Number(m[3]), Number(m[4]));
  } catch {
    return null;
  }
}

export function fastPath(state: TileState): (req: IncomingMessage, res: ServerResponse) => boolean {
  // Each URL is read (regex, layer list, key) once per data version: a
  // warm hit is a Map lookup, the LRU's, and writeHead with the tile's
  // own header list (server/tiles/respond.ts), with nothing allocated here.
  const memo = watchCache('tiles.fast-path-urls', new Map<string, Memo>());
  return (req, res) => {
    const url = req.url;
    if (url === undefined || !url.startsWith('/tiles/')) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const version = state.version.current;
    if (version === undefined) return false;
    let known = memo.get(url);
    if (known === undefined || known.version !== version) {
      if (memo.size >= URL_MEMO_MAX) memo.clear();
      known = { version, key: keyOf(url, version) };
      memo.set(url, known);
    }
    if (known.key === null) return false;
    const tile = state.cache.get(known.key);
    if (!tile) return false;
    state.counters.hit();
    sendTile(req, res, tile, state.cacheControl, state.cache, known.key);
    return true;
  };
}
