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
 * Hits are counted in /metrics but not logged one by one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tileKey } from './cache.ts';
import { parseLayers } from './params.ts';
import { sendTile } from './respond.ts';
import type { TileState } from './state.ts';

// Plain digits only; anything unusual (percent-encoding, signs, extra
// segments) is Express's to judge and answer.
const TILE_PATH = /^\/tiles\/([a-z0-9,-]+)\/(\d{1,2})\/(\d{1,9})\/(\d{1,9})\.(?:mvt|pbf)(?:\?|$)/;

export function fastPath(state: TileState): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = req.url;
    if (url === undefined || !url.startsWith('/tiles/')) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const version = state.version.current;
    if (version === undefined) return false;
    const m = TILE_PATH.exec(url);
    if (!m) return false;
    let layers: string;
    try {
      layers = parseLayers(m[1]!).key;
    } catch {
      return false;
    }
    const key = tileKey(version, layers, Number(m[2]), Number(m[3]), Number(m[4]));
    const tile = state.cache.get(key);
    if (!tile) return false;
    state.counters.hits.inc();
    sendTile(req, res, tile, state.cacheControl, (t) => state.cache.identity(key, t));
    return true;
  };
}
