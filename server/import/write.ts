/**
 * The one write path. Every row of admin_units, roads, projects and
 * border_gates is written by its layer's target (targets/*.ts) through
 * these steps, whoever writes:
 *
 *   records ─▶ stage ─▶ settle (geometry, duplicate keys, sources, target.resolve) ─▶ commit (target.write, cite)
 *
 * - an imported file (index.ts) stages its records a batch at a time as it
 *   reads them, then settles and commits;
 * - seeding (seeds/) and the write API (server/features/edit.ts) hand validated records in
 *   data/'s shape (schema.ts) to `writeRecords`, one layer at a time.
 *
 * Nothing here commits or rolls back: the caller owns the transaction and
 * rolls it back when problems come back.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import { checkGeometry } from './geometry.ts';
import { cite } from './provenance.ts';
import { createStage, type Listed, listNotes, type StageRow, stageBatch } from './stage.ts';
import {
  type KeyedLayer,
  keyedTargetFor,
  type Target,
  type TargetContext,
  type WriteCounts,
} from './targets/index.ts';

/** Checks what can only be checked against the database, and resolves references; fills import_problems. */
export async function settle(
  trx: Kysely<DB>,
  target: Target,
  ctx: TargetContext,
  geometry: { srid: number; strict: boolean },
): Promise<void> {
  await checkGeometry(
    trx,
    target.geometry,
    geometry.srid,
    geometry.strict,
    ctx.keyed && target.geometryOptional,
  );
  await sql`
    INSERT INTO import_problems (n, label, field, reason)
    SELECT d.n, d.label, ${target.keyField}, 'duplicate ' || d.key || ' (first at ' || d.first || ')'
    FROM (SELECT n, label, key, first_value(label) OVER w AS first, row_number() OVER w AS rn
          FROM import_stage WHERE key IS NOT NULL WINDOW w AS (PARTITION BY key ORDER BY n)) d
    WHERE d.rn > 1`.execute(trx);
  if (ctx.sourceId === null)
    await sql`
      INSERT INTO import_problems (n, label, field, reason)
      SELECT DISTINCT ON (s.n) s.n, s.label, 'sources', 'unknown source "' || x || '"'
      FROM import_stage s, jsonb_array_elements_text(s.vals->'sources') x
      WHERE NOT EXISTS (SELECT 1 FROM sources o WHERE o.id = x) ORDER BY s.n`.execute(trx);
  await target.resolve(trx, ctx);
}

/** Writes the settled records and their citations. */
export async function commit(
  trx: Kysely<DB>,
  target: Target,
  ctx: TargetContext,
): Promise<WriteCounts & { citations: number }> {
  const counts = await target.write(trx, ctx);
  return { ...counts, citations: await cite(trx, target.entity, ctx.sourceId) };
}

/** One record in data/'s shape: a feature's properties (or a unit), its geometry, and how to name it. */
export interface KeyedRecord {
  /** `#3 "cho-kim-son"`: how problems name the record. */
  label: string;
  /** Validated properties (schema.ts), `slug` and `sources` included. */
  properties: { slug: string } & Record<string, unknown>;
  /** GeoJSON geometry in EPSG:4326 (null for a unit known by its seat). */
  geometry: unknown;
}

export interface WriteOptions {
  /** Who writes: 'seed' for data/; the write API its own. Rows of another origin are never overwritten. */
  origin: string;
  /** Reject invalid geometry instead of repairing it (default true: data/ and edits are ours to fix). */
  strict?: boolean;
}

export interface WriteResult {
  /** No problem: the records were written. */
  ok: boolean;
  problems: Listed;
  warnings: Listed;
  counts: WriteCounts & { citations: number };
}

/**
 * Writes records of one layer inside the caller's transaction: upserted by
 * slug (ids stay stable), citing each record's `sources`. On problems
 * nothing of the layer is written and `ok` is false: the caller rolls back.
 *
 *   await db.transaction().execute(async (trx) => {
 *     const r = await writeRecords(trx, 'projects', [{ label: '#0 "cho-kim-son"', properties, geometry }], { origin: 'edit' });
 *     if (!r.ok) throw new Problems(r.problems);   // rolls back
 *   });
 */
export async function writeRecords(
  trx: Kysely<DB>,
  layer: KeyedLayer,
  records: KeyedRecord[],
  options: WriteOptions,
): Promise<WriteResult> {
  const target = keyedTargetFor(layer);
  const ctx: TargetContext = {
    parent: null,
    precision: 'surveyed',
    uncertaintyM: null,
    sourceId: null,
    origin: options.origin,
    keyed: true,
  };
  await createStage(trx);
  await target.prepare?.(trx);
  const rows: StageRow[] = records.map((r, i) => ({
    n: i + 1,
    label: r.label,
    key: r.properties.slug,
    slug: r.properties.slug,
    vals: r.properties,
    geometry: r.geometry ? { format: 'geojson', text: JSON.stringify(r.geometry) } : null,
    problems: [],
    warnings: [],
  }));
  await stageBatch(trx, rows);
  await settle(trx, target, ctx, { srid: 4326, strict: options.strict ?? true });
  const problems = await listNotes(trx, 'import_problems', 200);
  const warnings = await listNotes(trx, 'import_warnings', 200);
  if (problems.count > 0)
    return { ok: false, problems, warnings, counts: { inserted: 0, updated: 0, citations: 0 } };
  return { ok: true, problems, warnings, counts: await commit(trx, target, ctx) };
}

/**
 * Removes the rows of `origin` in the layer whose slug is not in `keep`
 * (seeding: what data/ no longer has), with their citations; rows something
 * still points at stay (target.pinned). Returns how many went.
 */
export function removeRowsNotIn(trx: Kysely<DB>, layer: KeyedLayer, origin: string, keep: string[]) {
  // NOT IN a subquery is a hashed lookup; `<> ALL(array)` compared every row with every slug (the
  // gazetteer's 14,000 units: seconds).
  return remove(trx, layer, origin, sql`t.slug NOT IN (SELECT unnest(${keep}::text[]))`);
}

/** Removes the rows of `origin` with these slugs (the write API's delete), as removeRowsNotIn does. */
export function removeRows(trx: Kysely<DB>, layer: KeyedLayer, origin: string, slugs: string[]) {
  return remove(trx, layer, origin, sql`t.slug = ANY(${slugs}::text[])`);
}

async function remove(
  trx: Kysely<DB>,
  layer: KeyedLayer,
  origin: string,
  which: ReturnType<typeof sql>,
): Promise<number> {
  const target = keyedTargetFor(layer);
  const { rows } = await sql<{ n: number }>`
    WITH gone AS (
      DELETE FROM ${sql.table(target.table)} t
      WHERE t.origin = ${origin} AND ${which} ${target.pinned ? sql`AND NOT ${target.pinned}` : sql``}
      RETURNING t.id
    ), uncited AS (
      DELETE FROM citations c USING gone WHERE c.entity = ${target.entity} AND c.entity_id = gone.id RETURNING 1
    )
    SELECT (SELECT count(*)::int FROM gone) AS n, (SELECT count(*) FROM uncited) AS c`.execute(trx);
  return rows[0]!.n;
}
