/**
 * Importing real data (issue #7): a file of boundaries, roads, projects or
 * border gates into PostGIS, in one transaction.
 *
 *   const report = await importFile(db, {
 *     file: 'communes.gpkg', layer: 'communes', source: 'Bản đồ hành chính 2025, https://…',
 *     map: { code: 'ma_xa' }, parent: '11',
 *   }, { onProgress: (p) => … });
 *   // report.ok, report.committed, report.written, report.problems (file, record, field, why)
 *
 * Stages, one module each:
 *
 *   readers/ ─▶ mapping ─▶ schema ─▶ stage ─▶ geometry ─▶ targets/<layer> resolve ─▶ write ─▶ provenance
 *   (stream)    (--map)    (rules    (temp     (CRS, type,   (match codes,            (upsert   (source,
 *                          of data/)  table)    region, fix)  names, communes)         by key)   citations, version)
 *
 * From the stage on, this is the path seeding and the write API take too
 * (write.ts).
 *
 * Bad arguments throw ImportArgumentError (naming the option); bad records
 * never throw: they fill report.problems, and nothing is written. A dry run,
 * or an import that would change nothing, is rolled back too: a second
 * import of the same file leaves even the data version alone. No console,
 * no process.exit: the command line (scripts/import.ts) and a later HTTP
 * endpoint both call this.
 */
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import { ImportArgumentError } from './errors.ts';
import { GEOMETRY_FIELDS, type Getter, makeMapper } from './mapping.ts';
import { checkOptions, DEFAULTS, type ImportOptions, parseSource } from './options.ts';
import { bumpVersion, findOrCreateSource } from './provenance.ts';
import { openReader, type RawRecord } from './readers/index.ts';
import type { ImportProgress, ImportReport } from './report.ts';
import { createStage, fileNote, listNotes, type StageRow, stageBatch } from './stage.ts';
import { type TargetContext, targetFor } from './targets/index.ts';
import type { FieldReader } from './targets/types.ts';
import { FieldError, num, text } from './values.ts';
import { commit, settle } from './write.ts';

export { ImportArgumentError, type Problem } from './errors.ts';
export { DEFAULTS, IMPORT_LAYERS, type ImportLayer, type ImportOptions, parsePairs } from './options.ts';
export { formatReport, type ImportProgress, type ImportReport } from './report.ts';

export interface ImportHooks {
  onProgress?: (p: ImportProgress) => void;
  /** Directory of GDAL's programs, with a trailing slash (default: PATH). */
  gdalBin?: string;
  /**
   * Runs inside the import's transaction just before it commits (only when
   * it commits): the HTTP import writes its audit record here, so the
   * record and the data land together or not at all.
   */
  beforeCommit?: (trx: Kysely<DB>, report: ImportReport) => Promise<void>;
}

/** Carries the report out of a transaction that must not commit. */
class RollBack extends Error {
  constructor(readonly report: ImportReport) {
    super('rolled back');
  }
}

export async function importFile(
  db: Kysely<DB>,
  options: ImportOptions,
  hooks: ImportHooks = {},
): Promise<ImportReport> {
  const started = Date.now();
  checkOptions(options);
  const sourceRef = parseSource(options.source);
  const target = targetFor(options.layer);
  const mapper = makeMapper({ ...target.fields, ...GEOMETRY_FIELDS }, options.map);
  if (options.srid !== undefined) {
    const { rows } = await sql`SELECT 1 FROM spatial_ref_sys WHERE srid = ${options.srid}`.execute(db);
    if (rows.length === 0)
      throw new ImportArgumentError(
        '--srid',
        'an EPSG code PostGIS knows (spatial_ref_sys)',
        `${options.srid}`,
      );
  }
  const reader = await openReader(options.file, {
    srid: options.srid,
    inputLayer: options.inputLayer,
    gdalBin: hooks.gdalBin,
  });
  const file = path.basename(options.file);
  const progress = (phase: ImportProgress['phase'], records: number) => {
    const p = reader.progress();
    hooks.onProgress?.({ phase, records, bytes: p.bytes, totalBytes: p.total });
  };

  try {
    return await db.transaction().execute(async (trx) => {
      // Imports are long by nature; the pool's per-statement limit is for requests.
      await sql`SET LOCAL statement_timeout = 0`.execute(trx);
      await createStage(trx);
      await target.prepare?.(trx);
      const source = await findOrCreateSource(trx, sourceRef);
      const ctx: TargetContext = {
        parent: options.parent ?? null,
        precision: options.precision ?? DEFAULTS.precision,
        uncertaintyM: options.uncertaintyM ?? null,
        sourceId: source.id,
        origin: 'import',
        keyed: false,
      };

      // 1. Read, map and stage, a batch at a time.
      let read = 0;
      let skipped = 0;
      let batch: StageRow[] = [];
      let batchBytes = 0;
      // One batch is written while the next is read: JSON parsing and PostGIS overlap.
      let inFlight: Promise<void> = Promise.resolve();
      const flush = async () => {
        const rows = batch;
        batch = [];
        batchBytes = 0;
        await inFlight;
        inFlight = stageBatch(trx, rows);
        inFlight.catch(() => {}); // awaited at the next flush or after the loop
        progress('reading', read);
      };
      // Only the reader's own errors are the file's problem; database errors propagate.
      let readError: Error | null = null;
      const records = reader.records[Symbol.asyncIterator]();
      for (;;) {
        let next: IteratorResult<RawRecord>;
        try {
          next = await records.next();
        } catch (e) {
          readError = e as Error;
          break;
        }
        if (next.done) break;
        const rec = next.value;
        if (!matchesWhere(rec, options.where)) {
          skipped++;
          continue;
        }
        read++;
        const row = toStageRow(rec, target, mapper.getter(rec.properties), ctx);
        batch.push(row);
        batchBytes += row.geometry?.text.length ?? 0;
        if (batch.length >= DEFAULTS.batchSize || batchBytes > DEFAULTS.batchBytes) await flush();
        else if (read % 50 === 0) progress('reading', read);
      }
      await flush();
      await inFlight;
      if (readError)
        await fileNote(
          trx,
          'import_problems',
          '(file)',
          `cannot read past record ${read}: ${readError.message}`,
        );
      for (const m of mapper.unusedMappedColumns())
        await fileNote(trx, 'import_warnings', '--map', `${m}: no record has this column`);
      if (read === 0) await fileNote(trx, 'import_warnings', '(file)', 'no records to import');

      // 2. Geometry and keys.
      progress('checking', read);
      const declared = reader.declaredSrid();
      const srid = reader.reprojects ? (declared ?? 4326) : (options.srid ?? declared ?? DEFAULTS.srid);
      if (options.srid !== undefined && !reader.reprojects && declared !== null && declared !== options.srid)
        await fileNote(
          trx,
          'import_warnings',
          '--srid',
          `EPSG:${options.srid} used; the file declares EPSG:${declared}`,
        );
      await settle(trx, target, ctx, { srid, strict: options.strict ?? false });

      const base = {
        file,
        layer: options.layer,
        format: reader.format,
        srid,
        dryRun: options.dryRun ?? false,
        records: { read, skipped },
        source: { id: source.id, title: source.title, url: source.url, created: source.created },
      };
      const notes = async () => {
        const p = await listNotes(trx, 'import_problems', DEFAULTS.listLimit);
        const w = await listNotes(trx, 'import_warnings', DEFAULTS.listLimit);
        return {
          problems: p.list.map((x) => ({ file, ...x })),
          problemCount: p.count,
          warnings: w.list.map((x) => ({ file, ...x })),
          warningCount: w.count,
        };
      };
      const version = async () =>
        (await trx.selectFrom('data_version').select('version').executeTakeFirst())?.version ?? 0;
      const n = await notes();
      if (n.problemCount > 0) {
        throw new RollBack({
          ...base,
          ...n,
          ok: false,
          changed: false,
          committed: false,
          written: { inserted: 0, updated: 0, unchanged: 0, details: 0, citations: 0 },
          dataVersion: await version(),
          seconds: (Date.now() - started) / 1000,
        });
      }

      // 3. Write, cite, and keep it only if something changed.
      progress('writing', read);
      const { citations, ...counts } = await commit(trx, target, ctx);
      const details = counts.details ?? 0;
      const changed = counts.inserted + counts.updated + details + citations > 0;
      const report: ImportReport = {
        ...base,
        ok: true,
        changed,
        committed: false,
        written: {
          inserted: counts.inserted,
          updated: counts.updated,
          unchanged: read - counts.inserted - counts.updated,
          details,
          citations,
        },
        ...(counts.matchedByCode !== undefined
          ? { matched: { byCode: counts.matchedByCode, byName: counts.matchedByName ?? 0 } }
          : {}),
        ...(await notes()),
        dataVersion: 0,
        seconds: 0,
      };
      if (options.dryRun || !changed) {
        report.dataVersion = await version();
        report.seconds = (Date.now() - started) / 1000;
        throw new RollBack(report);
      }
      report.dataVersion = await bumpVersion(trx);
      await sql`DROP FUNCTION IF EXISTS pg_temp.import_geom(text, text), pg_temp.import_transform(geometry, integer)`.execute(
        trx,
      );
      report.committed = true;
      report.seconds = (Date.now() - started) / 1000;
      await hooks.beforeCommit?.(trx, report);
      return report;
    });
  } catch (e) {
    if (e instanceof RollBack) return e.report;
    throw e;
  } finally {
    progress('done', 0);
  }
}

function matchesWhere(rec: RawRecord, where: Record<string, string> | undefined): boolean {
  if (!where) return true;
  for (const [col, want] of Object.entries(where)) {
    const v = rec.properties[col];
    if (v === undefined || v === null || String(v) !== want) return false;
  }
  return true;
}

function toStageRow(
  rec: RawRecord,
  target: ReturnType<typeof targetFor>,
  raw: Getter,
  ctx: TargetContext,
): StageRow {
  const problems: StageRow['problems'] = [];
  const warnings: StageRow['warnings'] = [];
  const get: Getter = (f) => (f === '$fid' ? (rec.id ?? undefined) : raw(f));
  const field: FieldReader = (name, parse) => {
    try {
      return parse(get(name));
    } catch (e) {
      if (!(e instanceof FieldError)) throw e;
      problems.push({ field: name, reason: e.message });
      return null;
    }
  };
  // A field whose cell could not be read is not reported again by the schema.
  const fail = (name: string, reason: string) => {
    if (!problems.some((p) => p.field === name)) problems.push({ field: name, reason });
  };
  if (rec.bad)
    return {
      n: rec.n,
      label: rec.where,
      key: null,
      slug: null,
      vals: {},
      geometry: null,
      problems: [{ field: '(record)', reason: rec.bad }],
      warnings,
    };
  const parsed = target.parse(get, field, ctx, (f, reason) => warnings.push({ field: f, reason }), fail);
  let geometry = rec.geometry;
  if (geometry === null) {
    const wkt = text(get('wkt'));
    if (wkt !== null) geometry = { format: 'wkt', text: wkt };
    else if (get('lon') !== undefined || get('lat') !== undefined) {
      const lon = field('lon', num);
      const lat = field('lat', num);
      if (lon !== null && lat !== null)
        geometry = { format: 'geojson', text: JSON.stringify({ type: 'Point', coordinates: [lon, lat] }) };
      else if (problems.length === 0)
        problems.push({ field: lon === null ? 'lon' : 'lat', reason: 'missing' });
    }
  }
  return {
    n: rec.n,
    label: parsed.name ? `${rec.where} "${parsed.name}"` : rec.where,
    key: parsed.key,
    slug: parsed.slug,
    vals: parsed.vals,
    geometry,
    problems,
    warnings,
  };
}
