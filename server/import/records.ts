/**
 * Writers of the tables data/ fills that have no import layer yet: sources,
 * countries (whose outlines border_segments derive from), indicator
 * definitions and indicators. Their records are checked by schema.ts like
 * every other; references that need the database (a unit's slug, an
 * indicator code, a source) are checked here before anything is written,
 * and a bad one throws a RecordError naming record and field.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import { RecordError } from './errors.ts';
import {
  type CountryRec,
  type IndicatorDefRec,
  type IndicatorRec,
  indicatorKey,
  type SourceRec,
} from './schema.ts';
import { upsertIndicators } from './targets/indicators.ts';

const j = (v: unknown) => JSON.stringify(v);
const label = (i: number, key: string) => `#${i} "${key}"`;

/** Throws on the first key seen twice. */
function unique(keys: string[], field: string): void {
  const first = new Map<string, number>();
  keys.forEach((k, i) => {
    const f = first.get(k);
    if (f !== undefined) throw new RecordError(label(i, k), field, `duplicate "${k}" (first at #${f})`);
    first.set(k, i);
  });
}

/** The first of `keys` (by index) with no row in `table`.`column`, or null. */
async function firstUnknown(
  trx: Kysely<DB>,
  keys: string[],
  table: string,
  column: string,
): Promise<{ i: number; key: string } | null> {
  const { rows } = await sql<{ i: number; key: string }>`
    SELECT (k.i - 1)::int AS i, k.key FROM unnest(${keys}::text[]) WITH ORDINALITY AS k(key, i)
    WHERE NOT EXISTS (SELECT 1 FROM ${sql.table(table)} t WHERE ${sql.ref(`t.${column}`)} = k.key)
    ORDER BY k.i LIMIT 1`.execute(trx);
  return rows[0] ?? null;
}

/** Upserts sources by id. Sources are never removed: citations of imports may use them. */
export async function writeSources(trx: Kysely<DB>, sources: SourceRec[]): Promise<void> {
  unique(
    sources.map((s) => s.id),
    'id',
  );
  await sql`
    INSERT INTO sources AS o (id, title, publisher, url, language, topic)
    SELECT id, title, publisher, url, language, topic
    FROM jsonb_to_recordset(${j(sources)}::jsonb) AS r(id text, title text, publisher text, url text, language text, topic text)
    ON CONFLICT (id) DO UPDATE SET title = excluded.title, publisher = excluded.publisher, url = excluded.url,
      language = excluded.language, topic = excluded.topic
    WHERE (o.title, o.publisher, o.url, o.language, o.topic)
      IS DISTINCT FROM (excluded.title, excluded.publisher, excluded.url, excluded.language, excluded.topic)
  `.execute(trx);
}

/**
 * Country outlines, upserted by ISO code. They are third-party (geo-maps,
 * 100 m) and their rings touch themselves in places: repaired with
 * ST_MakeValid rather than refused. Each cites its source; Vietnam's must be
 * there (border segments are derived from it).
 */
export async function writeCountries(trx: Kysely<DB>, countries: CountryRec[]): Promise<void> {
  const iso = countries.map((c) => c.properties.iso3);
  unique(iso, 'iso3');
  if (!iso.includes('VNM')) throw new RecordError('(file)', 'iso3', 'Vietnam (VNM) is missing');
  const unknown = await firstUnknown(
    trx,
    countries.map((c) => c.properties.source),
    'sources',
    'id',
  );
  if (unknown)
    throw new RecordError(label(unknown.i, iso[unknown.i]!), 'source', `unknown source "${unknown.key}"`);
  const rows = countries.map((c) => ({ ...c.properties, g: j(c.geometry) }));
  await sql`
    INSERT INTO countries (iso3, name, name_vi, geom)
    SELECT iso3, name, name_vi, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)), 3))
    FROM jsonb_to_recordset(${j(rows)}::jsonb) AS r(iso3 text, name text, name_vi text, g text)
    ON CONFLICT (iso3) DO UPDATE SET name = excluded.name, name_vi = excluded.name_vi, geom = excluded.geom
    WHERE countries.name IS DISTINCT FROM excluded.name OR countries.name_vi IS DISTINCT FROM excluded.name_vi
       OR NOT ST_Equals(countries.geom, excluded.geom)
  `.execute(trx);
  await sql`
    DELETE FROM citations c USING countries k
    WHERE c.entity = 'country' AND c.entity_id = k.id AND k.iso3 = ANY(${iso}::text[])`.execute(trx);
  await sql`
    INSERT INTO citations (entity, entity_id, source_id)
    SELECT 'country', k.id, r.source FROM jsonb_to_recordset(${j(rows)}::jsonb) AS r(iso3 text, source text)
    JOIN countries k ON k.iso3 = r.iso3`.execute(trx);
}

/** Border segments (derived from the countries) cite Vietnam's outline's sources. */
export async function citeBorderSegments(trx: Kysely<DB>): Promise<void> {
  await sql`DELETE FROM citations WHERE entity = 'border_segment'`.execute(trx);
  await sql`
    INSERT INTO citations (entity, entity_id, source_id)
    SELECT 'border_segment', s.id, c.source_id
    FROM border_segments s JOIN countries k ON k.iso3 = 'VNM'
    JOIN citations c ON c.entity = 'country' AND c.entity_id = k.id`.execute(trx);
}

/**
 * Indicator definitions (by code) and indicators (by their key: unit,
 * indicator, year, period, programme), each indicator citing its sources.
 * Indicators of `origin` not written are removed, and definitions nothing
 * uses that are not written either.
 */
export async function writeIndicators(
  trx: Kysely<DB>,
  definitions: IndicatorDefRec[],
  indicators: IndicatorRec[],
  origin: string,
): Promise<void> {
  const codes = definitions.map((d) => d.code);
  unique(codes, 'code');
  const keyed = indicators.map((r) => ({ ...r, key: indicatorKey(r) }));
  const keys = keyed.map((r) => r.key);
  unique(keys, 'unit+indicator+year+period+programme');
  await sql`
    INSERT INTO indicator_definitions AS d (code, name_en, name_vi, unit_of_measure)
    SELECT code, name_en, name_vi, unit_of_measure
    FROM jsonb_to_recordset(${j(definitions)}::jsonb) AS r(code text, name_en text, name_vi text, unit_of_measure text)
    ON CONFLICT (code) DO UPDATE SET name_en = excluded.name_en, name_vi = excluded.name_vi,
      unit_of_measure = excluded.unit_of_measure
    WHERE (d.name_en, d.name_vi, d.unit_of_measure)
      IS DISTINCT FROM (excluded.name_en, excluded.name_vi, excluded.unit_of_measure)
  `.execute(trx);
  const checks: [string, string, string, string, (r: IndicatorRec) => string[]][] = [
    ['unit', 'admin_units', 'slug', 'unknown unit', (r) => [r.unit]],
    ['indicator', 'indicator_definitions', 'code', 'unknown indicator', (r) => [r.indicator]],
    ['sources', 'sources', 'id', 'unknown source', (r) => r.sources],
  ];
  for (const [field, table, column, what, of] of checks) {
    const flat = keyed.flatMap((r, i) => of(r).map((k) => ({ i, k })));
    const bad = await firstUnknown(
      trx,
      flat.map((f) => f.k),
      table,
      column,
    );
    if (bad) {
      const i = flat[bad.i]!.i;
      throw new RecordError(label(i, keys[i]!), field, `${what} "${bad.key}"`);
    }
  }
  await upsertIndicators(trx, keyed, origin);
  await sql`
    WITH gone AS (
      DELETE FROM indicators WHERE origin = ${origin} AND key <> ALL(${keys}::text[]) RETURNING id
    )
    DELETE FROM citations c USING gone WHERE c.entity = 'indicator' AND c.entity_id = gone.id`.execute(trx);
  await sql`DELETE FROM indicator_definitions d WHERE NOT EXISTS (SELECT 1 FROM indicators i WHERE i.indicator = d.code)
    AND d.code <> ALL(${codes}::text[])`.execute(trx);
  const cites = keyed.flatMap((r) => r.sources.map((source) => ({ key: r.key, source })));
  await sql`
    DELETE FROM citations c USING indicators i
    WHERE c.entity = 'indicator' AND c.entity_id = i.id AND i.key = ANY(${keys}::text[])
      AND c.source_id NOT LIKE 'import-%'`.execute(trx);
  await sql`
    INSERT INTO citations (entity, entity_id, source_id)
    SELECT DISTINCT 'indicator', i.id, r.source FROM jsonb_to_recordset(${j(cites)}::jsonb) AS r(key text, source text)
    JOIN indicators i ON i.key = r.key
    ON CONFLICT DO NOTHING`.execute(trx);
}
