/**
 * The staging table: every record of the file lands here first (in batches,
 * inside the import's transaction), so that checking, matching and writing
 * are a few set-based statements instead of one round trip per record.
 *
 *   reader ─▶ mapping (JS) ─▶ import_stage ─▶ geometry checks ─▶ target resolve/write
 *                               │                       │
 *                               └──── import_problems ◀─┘   (file, record, field, why)
 *
 * Geometry is parsed by a temporary function that turns a parse error into
 * a message for that record instead of aborting the statement.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';

export interface StageRow {
  n: number;
  label: string;
  key: string | null;
  slug: string | null;
  vals: Record<string, unknown>;
  geometry: { format: 'geojson' | 'wkt'; text: string } | null;
  problems: { field: string; reason: string }[];
  warnings: { field: string; reason: string }[];
}

/** Creates (or empties, for the next layer of the same transaction) the staging tables. */
export async function createStage(trx: Kysely<DB>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS pg_temp.import_stage, pg_temp.import_problems, pg_temp.import_warnings;
    CREATE TEMP TABLE import_stage (
      n integer PRIMARY KEY,
      label text NOT NULL,
      key text,
      slug text,
      vals jsonb NOT NULL,
      g_src geometry,
      g_err text,
      geom geometry,
      target_id bigint,
      matched text,
      parent_id bigint,
      unit_id bigint
    ) ON COMMIT DROP;
    CREATE TEMP TABLE import_problems (n integer, label text, field text, reason text) ON COMMIT DROP;
    CREATE INDEX ON import_problems (n);
    CREATE TEMP TABLE import_warnings (n integer, label text, field text, reason text) ON COMMIT DROP;

    CREATE OR REPLACE FUNCTION pg_temp.import_geom(t text, fmt text, OUT g geometry, OUT err text)
    LANGUAGE plpgsql AS $$
    BEGIN
      IF t IS NULL THEN RETURN; END IF;
      g := ST_Force2D(CASE fmt WHEN 'wkt' THEN ST_GeomFromEWKT(t) ELSE ST_GeomFromGeoJSON(t) END);
    EXCEPTION WHEN others THEN
      g := NULL; err := SQLERRM;
    END $$;

    CREATE OR REPLACE FUNCTION pg_temp.import_transform(g geometry, srid integer, OUT r geometry, OUT err text)
    LANGUAGE plpgsql AS $$
    BEGIN
      r := ST_Transform(ST_SetSRID(g, srid), 4326);
    EXCEPTION WHEN others THEN
      r := NULL; err := SQLERRM;
    END $$;
  `.execute(trx);
}

export async function stageBatch(trx: Kysely<DB>, rows: StageRow[]): Promise<void> {
  if (rows.length === 0) return;
  const data = rows.map((r) => ({
    n: r.n,
    label: r.label,
    key: r.key,
    slug: r.slug,
    vals: r.vals,
    gt: r.geometry?.text ?? null,
    gf: r.geometry?.format ?? null,
  }));
  const json = JSON.stringify(data);
  const recordset = sql`jsonb_to_recordset(${json}::jsonb) AS r(n int, label text, key text, slug text, vals jsonb, gt text, gf text)`;
  // Fast path: the whole batch parses. Only when a geometry does not is the
  // batch redone through import_geom, whose exception block (a
  // subtransaction per row) names the record but is several times slower.
  await sql`SAVEPOINT import_batch`.execute(trx);
  try {
    await sql`
      INSERT INTO import_stage (n, label, key, slug, vals, g_src)
      SELECT r.n, r.label, r.key, r.slug, r.vals,
             ST_Force2D(CASE r.gf WHEN 'wkt' THEN ST_GeomFromEWKT(r.gt) ELSE ST_GeomFromGeoJSON(r.gt) END)
      FROM ${recordset}`.execute(trx);
    await sql`RELEASE SAVEPOINT import_batch`.execute(trx);
  } catch {
    await sql`ROLLBACK TO SAVEPOINT import_batch`.execute(trx);
    await sql`
      INSERT INTO import_stage (n, label, key, slug, vals, g_src, g_err)
      SELECT r.n, r.label, r.key, r.slug, r.vals, f.g, f.err
      FROM ${recordset}, LATERAL pg_temp.import_geom(r.gt, r.gf) f`.execute(trx);
  }
  const notes = (kind: 'problems' | 'warnings') =>
    rows.flatMap((r) => r[kind].map((p) => ({ n: r.n, label: r.label, field: p.field, reason: p.reason })));
  for (const [kind, table] of [
    ['problems', 'import_problems'],
    ['warnings', 'import_warnings'],
  ] as const) {
    const list = notes(kind);
    if (list.length)
      await sql`
        INSERT INTO ${sql.table(table)} (n, label, field, reason)
        SELECT n, label, field, reason FROM jsonb_to_recordset(${JSON.stringify(list)}::jsonb)
          AS r(n int, label text, field text, reason text)
      `.execute(trx);
  }
}

/** A problem or warning not tied to a staged row (the file itself). */
export async function fileNote(
  trx: Kysely<DB>,
  table: 'import_problems' | 'import_warnings',
  field: string,
  reason: string,
): Promise<void> {
  await sql`INSERT INTO ${sql.table(table)} (n, label, field, reason) VALUES (0, '(file)', ${field}, ${reason})`.execute(
    trx,
  );
}

export interface Listed {
  list: { record: string; field: string; reason: string }[];
  count: number;
}

export async function listNotes(
  db: Kysely<DB>,
  table: 'import_problems' | 'import_warnings',
  limit: number,
): Promise<Listed> {
  const { rows } = await sql<{ record: string; field: string; reason: string }>`
    SELECT label AS record, field, reason FROM ${sql.table(table)} ORDER BY n, field, reason LIMIT ${limit}
  `.execute(db);
  const c = await sql<{ c: number }>`SELECT count(*)::int AS c FROM ${sql.table(table)}`.execute(db);
  return { list: rows, count: c.rows[0]!.c };
}

/** Rows still clean: no problem recorded against them. */
export const clean = sql`NOT EXISTS (SELECT 1 FROM import_problems p WHERE p.n = s.n)`;
