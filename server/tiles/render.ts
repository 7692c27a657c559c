/**
 * A tile from PostGIS: run the one statement (server/tiles/sql.ts), then
 * compress once and derive the ETag, so that every later answer is a copy.
 *
 *   const { version, tile } = await renderTile(pool, layers, { z: 8, x: 203, y: 112 });
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCb, gzipSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import type { DB } from '../db/types.ts';
import { watchCache } from '../http/caches.ts';
import type { LayerDef } from '../layers/index.ts';
import type { CachedTile } from './cache.ts';
import type { TileAt } from './generalise.ts';
import { type TileRow, tileQuery } from './sql.ts';

const gzip = promisify(gzipCb);

/** zlib level of the cached gzip bytes (see packTile). */
const GZIP_LEVEL = 4;

/** Impossible tile coordinates, to find where x and y sit among a statement's parameters. */
const X = -7_777_771;
const Y = -7_777_772;

interface Compiled {
  sql: string;
  parameters: readonly unknown[];
  xAt: number[];
  yAt: number[];
}

// The text of a tile statement depends on the layer set, the zoom and the
// grid only (x and y are parameters), so it is compiled once per triple: building and
// compiling ~18 KB of SQL costs about a millisecond, a good part of what a
// small tile costs us beyond PostgreSQL's own time.
const compiled = watchCache('tiles.statements', new LRUCache<string, Compiled>({ max: 500 }));

/**
 * The statement for a tile, as text and parameters for `pg` (the benchmark
 * runs the very same ones directly).
 */
export function compileTile(
  db: Kysely<DB>,
  layers: readonly LayerDef[],
  t: TileAt,
): { sql: string; parameters: unknown[] } {
  const key = `${layers.map((l) => l.id).join(',')}|${t.z}|${t.grid ?? ''}`;
  let c = compiled.get(key);
  if (!c) {
    const q = tileQuery(layers, { z: t.z, x: X, y: Y, grid: t.grid }).compile(db);
    const at = (v: number) => q.parameters.flatMap((p, i) => (p === v ? [i] : []));
    c = { sql: q.sql, parameters: q.parameters, xAt: at(X), yAt: at(Y) };
    compiled.set(key, c);
  }
  const parameters = [...c.parameters];
  for (const i of c.xAt) parameters[i] = t.x;
  for (const i of c.yAt) parameters[i] = t.y;
  return { sql: c.sql, parameters };
}

/**
 * Compiles, one a turn of the event loop, the statements of `layers` at
 * every zoom where one of them has data, so that the first tile of each
 * zoom after a start does not wait for its statement to be built: 5 to 12 ms
 * a zoom in a fresh process (measured on the composite layer, 2026-11-30),
 * a quarter of a small tile's whole render. Returns a stop function.
 */
export function warmStatements(db: Kysely<DB>, layers: readonly LayerDef[]): () => void {
  const lowest = Math.min(...layers.map((l) => l.minzoom));
  const deepest = Math.max(...layers.map((l) => l.maxzoom));
  let z = Number.isFinite(lowest) ? lowest : 0;
  let timer: NodeJS.Immediate | undefined;
  const next = () => {
    if (z > deepest) return;
    const at = layers.filter((l) => z >= l.minzoom && z <= l.maxzoom);
    if (at.length > 0) compileTile(db, at, { z, x: 0, y: 0 });
    z++;
    timer = setImmediate(next);
    // Never what keeps a process alive (scripts that build an app and return).
    timer.unref();
  };
  timer = setImmediate(next);
  timer.unref();
  return () => {
    if (timer) clearImmediate(timer);
    z = deepest + 1;
  };
}

export interface Rendered {
  version: number;
  tile: CachedTile;
  /**
   * Milliseconds in PostgreSQL (round trip), in the layers of `more` (on the
   * event loop, mostly while the statement runs) and in compression, for Server-Timing.
   */
  timing: { db: number; more: number; gzip: number };
}

/**
 * `more`, when given, adds MVT layers that do not come from PostGIS (the
 * basemap's, server/tiles/basemap.ts) for the data version the statement read.
 * They are cut while the statement runs, for `expected` (the version the
 * request knows); should the statement read another, they are cut again for it.
 */
export async function renderTile(
  db: Kysely<DB>,
  pool: pg.Pool,
  layers: readonly LayerDef[],
  t: TileAt,
  more?: (version: number) => Promise<Buffer>,
  expected?: number,
): Promise<Rendered> {
  const q = compileTile(db, layers, t);
  const t0 = performance.now();
  const statement = pool.query<TileRow>(q.sql, q.parameters);
  let moreMs = 0;
  const timedMore = async (v: number) => {
    const m0 = performance.now();
    try {
      return await more!(v);
    } finally {
      moreMs += performance.now() - m0;
    }
  };
  const early = more && expected !== undefined && expected >= 0 ? timedMore(expected) : undefined;
  // Not awaited yet: a failure here must not be an unhandled rejection while the statement runs.
  early?.catch(() => {});
  const { rows } = await statement;
  const t1 = performance.now();
  const row = rows[0]!;
  const version = Number(row.version);
  const extra = more ? await (expected === version && early ? early : timedMore(version)) : undefined;
  const mvt = extra ? Buffer.concat([row.mvt, extra]) : row.mvt;
  const { tile, gzipMs } = await packTile(mvt);
  return { version, tile, timing: { db: t1 - t0, more: moreMs, gzip: gzipMs } };
}

/**
 * MVT bytes as the cache keeps them (compressed once, with an ETag from the
 * content), whoever encoded them: PostGIS for layer tiles, vt-pbf for the
 * GeoJSON sources (server/tiles/geojson.ts).
 */
export async function packTile(mvt: Buffer): Promise<{ tile: CachedTile; gzipMs: number }> {
  if (mvt.length === 0) return { tile: { gzip: Buffer.alloc(0), bytes: 0, etag: '' }, gzipMs: 0 };
  const t0 = performance.now();
  // Level 4: on 106 tiles of the benchmark data (z5–z14, 11.1 MB of MVT) it
  // took 1.49 ms a tile where level 6, zlib's default, took 2.37, for 0.6 %
  // more bytes (3,760 KB against 3,739; level 1: 1.05 ms but 5 % more, which
  // every later answer of the tile would carry). 2026-11-30, night.
  // Small tiles are compressed in place (well under a millisecond; a hop to
  // libuv's thread pool costs about as much on a busy machine); large ones off
  // the event loop, which they would hold for ms, while it hashes the ETag.
  const small = mvt.length < 64 * 1024;
  const pending = small ? undefined : gzip(mvt, { level: GZIP_LEVEL });
  const etag = `W/"${createHash('sha1').update(mvt).digest('base64url')}"`;
  const compressed = pending ? await pending : gzipSync(mvt, { level: GZIP_LEVEL });
  return { tile: { gzip: compressed, bytes: mvt.length, etag }, gzipMs: performance.now() - t0 };
}
