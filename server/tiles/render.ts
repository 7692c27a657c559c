/**
 * A tile from PostGIS: run the one statement (server/tiles/sql.ts), then
 * compress once and derive the ETag, so that every later answer is a copy.
 *
 *   const { version, tile } = await renderTile(pool, layers, { z: 8, x: 203, y: 112 });
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { LayerDef } from '../layers/index.ts';
import type { CachedTile } from './cache.ts';
import type { TileAt } from './generalise.ts';
import { type TileRow, tileQuery } from './sql.ts';

const gzip = promisify(gzipCb);

/** Compile the statement for `pg` (the benchmark runs the very same text and parameters). */
export function compileTile(
  db: Kysely<any>,
  layers: readonly LayerDef[],
  t: TileAt,
): { sql: string; parameters: unknown[] } {
  const q = tileQuery(layers, t).compile(db);
  return { sql: q.sql, parameters: [...q.parameters] };
}

export async function renderTile(
  db: Kysely<any>,
  pool: pg.Pool,
  layers: readonly LayerDef[],
  t: TileAt,
): Promise<{ version: number; tile: CachedTile }> {
  const q = compileTile(db, layers, t);
  const { rows } = await pool.query<TileRow>(q.sql, q.parameters);
  const row = rows[0]!;
  const mvt = row.mvt;
  const version = Number(row.version);
  if (mvt.length === 0) return { version, tile: { gzip: Buffer.alloc(0), bytes: 0, etag: '' } };
  const etag = `W/"${createHash('sha1').update(mvt).digest('base64url')}"`;
  // Level 6 (zlib's default) is within a few per cent of 9 on MVT and several times faster.
  const compressed = await gzip(mvt, { level: 6 });
  return { version, tile: { gzip: compressed, bytes: mvt.length, etag } };
}
