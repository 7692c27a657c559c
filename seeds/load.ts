/**
 * Writes data/ into PostGIS in one transaction, through the write path every
 * writer uses (server/import/write.ts): units, border gates, roads and
 * projects go through their layer's target, upserted by slug so ids stay
 * stable; seeded rows no longer in data/ are removed; rows of other origins
 * (imports) are left alone. If the tables' contents come out identical to
 * what was there, the transaction is rolled back: a second run changes
 * nothing, not even the data version.
 *
 * Work an unchanged input need not repeat is skipped (seed_digests): the
 * units when their files hash as at the last seed (the gazetteer's CSV is
 * then not even read), and the country outlines with the border derived from
 * them when neither countries.geojson nor what those tables hold changed.
 */
import { createHash } from 'node:crypto';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../server/db/types.ts';
import { type GazetteerRec, mergeUnits } from '../server/gazetteer/data.ts';
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

const sha256 = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** Whether seed_digests keeps `digest` under `key`, and `count` (a scalar subquery) still equals the rows it counted. */
async function digestHolds(
  trx: Kysely<DB>,
  key: string,
  digest: string | RawBuilder<unknown>,
  count: RawBuilder<unknown>,
): Promise<boolean> {
  const { rows } = await sql<{ same: boolean }>`
    SELECT d.digest = ${digest} AND (${count}) = d.rows AS same FROM seed_digests d WHERE d.layer = ${key}`.execute(
    trx,
  );
  return rows[0]?.same === true;
}

async function keepDigest(
  trx: Kysely<DB>,
  key: string,
  digest: string | RawBuilder<unknown>,
  rows: number,
): Promise<void> {
  await sql`
    INSERT INTO seed_digests (layer, digest, rows) VALUES (${key}, ${digest}, ${rows})
    ON CONFLICT (layer) DO UPDATE SET digest = excluded.digest, rows = excluded.rows`.execute(trx);
}

const seededCount = (table: string) =>
  sql`SELECT count(*) FROM ${sql.table(table)} WHERE origin = ${SEED_ORIGIN}`;

/**
 * What the countries and the border segments derived from them hold, read
 * cheaply (md5 of the geometries' bytes, no ST_Equals): a seed whose
 * countries are unchanged and whose tables still hold this skips them.
 */
const countriesHeld = sql`
  SELECT md5(concat_ws(',',
    (SELECT string_agg(concat_ws('|', iso3, name, name_vi, md5(ST_AsBinary(geom))), ',' ORDER BY iso3) FROM countries),
    (SELECT string_agg(concat_ws('|', neighbour, part, length_m, md5(ST_AsBinary(geom))), ',' ORDER BY neighbour, part)
       FROM border_segments),
    (SELECT string_agg(concat_ws('|', entity, entity_id, source_id), ',' ORDER BY entity, entity_id, source_id)
       FROM citations WHERE entity IN ('country', 'border_segment'))))`;

/** Key of the units files' digest in seed_digests (the units layer's own is 'units'). */
const UNIT_FILES = 'units:files';

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
): Promise<{ digested: boolean; rows: number }> {
  const edited = await editedSlugs(trx, layer);
  const records = edited.size ? all.filter((r) => !edited.has(r.properties.slug)) : all;
  const digest = skipUnchanged ? sha256(records.map((r) => [r.properties, r.geometry])) : null;
  // The same digest is the same records, so as many as it counted.
  if (digest && (await digestHolds(trx, layer, digest, seededCount(TABLE_OF[layer].table))))
    return { digested: false, rows: records.length };
  const r = await writeRecords(trx, layer, records, { origin: SEED_ORIGIN });
  const p = r.problems.list[0];
  // The gazetteer's records are labelled by their CSV line.
  if (p)
    throw new SeedError(p.record.startsWith('line ') ? FILES.gazetteer : file, p.record, p.field, p.reason);
  if (digest) await keepDigest(trx, layer, digest, records.length);
  return { digested: digest !== null, rows: records.length };
}

const features = (list: { properties: { slug: string }; geometry: unknown }[]): KeyedRecord[] =>
  list.map((f, i) => ({ label: label(f, i), properties: f.properties, geometry: f.geometry }));

export interface LoadOptions {
  /**
   * unitFilesDigest() of the data folder. When the last seed read the same
   * files and the units it wrote are all still there, the units are neither
   * read nor written: the gazetteer's 14,000 rows were checked and written
   * then.
   */
  unitFiles?: string;
  /** Reads the gazetteer when `data.gazetteer` was left unread (readData's `gazetteer: false`) and the units must be written. */
  readGazetteer?: () => GazetteerRec[];
}

/** units.json's units and the national gazetteer's others: one unit, one row. */
function unitRecords(units: SeedData['units'], gazetteer: GazetteerRec[]): KeyedRecord[] {
  return mergeUnits(units, gazetteer).map(({ record, from, index }) => ({
    label: from === 'units' ? label(record, index) : `line ${index + 2} "${record.slug}"`,
    properties: record,
    geometry: null,
  }));
}

export async function loadData(
  db: Kysely<DB>,
  data: SeedData,
  options: LoadOptions = {},
): Promise<LoadResult> {
  let counts: Record<string, number> = {};
  let unchanged = false;
  // The countries as read, and what their tables hold now: both as the last seed left them, and the
  // outlines (ST_MakeValid, ST_Equals) and the border segments derived from them need no work.
  const countriesDigest = sql`${sha256(data.countries)} || ':' || (${countriesHeld})`;
  try {
    await db.transaction().execute(async (trx) => {
      const before = await fingerprint(trx);
      await inFile(FILES.sources, () => writeSources(trx, data.sources));
      // A digest written is kept even when nothing changed (the next seed skips that work).
      let digested = false;
      let unitSlugs: string[] | null = null;
      const unitsKept =
        options.unitFiles !== undefined &&
        (await digestHolds(trx, UNIT_FILES, options.unitFiles, seededCount('admin_units')));
      if (!unitsKept) {
        const units = unitRecords(data.units, data.gazetteer ?? options.readGazetteer?.() ?? []);
        const written = await writeLayer(trx, 'units', FILES.units, units, true);
        digested = written.digested;
        if (options.unitFiles !== undefined) {
          await keepDigest(trx, UNIT_FILES, options.unitFiles, written.rows);
          digested = true;
        }
        unitSlugs = units.map((u) => u.properties.slug);
      }
      const countriesKept = await digestHolds(
        trx,
        'countries',
        countriesDigest,
        sql`SELECT count(*) FROM countries`,
      );
      if (!countriesKept) {
        await inFile(FILES.countries, () => writeCountries(trx, data.countries));
        await deriveBorderSegments(trx);
        await citeBorderSegments(trx);
        await keepDigest(trx, 'countries', countriesDigest, data.countries.length);
        digested = true;
      }
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
      if (unitSlugs) await removeRowsNotIn(trx, 'units', SEED_ORIGIN, unitSlugs);
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
