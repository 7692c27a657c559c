/**
 * Renders every tile of a bounding box and zoom range into a PMTiles v3
 * archive, through the server's own tile code: the tile pool and session
 * settings of server/tiles/index.ts, the statement of render.ts and its
 * gzip, so each archived tile is byte for byte what /tiles would send.
 * Tiles render `concurrency` at a time (the pool's size) and are written
 * in tile id order; at most 16 × `concurrency` rendered tiles wait in
 * memory for their turn.
 *
 *   await exportPmtiles(database, { bbox: [103.5, 21.8, 104.6, 22.9], minzoom: 0, maxzoom: 10,
 *     layers: parseLayers('all'), out: 'lao-cai.pmtiles', concurrency: 4, onProgress });
 */
import { rm } from 'node:fs/promises';
import type { Database } from '../../db/connect.ts';
import { DataVersion } from '../../db/data-version.ts';
import { createTiles } from '../index.ts';
import { tileAt } from '../ogc-tms.ts';
import { type LayerSet, layersAtZoom } from '../params.ts';
import { renderTile } from '../render.ts';
import { tileJson } from '../tilejson.ts';
import { zxyToTileId } from './tile-id.ts';
import { PmtilesWriter, type Written } from './writer.ts';

export type Bbox = [number, number, number, number];

export interface ExportOptions {
  bbox: Bbox;
  minzoom: number;
  maxzoom: number;
  layers: LayerSet;
  out: string;
  concurrency: number;
  onProgress?: (done: number, total: number) => void;
  /** For tests: a smaller root directory forces leaf directories. */
  rootLimit?: number;
}

export interface Exported extends Written {
  /** Tiles rendered (including empty ones, which are not stored). */
  rendered: number;
  dataVersion: number;
  seconds: number;
}

/** The tiles of `bbox` at zoom z, in tile id (Hilbert) order. */
export function tilesOf(bbox: Bbox, z: number): { z: number; x: number; y: number; id: number }[] {
  const nw = tileAt(bbox[0], bbox[3], z);
  const se = tileAt(bbox[2], bbox[1], z);
  const out = [];
  for (let x = nw.col; x <= se.col; x++) {
    for (let y = nw.row; y <= se.row; y++) out.push({ z, x, y, id: zxyToTileId(z, x, y) });
  }
  return out.sort((a, b) => a.id - b.id);
}

export function countTiles(bbox: Bbox, minzoom: number, maxzoom: number): number {
  let n = 0;
  for (let z = minzoom; z <= maxzoom; z++) {
    const nw = tileAt(bbox[0], bbox[3], z);
    const se = tileAt(bbox[2], bbox[1], z);
    n += (se.col - nw.col + 1) * (se.row - nw.row + 1);
  }
  return n;
}

/** Runs at most `n` of the functions given at a time, in the order given. */
export function limiter(n: number): <T>(f: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    running--;
    queue.shift()?.();
  };
  return <T>(f: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      const run = () => {
        running++;
        f().then(resolve, reject).finally(release);
      };
      if (running < n) run();
      else queue.push(run);
    });
}

export async function exportPmtiles(database: Database, o: ExportOptions): Promise<Exported> {
  const started = performance.now();
  const version = new DataVersion(database.pool, { pollMs: 60_000 });
  const tiles = createTiles({ database, version, config: { TILE_PG_POOL_MAX: o.concurrency } });
  const { db, pool, basemap } = tiles.state;
  // The composite set carries the basemap's labels and rivers, as /tiles/all does.
  const more = (t: { z: number; x: number; y: number }) =>
    o.layers.basemap ? (v: number) => basemap.tile(v, t) : undefined;
  const limit = limiter(o.concurrency);
  const writer = await PmtilesWriter.open(o.out);
  const total = countTiles(o.bbox, o.minzoom, o.maxzoom);
  let done = 0;
  let dataVersion: number | undefined;
  type Pending = { id: number; result: Promise<Awaited<ReturnType<typeof renderTile>> | undefined> };
  const window: Pending[] = [];
  try {
    // Tiles of every zoom in one stream, in id order (zoom after zoom, each
    // along its Hilbert curve), so that the renders of one zoom overlap
    // with the next instead of draining at each boundary.
    function* every() {
      for (let z = o.minzoom; z <= o.maxzoom; z++) {
        const present = layersAtZoom(o.layers, z);
        for (const t of tilesOf(o.bbox, z)) yield { t, present };
      }
    }
    const source = every();
    const start = (): Pending | undefined => {
      const n = source.next();
      if (n.done) return undefined;
      const { t, present } = n.value;
      // No layer at this zoom: the server answers 204 without asking PostgreSQL.
      const result =
        present.length === 0
          ? Promise.resolve(undefined)
          : limit(() => renderTile(db, pool, present, t, more(t)));
      // Awaited in order below; marked handled now so a failure ahead of its turn is not "unhandled".
      result.catch(() => {});
      return { id: t.id, result };
    };
    // More tiles queued than rendering (`limit` starts `concurrency` at a
    // time, so none waits on the pool past its connect timeout), so that one
    // slow tile at the head does not leave the connections idle; still a
    // bound on what waits in memory.
    const depth = o.concurrency * 16;
    for (let p = start(); p; p = window.length < depth - 1 ? start() : undefined) window.push(p);
    while (window.length > 0) {
      const head = window.shift()!;
      const r = await head.result;
      const more = start();
      if (more) window.push(more);
      if (r) {
        // Every tile must come from one state of the data, or the archive mixes versions.
        dataVersion ??= r.version;
        if (r.version !== dataVersion) {
          throw new Error(
            `the data changed during the export (version ${dataVersion} → ${r.version}); run it again`,
          );
        }
        if (r.tile.bytes > 0) await writer.add(head.id, r.tile.gzip);
      }
      done++;
      o.onProgress?.(done, total);
    }
    const meta = tileJson(o.layers, '', []) as { vector_layers: unknown[]; attribution?: string };
    const center: [number, number, number] = [
      (o.bbox[0] + o.bbox[2]) / 2,
      (o.bbox[1] + o.bbox[3]) / 2,
      Math.min(o.maxzoom, Math.max(o.minzoom, 8)),
    ];
    const written = await writer.finish({
      metadata: {
        name: o.layers.key === 'all' ? 'Border Atlas' : `Border Atlas: ${o.layers.key}`,
        format: 'pbf',
        type: 'overlay',
        version: String(dataVersion ?? 0),
        description: `Border Atlas vector tiles (layers ${o.layers.key}), data version ${dataVersion ?? 0}`,
        ...(meta.attribution ? { attribution: meta.attribution } : {}),
        vector_layers: meta.vector_layers,
      },
      minZoom: o.minzoom,
      maxZoom: o.maxzoom,
      bounds: o.bbox,
      center,
      rootLimit: o.rootLimit,
    });
    return {
      ...written,
      rendered: done,
      dataVersion: dataVersion ?? 0,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (e) {
    // Renders still in flight end before their pool does.
    await Promise.allSettled(window.map((p) => p.result));
    await writer.abort();
    await rm(o.out, { force: true });
    throw e;
  } finally {
    await tiles.close();
    await version.stop();
  }
}
