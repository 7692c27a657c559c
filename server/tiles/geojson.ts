/**
 * GeoJSON sources: tiles of a query result rather than of a table (PostGIS
 * tiles tables; a result computed per parameter set is indexed once by
 * geojson-vt and cut from memory). They go through the same steps as the
 * layer tiles: z/x/y parsed by server/tiles/params.ts, the tile cache keyed
 * by data version (server/tiles/cache.ts), the same answers (204, ETag/304,
 * gzip negotiation: server/tiles/respond.ts), and the app's one data-version
 * listener for freshness.
 *
 *   GET {source.path}?{query}
 *     parse z/x/y ──▶ source.query(query) ──▶ key ──▶ version.read()
 *       tile cache hit? ──▶ sendTile
 *       miss ──▶ index (one per version + key, shared, bounded by features)
 *            ──▶ getTile(z, x, y) ──▶ vt-pbf ──▶ gzip + ETag ──▶ cache ──▶ sendTile
 *
 * A source (server/analysis/near-border-tiles.ts) says only what is its own:
 * its path, its MVT layer name, how it reads its parameters and how it loads
 * the FeatureCollection for them.
 */
import type { RequestHandler } from 'express';
import type { FeatureCollection } from 'geojson';
import GeoJSONVT from 'geojson-vt';
import vtpbf from 'vt-pbf';
import type { DataVersion } from '../db/data-version.ts';
import { type CachedTile, SharedCache, tileKey } from './cache.ts';
import { tileCoords } from './params.ts';
import { packTile } from './render.ts';
import { dropPageHeaders, sendTile } from './respond.ts';
import type { TileState } from './state.ts';

export interface GeoJsonSource {
  /** Names the source in cache keys. */
  id: string;
  /** Express path with :z, :x and :y, e.g. '/api/analysis/near-border/tiles/:z/:x/:y.mvt'. */
  path: string;
  /** The one MVT layer its tiles hold. */
  layer: string;
  /** Cache-Control of its tiles (the layer tiles' when not given). */
  cacheControl?: string;
  /** Deepest zoom geojson-vt cuts to; deeper tiles are cut from that one. */
  maxZoom: number;
  /** Features kept over all cached indexes of this source. */
  maxFeatures: number;
  /** Indexes (parameter sets) kept. */
  maxIndexes: number;
  /**
   * The request's query string read into a canonical key (same key, same
   * features) and the load of its features; bad input throws the problem
   * to answer. Runs after z/x/y are checked.
   */
  query(input: Record<string, unknown>): { key: string; load: () => Promise<FeatureCollection> };
}

/** Empty tiles of a GeoJSON source carry this ETag (the answer to a conditional request stays 304). */
const EMPTY: CachedTile = { gzip: Buffer.alloc(0), bytes: 0, etag: 'W/"empty"' };

/** The index cache of one source, emptied when the data version moves (older keys cannot be asked again). */
function indexCache(source: GeoJsonSource, version: DataVersion) {
  const sizes = new WeakMap<GeoJSONVT, number>();
  const cache = new SharedCache<GeoJSONVT>({
    maxSize: source.maxFeatures,
    max: source.maxIndexes,
    size: (index) => sizes.get(index) ?? 1,
  });
  version.onChange(() => cache.clear());
  return {
    async index(v: number, key: string, load: () => Promise<FeatureCollection>): Promise<GeoJSONVT> {
      const at = `${v}|${key}`;
      return cache.through(at, async () => {
        const fc = await load();
        const index = new GeoJSONVT(fc, { maxZoom: source.maxZoom, indexMaxZoom: 5 });
        sizes.set(index, fc.features.length);
        return { key: at, value: index };
      });
    },
  };
}

export function geojsonRoute(state: TileState, source: GeoJsonSource): RequestHandler {
  const indexes = indexCache(source, state.version);
  const cacheControl = source.cacheControl ?? state.cacheControl;
  return async (req, res) => {
    dropPageHeaders(res);
    const { z, x, y } = tileCoords(req.params as { z?: string; x?: string; y?: string });
    const { key, load } = source.query(req.query as Record<string, unknown>);
    // The version is read before the features: data newer than the key can
    // only be filed under an older version, never older data under a newer one.
    const v = await state.version.read();
    const at = tileKey(v, `${source.id}?${key}`, z, x, y);
    const tile = await state.cache.through(at, async () => {
      state.counters.renders.inc();
      const cut = (await indexes.index(v, key, load)).getTile(z, x, y);
      if (!cut || cut.features.length === 0) return { key: at, tile: EMPTY };
      const mvt = Buffer.from(vtpbf.fromGeojsonVt({ [source.layer]: cut }, { version: 2 }));
      return { key: at, tile: (await packTile(mvt)).tile };
    });
    sendTile(req, res, tile, cacheControl, state.cache, at);
  };
}
