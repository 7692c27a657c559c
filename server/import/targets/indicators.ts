/**
 * Indicators of units (a commune's poverty rate in a year, a programme's
 * capital for a province and period), keyed by their natural key: unit +
 * indicator + year + period + programme (schema.ts indicatorKey). Seeding
 * writes them all at once (records.ts writeIndicators); the write paths that
 * take a few at a time (ingestion's accept) write them here, record by
 * record, every problem named:
 *
 *   const r = await writeIndicatorRecords(trx, [{ label: '#0', record }], { origin: 'edit' });
 *   if (!r.ok) … r.problems: [{ n: 0, field: 'unit', reason: 'unknown unit "xa-…"' }]  // roll back
 *
 * A row of another origin with the same key is taken over only with
 * `takeOver` (the caller checked it as the one to update), as the write API
 * takes over the features it edits.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import { type IndicatorRec, indicatorKey, indicatorRecord } from '../schema.ts';

export interface IndicatorProblem {
  /** Index of the record in the list given. */
  n: number;
  field: string;
  reason: string;
}

export interface IndicatorWritten {
  n: number;
  key: string;
  id: number;
  inserted: boolean;
}

const j = (v: unknown) => JSON.stringify(v);

/** Upserts indicator rows by key; rows of another origin are left alone. Returns id and whether inserted, by key. */
export async function upsertIndicators(
  trx: Kysely<DB>,
  keyed: (IndicatorRec & { key: string })[],
  origin: string,
): Promise<{ key: string; id: number; inserted: boolean }[]> {
  const { rows } = await sql<{ key: string; id: number; inserted: boolean }>`
    INSERT INTO indicators AS o (key, unit_id, indicator, value, qualifier, year, period_start, period_end, programme,
      origin, note)
    SELECT r.key, u.id, r.indicator, r.value, r.qualifier, r.year, r.period_start, r.period_end, r.programme,
      ${origin}, r.note
    FROM jsonb_to_recordset(${j(keyed)}::jsonb) AS r(key text, unit text, indicator text, value numeric,
      qualifier text, year int, period_start int, period_end int, programme text, note text)
    JOIN admin_units u ON u.slug = r.unit
    ON CONFLICT (key) DO UPDATE SET unit_id = excluded.unit_id, indicator = excluded.indicator, value = excluded.value,
      qualifier = excluded.qualifier, year = excluded.year, period_start = excluded.period_start,
      period_end = excluded.period_end, programme = excluded.programme, note = excluded.note
    WHERE o.origin = ${origin}
    RETURNING o.key, o.id::int AS id, (xmax = 0) AS inserted`.execute(trx);
  return rows;
}

/** Checks and writes indicator records (each citing its `sources`, added to what the row cites). */
export async function writeIndicatorRecords(
  trx: Kysely<DB>,
  records: { record: unknown; takeOver?: boolean }[],
  options: { origin: string },
): Promise<{ ok: boolean; problems: IndicatorProblem[]; written: IndicatorWritten[] }> {
  const problems: IndicatorProblem[] = [];
  const parsed: (IndicatorRec & { key: string; n: number })[] = [];
  records.forEach(({ record }, n) => {
    const r = indicatorRecord.safeParse(record);
    if (!r.success)
      for (const issue of r.error.issues)
        problems.push({ n, field: issue.path.map(String).join('.') || 'record', reason: issue.message });
    else parsed.push({ ...r.data, key: indicatorKey(r.data), n });
  });
  const first = new Map<string, number>();
  for (const r of parsed) {
    const f = first.get(r.key);
    if (f !== undefined)
      problems.push({ n: r.n, field: 'year', reason: `the same indicator as #${f} (${r.key}): merge them` });
    else first.set(r.key, r.n);
  }
  // Every reference the database must know, every unknown one named (not only the first).
  const refs = parsed.flatMap((r) => [
    { n: r.n, field: 'unit', what: 'unit', key: r.unit },
    { n: r.n, field: 'indicator', what: 'indicator', key: r.indicator },
    ...r.sources.map((s) => ({ n: r.n, field: 'sources', what: 'source', key: s })),
  ]);
  const { rows: unknown } = await sql<{ i: number }>`
    SELECT (r.i - 1)::int AS i FROM jsonb_array_elements(${j(refs)}::jsonb) WITH ORDINALITY AS r(v, i)
    WHERE NOT CASE r.v->>'what'
      WHEN 'unit' THEN EXISTS (SELECT 1 FROM admin_units u WHERE u.slug = r.v->>'key')
      WHEN 'indicator' THEN EXISTS (SELECT 1 FROM indicator_definitions d WHERE d.code = r.v->>'key')
      ELSE EXISTS (SELECT 1 FROM sources s WHERE s.id = r.v->>'key') END
    ORDER BY r.i`.execute(trx);
  for (const { i } of unknown) {
    const ref = refs[i]!;
    problems.push({ n: ref.n, field: ref.field, reason: `unknown ${ref.what} "${ref.key}"` });
  }
  // Another origin's row of the same key: taken over when the caller said so, else a problem.
  const { rows: owned } = await sql<{ key: string; origin: string }>`
    SELECT key, origin FROM indicators WHERE key = ANY(${parsed.map((r) => r.key)}::text[])
      AND origin <> ${options.origin}`.execute(trx);
  for (const o of owned) {
    const r = parsed.find((p) => p.key === o.key)!;
    if (records[r.n]!.takeOver)
      await sql`UPDATE indicators SET origin = ${options.origin} WHERE key = ${o.key}`.execute(trx);
    else
      problems.push({
        n: r.n,
        field: 'year',
        reason: `the atlas holds this indicator already (${o.key}, origin ${o.origin}): update it instead`,
      });
  }
  problems.sort((a, b) => a.n - b.n);
  if (problems.length) return { ok: false, problems, written: [] };
  const rows = await upsertIndicators(trx, parsed, options.origin);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const cites = parsed.flatMap((r) => r.sources.map((source) => ({ key: r.key, source })));
  await sql`
    INSERT INTO citations (entity, entity_id, source_id)
    SELECT DISTINCT 'indicator', i.id, r.source FROM jsonb_to_recordset(${j(cites)}::jsonb) AS r(key text, source text)
    JOIN indicators i ON i.key = r.key
    ON CONFLICT DO NOTHING`.execute(trx);
  const written: IndicatorWritten[] = [];
  for (const r of parsed) {
    // Unchanged rows are not RETURNed by an upsert whose values are the same: read their id.
    const row =
      byKey.get(r.key) ??
      (
        await sql<{ id: number }>`SELECT id::int AS id FROM indicators WHERE key = ${r.key}`.execute(trx)
      ).rows.map((x) => ({ id: x.id, inserted: false }))[0]!;
    written.push({ n: r.n, key: r.key, id: row.id, inserted: row.inserted });
  }
  return { ok: true, problems, written };
}
