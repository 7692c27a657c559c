/**
 * Writes data/ into PostGIS in one transaction, through the write path every
 * writer uses (server/import/write.ts): units, border gates, roads and
 * projects go through their layer's target, upserted by slug so ids stay
 * stable; seeded rows no longer in data/ are removed; rows of other origins
 * (imports) are left alone. If the tables' contents come out identical to
 * what was there, the transaction is rolled back: a second run changes
 * nothing, not even the data version.
 */
import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../server/db/types.ts';
import { mergeUnits } from '../server/gazetteer/data.ts';
import { RecordError } from '../server/import/errors.ts';
import {
  citeBorderSegments,
  writeCountries,
  writeIndicators,
  writeSources,
} from '../server/import/records.ts';
import type { KeyedLayer } from '../server/import/targets/index.ts';
import { type KeyedRecord, removeRowsNotIn, writeRecords } from '../server/import/write.ts';
import { deriveBorderSegments } from './borders.ts';
import { SeedError } from './errors.ts';
import { FILES, label, type SeedData } from './read.ts';

/** Rows written by seeding carry this origin. */
export const SEED_ORIGIN = 'seed';

const FINGERPRINTED = [
  ['sources', 'id'],
  ['admin_units', 'id'],
  ['unit_successors', 'unit_id, successor_id'],
  ['countries', 'id'],
  ['border_segments', 'id'],
  ['border_gates', 'id'],
  ['roads', 'id'],
  ['projects', 'id'],
  ['market_details', 'project_id'],
  ['industrial_park_details', 'project_id'],
  ['project_figures', 'project_id, key'],
  ['indicator_definitions', 'code'],
  ['indicators', 'id'],
  ['citations', 'entity, entity_id, source_id'],
] as const;

/** md5 over every seeded table's rows, in key order. Table names are constants above. */
export function fingerprint(db: Kysely<DB>): Promise<string> {
  return tablesFingerprint(db, FINGERPRINTED);
}

/**
 * md5 over the rows of `tables`, each in the order of its key columns
 * ('a, b'): equal exactly when every row is. Names must be constants, not input.
 */
export async function tablesFingerprint(
  db: Kysely<DB>,
  tables: readonly (readonly [table: string, order: string])[],
): Promise<string> {
  const parts = tables.map(
    ([t, order]) =>
      sql`(SELECT coalesce(md5(string_agg(x::text, '|' ORDER BY ${sql.raw(
        order
          .split(', ')
          .map((c) => `x.${c}`)
          .join(', '),
      )})), '') FROM ${sql.table(t)} x)`,
  );
  const { rows } = await sql<{ f: string }>`SELECT md5(concat_ws(',', ${sql.join(parts)})) AS f`.execute(db);
  return rows[0]!.f;
}

class NoChange extends Error {}

export interface LoadResult {
  changed: boolean;
  version: number;
  counts: Record<string, number>;
}

/** A RecordError from a writer, named with its file. */
async function inFile<T>(file: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof RecordError) throw new SeedError(file, e.record, e.field, e.reason);
    throw e;
  }
}

const TABLE_OF: Record<KeyedLayer, { table: string; layers: string[] }> = {
  units: { table: 'admin_units', layers: ['communes', 'provinces'] },
  'border-gates': { table: 'border_gates', layers: ['border-gates'] },
  roads: { table: 'roads', layers: ['roads'] },
  projects: { table: 'projects', layers: ['projects', 'markets', 'industrial-parks'] },
};

/**
 * Slugs the write API owns: rows an edit wrote or took over (origin
 * 'edit'), and rows an edit deleted that have not come back. Seeding leaves
 * them alone, so an edit survives the next `npm start`.
 */
async function editedSlugs(trx: Kysely<DB>, layer: KeyedLayer): Promise<Set<string>> {
  const { table, layers } = TABLE_OF[layer];
  const { rows } = await sql<{ slug: string }>`
    SELECT slug FROM ${sql.table(table)} WHERE origin = 'edit'
    UNION
    SELECT a.before->'properties'->>'slug' FROM audit_log a
    WHERE a.operation = 'delete' AND a.outcome = 'applied' AND a.layer = ANY(${layers}::text[])
      AND NOT EXISTS (SELECT 1 FROM ${sql.table(table)} t WHERE t.slug = a.before->'properties'->>'slug')`.execute(
    trx,
  );
  return new Set(rows.map((r) => r.slug));
}

/**
 * One layer through the write path; its first problem stops the seed.
 * With `skipUnchanged` (units: the 14,000 of the gazetteer), records equal
 * to what seeding last wrote (seed_digests: same digest, and as many rows
 * of origin seed) are not written again: writing them would change nothing.
 */
async function writeLayer(
  trx: Kysely<DB>,
  layer: KeyedLayer,
  file: string,
  all: KeyedRecord[],
  skipUnchanged = false,
): Promise<boolean> {
  const edited = await editedSlugs(trx, layer);
  const records = edited.size ? all.filter((r) => !edited.has(r.properties.slug)) : all;
  const digest = skipUnchanged
    ? createHash('sha256')
        .update(JSON.stringify(records.map((r) => [r.properties, r.geometry])))
        .digest('hex')
    : null;
  if (digest) {
    const { rows } = await sql<{ same: boolean }>`
      SELECT d.digest = ${digest} AND d.rows = ${records.length}
        AND (SELECT count(*) FROM ${sql.table(TABLE_OF[layer].table)} WHERE origin = ${SEED_ORIGIN}) = d.rows AS same
      FROM seed_digests d WHERE d.layer = ${layer}`.execute(trx);
    if (rows[0]?.same) return false;
  }
  const r = await writeRecords(trx, layer, records, { origin: SEED_ORIGIN });
  const p = r.problems.list[0];
  // The gazetteer's records are labelled by their CSV line.
  if (p)
    throw new SeedError(p.record.startsWith('line ') ? FILES.gazetteer : file, p.record, p.field, p.reason);
  if (digest)
    await sql`
      INSERT INTO seed_digests (layer, digest, rows) VALUES (${layer}, ${digest}, ${records.length})
      ON CONFLICT (layer) DO UPDATE SET digest = excluded.digest, rows = excluded.rows`.execute(trx);
  return digest !== null;
}

const features = (list: { properties: { slug: string }; geometry: unknown }[]): KeyedRecord[] =>
  list.map((f, i) => ({ label: label(f, i), properties: f.properties, geometry: f.geometry }));

export async function loadData(db: Kysely<DB>, data: SeedData): Promise<LoadResult> {
  let counts: Record<string, number> = {};
  let unchanged = false;
  // units.json's units and the national gazetteer's others: one unit, one row.
  const units: KeyedRecord[] = mergeUnits(data.units, data.gazetteer ?? []).map(
    ({ record, from, index }) => ({
      label: from === 'units' ? label(record, index) : `line ${index + 2} "${record.slug}"`,
      properties: record,
      geometry: null,
    }),
  );
  try {
    await db.transaction().execute(async (trx) => {
      const before = await fingerprint(trx);
      await inFile(FILES.sources, () => writeSources(trx, data.sources));
      // The digest of what was written is kept even when nothing changed (the next seed skips the units).
      const digested = await writeLayer(trx, 'units', FILES.units, units, true);
      await inFile(FILES.countries, () => writeCountries(trx, data.countries));
      await deriveBorderSegments(trx);
      await citeBorderSegments(trx);
      await writeLayer(trx, 'border-gates', FILES.gates, features(data.gates));
      await writeLayer(trx, 'roads', FILES.roads, features(data.roads));
      await writeLayer(trx, 'projects', FILES.projects, features(data.projects));
      await inFile(FILES.indicators, () =>
        writeIndicators(trx, data.indicatorDefinitions, data.indicators, SEED_ORIGIN),
      );
      // What data/ no longer has; units last, and only those nothing points at.
      const slugs = (list: { properties: { slug: string } }[]) => list.map((f) => f.properties.slug);
      await removeRowsNotIn(trx, 'projects', SEED_ORIGIN, slugs(data.projects));
      await removeRowsNotIn(trx, 'border-gates', SEED_ORIGIN, slugs(data.gates));
      await removeRowsNotIn(trx, 'roads', SEED_ORIGIN, slugs(data.roads));
      await removeRowsNotIn(
        trx,
        'units',
        SEED_ORIGIN,
        units.map((u) => u.properties.slug),
      );
      counts = await countRows(trx);
      const after = await fingerprint(trx);
      if (after === before) {
        if (!digested) throw new NoChange();
        unchanged = true;
        return;
      }
      await sql`UPDATE data_version SET version = version + 1, updated_at = now()`.execute(trx);
    });
  } catch (e) {
    if (!(e instanceof NoChange)) throw e;
    const { rows } = await sql<{ version: number }>`SELECT version FROM data_version`.execute(db);
    return { changed: false, version: rows[0]!.version, counts: await countRows(db) };
  }
  const { rows } = await sql<{ version: number }>`SELECT version FROM data_version`.execute(db);
  return { changed: !unchanged, version: rows[0]!.version, counts };
}

async function countRows(db: Kysely<DB>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [t] of FINGERPRINTED) {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(t)}`.execute(db);
    out[t] = rows[0]!.n;
  }
  return out;
}
