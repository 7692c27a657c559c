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

export async function exportPmtiles(database: Database, o: ExportOptions): Promise<Exported> {
  const started = performance.now();
  const version = new DataVersion(database.pool, { pollMs: 60_000 });
  const tiles = createTiles({ database, version, config: { TILE_PG_POOL_MAX: o.concurrency } });
  const { db, pool } = tiles.state;
  const writer = await PmtilesWriter.open(o.out);
  const total = countTiles(o.bbox, o.minzoom, o.maxzoom);
  let done = 0;
  let dataVersion: number | undefined;
  let window: Promise<Awaited<ReturnType<typeof renderTile>>>[] = [];
  try {
    for (let z = o.minzoom; z <= o.maxzoom; z++) {
      const present = layersAtZoom(o.layers, z);
      const list = tilesOf(o.bbox, z);
      if (present.length === 0) {
        done += list.length;
        o.onProgress?.(done, total);
        continue;
      }
      // A window of renders in flight, written in order as the oldest finishes.
      const render = (t: (typeof list)[number]) => renderTile(db, pool, present, t);
      window = [];
      let next = 0;
      // More renders queued than connections (the pool holds them back), so
      // that one slow tile at the head does not leave the connections idle;
      // still a bound on what waits in memory.
      const depth = o.concurrency * 16;
      while (window.length < depth && next < list.length) window.push(render(list[next++]!));
      for (const t of list) {
        const r = await window.shift()!;
        if (next < list.length) window.push(render(list[next++]!));
        // Every tile must come from one state of the data, or the archive mixes versions.
        dataVersion ??= r.version;
        if (r.version !== dataVersion) {
          throw new Error(
            `the data changed during the export (version ${dataVersion} → ${r.version}); run it again`,
          );
        }
        if (r.tile.bytes > 0) await writer.add(t.id, r.tile.gzip);
        done++;
        o.onProgress?.(done, total);
      }
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
    await Promise.allSettled(window);
    await writer.abort();
    await rm(o.out, { force: true });
    throw e;
  } finally {
    await tiles.close();
    await version.stop();
  }
}
