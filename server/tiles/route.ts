/**
 * GET /tiles/{layers}/{z}/{x}/{y}.mvt   one MVT layer per registry layer
 * GET /tiles/{layers}.json              TileJSON 3.0.0
 * GET {source.path}                     each GeoJSON source (server/tiles/geojson.ts)
 *
 * `{layers}` is `all`, a layer id or a comma list. What reaches this router
 * is everything the fast path did not answer: misses, bad input, TileJSON.
 * Bad z/x/y → 400, unknown layer → 404 (server/tiles/params.ts); no layer
 * at this zoom, or no feature in the tile → 204.
 */
import { type Request, type RequestHandler, type Response, Router } from 'express';
import { notFound } from '../http/problem.ts';
import type { LayerDef } from '../layers/index.ts';
import { tileKey } from './cache.ts';
import { type GeoJsonSource, geojsonRoute } from './geojson.ts';
import { gridKey } from './grid.ts';
import { layersAtZoom, parseLayers, parseTile, type TileRequest } from './params.ts';
import { renderTile } from './render.ts';
import { dropPageHeaders, sendTile } from './respond.ts';
import type { TileState } from './state.ts';
import { layerExtent, tileJson } from './tilejson.ts';

const EMPTY = { gzip: Buffer.alloc(0), bytes: 0, etag: '' };

export async function extents(state: TileState, layers: readonly LayerDef[]) {
  await state.version.ready();
  if (state.extents.version !== state.version.current) {
    state.extents = { version: state.version.current, byLayer: new Map() };
  }
  const { byLayer } = state.extents;
  return Promise.all(
    layers.map((layer) => {
      let p = byLayer.get(layer.id);
      if (!p) {
        p = layerExtent(state.db, layer);
        // A failure (database away) is not remembered.
        p.catch(() => byLayer.delete(layer.id));
        byLayer.set(layer.id, p);
      }
      return p;
    }),
  );
}

/** Scheme and host as the client sees them: X-Forwarded-Proto/-Host from a trusted proxy (app's `trust proxy`). */
function origin(req: Request): string {
  return `${req.protocol}://${req.host}`;
}

/**
 * Answers one tile through the cache, rendering it on a miss: the one way
 * a tile is served, whatever path it was asked by (/tiles here, OGC API -
 * Tiles in server/tiles/ogc.ts).
 */
export async function answerTile(
  state: TileState,
  req: Request,
  res: Response,
  t: TileRequest,
): Promise<void> {
  dropPageHeaders(res);
  const present = layersAtZoom(t, t.z);
  if (present.length === 0) {
    sendTile(req, res, EMPTY, state.cacheControl);
    return;
  }
  await state.version.ready();
  const asked = state.version.current ?? -1;
  // A tile of WorldCRS84Quad is filed apart from the /tiles one of the same z/x/y.
  const setKey = gridKey(t.key, t);
  const id = `${setKey}/${t.z}/${t.x}/${t.y}`;
  let filed = tileKey(asked, setKey, t.z, t.x, t.y);
  const render = async () => {
    const end = state.counters.renderSeconds.startTimer();
    state.counters.renders.inc();
    // The basemap's layers are cut by geojson-vt on Web Mercator: not in WorldCRS84Quad tiles.
    const more = t.basemap && !t.grid ? (v: number) => state.basemap.tile(v, t) : undefined;
    const { version, tile, timing } = await renderTile(state.db, state.pool, present, t, more, asked);
    end();
    // The request that rendered says where the time went (browsers' network panel shows it).
    res.setHeader(
      'Server-Timing',
      `db;dur=${timing.db.toFixed(1)}, ${more ? `basemap;dur=${timing.more.toFixed(1)}, ` : ''}gzip;dur=${timing.gzip.toFixed(1)}`,
    );
    state.version.observe(version);
    return { version, tile };
  };
  const tile = await state.cache.through(filed, async () => {
    // Level 2 (Redis) when there is one: another instance may have rendered it.
    // (Not before the version is known: the key must name one.)
    const { version, tile } =
      state.redis && asked >= 0 ? await state.redis.through(asked, id, render) : await render();
    filed = tileKey(version, setKey, t.z, t.x, t.y);
    return { key: filed, tile };
  });
  sendTile(req, res, tile, state.cacheControl, state.cache, filed);
}

/**
 * The MVT route of tilesRouter alone, for mounting before the page middleware
 * (helmet, compression, CORS, the JSON body parser and the routers in between):
 * a tile drops the headers they set (dropPageHeaders) and is compressed
 * already, so for a tile they were work thrown away (about 0.2 ms of a cold
 * tile; 2026-11-30). Whatever it cannot parse goes on to tilesRouter's own
 * route, which answers it (400, 404) as before, with every page header.
 */
export function earlyTileRoute(state: TileState): RequestHandler {
  return async (req, res, next) => {
    let t: TileRequest;
    try {
      t = tileOfRequest(req);
    } catch {
      next();
      return;
    }
    await answerTile(state, req, res, t);
  };
}

/** The path of a tile, as both routes (earlyTileRoute, tilesRouter) match it. */
export const TILE_PATH = '/tiles/:layers/:z/:x/:file';

/** The tile a request of TILE_PATH asks for; a ProblemError (400, 404) when it names none. */
function tileOfRequest(req: Request): TileRequest {
  const { layers, z, x, file } = req.params;
  return parseTile(String(layers), String(z), String(x), String(file));
}

export function tilesRouter(state: TileState, sources: readonly GeoJsonSource[]): Router {
  const r = Router();
  for (const source of sources) r.get(source.path, geojsonRoute(state, source));

  r.get(TILE_PATH, async (req, res) => {
    await answerTile(state, req, res, tileOfRequest(req));
  });

  r.get('/tiles/:file', async (req, res) => {
    const m = /^(.+)\.json$/.exec(req.params.file);
    if (!m) throw notFound(`no resource at ${req.path}; TileJSON is at /tiles/{layers}.json`);
    const set = parseLayers(m[1]!);
    const boxes = await extents(state, set.layers);
    res.set('Cache-Control', state.cacheControl).json(tileJson(set, origin(req), boxes));
  });

  return r;
}
