/**
 * Writes validated data into PostGIS in one transaction. Rows are upserted
 * by their natural key (slug, code, iso3...) so ids stay stable; seeded rows
 * no longer in data/ are removed; rows from imports (origin <> 'seed') are
 * left alone. If the tables' contents come out identical to what was there,
 * the transaction is rolled back: a second run changes nothing, not even the
 * data version.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../server/db/types.ts';
import { deriveBorderSegments } from './borders.ts';
import { SeedError } from './errors.ts';
import type { SeedData } from './read.ts';

const j = (v: unknown) => JSON.stringify(v);

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
export async function fingerprint(db: Kysely<DB>): Promise<string> {
  const parts = FINGERPRINTED.map(
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

export async function loadData(db: Kysely<DB>, data: SeedData): Promise<LoadResult> {
  let counts: Record<string, number> = {};
  try {
    await db.transaction().execute(async (trx) => {
      const before = await fingerprint(trx);
      await checkGeometries(trx, data);
      await writeSources(trx, data);
      await writeUnits(trx, data);
      await writeCountries(trx, data);
      await deriveBorderSegments(trx);
      await writeGates(trx, data);
      await writeRoads(trx, data);
      await writeProjects(trx, data);
      await writeIndicators(trx, data);
      await pruneUnits(trx, data);
      await writeCitations(trx, data);
      counts = await countRows(trx);
      const after = await fingerprint(trx);
      if (after === before) throw new NoChange();
      await sql`UPDATE data_version SET version = version + 1, updated_at = now()`.execute(trx);
    });
  } catch (e) {
    if (!(e instanceof NoChange)) throw e;
    const { rows } = await sql<{ version: number }>`SELECT version FROM data_version`.execute(db);
    return { changed: false, version: rows[0]!.version, counts: await countRows(db) };
  }
  const { rows } = await sql<{ version: number }>`SELECT version FROM data_version`.execute(db);
  return { changed: true, version: rows[0]!.version, counts };
}

async function countRows(db: Kysely<DB>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [t] of FINGERPRINTED) {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(t)}`.execute(db);
    out[t] = rows[0]!.n;
  }
  return out;
}

/**
 * PostGIS validity of every line of ours, named by record. Points are checked
 * by the schema. Country polygons are third-party (geo-maps, 100 m): their
 * rings touch themselves in a few places, so writeCountries repairs them with
 * ST_MakeValid instead of rejecting the file.
 */
async function checkGeometries(trx: Kysely<DB>, data: SeedData): Promise<void> {
  const items = [
    ...data.roads.map((r, i) => ({
      file: 'roads.geojson',
      rec: `#${i} "${r.properties.slug}"`,
      g: j(r.geometry),
    })),
  ];
  const { rows } = await sql<{ file: string; rec: string; reason: string }>`
    SELECT t.file, t.rec, ST_IsValidReason(ST_GeomFromGeoJSON(t.g)) AS reason
    FROM jsonb_to_recordset(${j(items)}::jsonb) AS t(file text, rec text, g text)
    WHERE NOT ST_IsValid(ST_GeomFromGeoJSON(t.g))
       OR (ST_GeometryType(ST_GeomFromGeoJSON(t.g)) = 'ST_LineString' AND ST_Length(ST_GeomFromGeoJSON(t.g)) = 0)
    LIMIT 1
  `.execute(trx);
  const bad = rows[0];
  if (bad)
    throw new SeedError(
      bad.file,
      bad.rec,
      'geometry',
      `invalid geometry: ${bad.reason === 'Valid Geometry' ? 'zero length' : bad.reason}`,
    );
}

async function writeSources(trx: Kysely<DB>, data: SeedData): Promise<void> {
  await sql`
    INSERT INTO sources (id, title, publisher, url, language, topic)
    SELECT id, title, publisher, url, language, topic
    FROM jsonb_to_recordset(${j(data.sources)}::jsonb) AS r(id text, title text, publisher text, url text, language text, topic text)
    ON CONFLICT (id) DO UPDATE SET title = excluded.title, publisher = excluded.publisher, url = excluded.url,
      language = excluded.language, topic = excluded.topic
  `.execute(trx);
}

async function writeUnits(trx: Kysely<DB>, data: SeedData): Promise<void> {
  const rows = data.units.map((u) => ({
    slug: u.slug,
    code: u.code,
    name: u.name,
    kind: u.kind,
    level: u.level,
    lon: u.seat?.lon ?? null,
    lat: u.seat?.lat ?? null,
    precision: u.seat?.precision ?? null,
    uncertainty_m: u.seat?.uncertainty_m ?? null,
    how: u.seat?.how ?? null,
    valid_from: u.valid_from,
    valid_to: u.valid_to,
    note: u.note ?? null,
  }));
  await sql`
    INSERT INTO admin_units (slug, code, name, kind, level, seat, seat_precision, seat_uncertainty_m, seat_how, valid_from, valid_to, note)
    SELECT slug, code, name, kind, level,
           CASE WHEN lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END,
           precision::location_precision, uncertainty_m, how, valid_from, valid_to, note
    FROM jsonb_to_recordset(${j(rows)}::jsonb) AS r(slug text, code text, name text, kind text, level text,
      lon float8, lat float8, precision text, uncertainty_m real, how text, valid_from date, valid_to date, note text)
    ON CONFLICT (slug) DO UPDATE SET code = excluded.code, name = excluded.name, kind = excluded.kind,
      level = excluded.level, seat = excluded.seat, seat_precision = excluded.seat_precision,
      seat_uncertainty_m = excluded.seat_uncertainty_m, seat_how = excluded.seat_how,
      valid_from = excluded.valid_from, valid_to = excluded.valid_to, note = excluded.note
  `.execute(trx);
  const links = data.units.map((u) => ({ slug: u.slug, parent: u.parent }));
  await sql`
    UPDATE admin_units u SET parent_id = p.id
    FROM jsonb_to_recordset(${j(links)}::jsonb) AS r(slug text, parent text)
    LEFT JOIN admin_units p ON p.slug = r.parent
    WHERE u.slug = r.slug AND u.parent_id IS DISTINCT FROM p.id
  `.execute(trx);
  const succ = data.units.flatMap((u) => u.successors.map((s) => ({ slug: u.slug, successor: s })));
  await sql`
    DELETE FROM unit_successors s USING admin_units u WHERE s.unit_id = u.id AND u.origin = 'seed'
  `.execute(trx);
  await sql`
    INSERT INTO unit_successors (unit_id, successor_id)
    SELECT a.id, b.id FROM jsonb_to_recordset(${j(succ)}::jsonb) AS r(slug text, successor text)
    JOIN admin_units a ON a.slug = r.slug JOIN admin_units b ON b.slug = r.successor
  `.execute(trx);
}

async function writeCountries(trx: Kysely<DB>, data: SeedData): Promise<void> {
  const rows = data.countries.map((c) => ({
    iso3: c.iso3,
    name: c.name,
    name_vi: c.name_vi,
    g: j(c.geometry),
  }));
  await sql`
    INSERT INTO countries (iso3, name, name_vi, geom)
    SELECT iso3, name, name_vi, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)), 3))
    FROM jsonb_to_recordset(${j(rows)}::jsonb) AS r(iso3 text, name text, name_vi text, g text)
    ON CONFLICT (iso3) DO UPDATE SET name = excluded.name, name_vi = excluded.name_vi, geom = excluded.geom
    WHERE countries.name IS DISTINCT FROM excluded.name OR countries.name_vi IS DISTINCT FROM excluded.name_vi
       OR NOT ST_Equals(countries.geom, excluded.geom)
  `.execute(trx);
}

async function writeGates(trx: Kysely<DB>, data: SeedData): Promise<void> {
  const rows = data.gates.map((g) => ({
    ...g.properties,
    lon: g.geometry.coordinates[0],
    lat: g.geometry.coordinates[1],
  }));
  await sql`
    INSERT INTO border_gates (slug, name, name_en, kind, neighbour, unit_id, geom, precision, uncertainty_m, note)
    SELECT r.slug, r.name, r.name_en, r.kind, r.neighbour, u.id, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326),
           r.precision::location_precision, r.uncertainty_m, r.note
    FROM jsonb_to_recordset(${j(rows)}::jsonb) AS r(slug text, name text, name_en text, kind text, neighbour text,
      commune text, lon float8, lat float8, precision text, uncertainty_m real, note text)
    JOIN admin_units u ON u.slug = r.commune
    ON CONFLICT (slug) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, kind = excluded.kind,
      neighbour = excluded.neighbour, unit_id = excluded.unit_id, geom = excluded.geom, precision = excluded.precision,
      uncertainty_m = excluded.uncertainty_m, note = excluded.note
  `.execute(trx);
  await sql`DELETE FROM border_gates WHERE origin = 'seed' AND slug <> ALL(${data.gates.map((g) => g.properties.slug)}::text[])`.execute(
    trx,
  );
}

async function writeRoads(trx: Kysely<DB>, data: SeedData): Promise<void> {
  const rows = data.roads.map((r) => ({ ...r.properties, g: j(r.geometry) }));
  await sql`
    INSERT INTO roads (slug, ref, name, class, via, geom, precision, uncertainty_m, note)
    SELECT r.slug, r.ref, r.name, r.class, r.via, ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(r.g)), 4326),
           r.precision::location_precision, r.uncertainty_m, r.note
    FROM jsonb_to_recordset(${j(rows)}::jsonb) AS r(slug text, ref text, name text, class text, via text[],
      g text, precision text, uncertainty_m real, note text)
    ON CONFLICT (slug) DO UPDATE SET ref = excluded.ref, name = excluded.name, class = excluded.class, via = excluded.via,
      geom = excluded.geom, precision = excluded.precision, uncertainty_m = excluded.uncertainty_m, note = excluded.note
  `.execute(trx);
  await sql`DELETE FROM roads WHERE origin = 'seed' AND slug <> ALL(${data.roads.map((r) => r.properties.slug)}::text[])`.execute(
    trx,
  );
}

async function writeProjects(trx: Kysely<DB>, data: SeedData): Promise<void> {
  const rows = data.projects.map((p) => ({
    ...p.properties,
    details: undefined,
    figure_qualifiers: p.properties.figure_qualifiers ?? {},
    lon: p.geometry.coordinates[0],
    lat: p.geometry.coordinates[1],
  }));
  await sql`
    INSERT INTO projects (slug, name, name_en, category, investment_bn_vnd, investment_qualifier, funding, start_year,
      end_year, status, area_m2, figure_qualifiers, unit_id, unit_as_named_id, geom, precision, uncertainty_m, note)
    SELECT r.slug, r.name, r.name_en, r.category, r.investment_bn_vnd, r.investment_qualifier, r.funding, r.start_year,
           r.end_year, r.status, r.area_m2, r.figure_qualifiers, u.id, n.id, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326),
           r.precision::location_precision, r.uncertainty_m, r.note
    FROM jsonb_to_recordset(${j(rows)}::jsonb) AS r(slug text, name text, name_en text, category text,
      investment_bn_vnd numeric, investment_qualifier text, funding text, start_year int, end_year int, status text,
      area_m2 numeric, figure_qualifiers jsonb, commune text, commune_as_named text, lon float8, lat float8, precision text,
      uncertainty_m real, note text)
    JOIN admin_units u ON u.slug = r.commune
    LEFT JOIN admin_units n ON n.slug = r.commune_as_named
    ON CONFLICT (slug) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, category = excluded.category,
      investment_bn_vnd = excluded.investment_bn_vnd, investment_qualifier = excluded.investment_qualifier,
      funding = excluded.funding, start_year = excluded.start_year, end_year = excluded.end_year,
      status = excluded.status, area_m2 = excluded.area_m2, figure_qualifiers = excluded.figure_qualifiers,
      unit_id = excluded.unit_id,
      unit_as_named_id = excluded.unit_as_named_id, geom = excluded.geom, precision = excluded.precision,
      uncertainty_m = excluded.uncertainty_m, note = excluded.note
  `.execute(trx);
  const slugs = data.projects.map((p) => p.properties.slug);
  await sql`DELETE FROM citations c USING projects p WHERE c.entity = 'project' AND c.entity_id = p.id AND p.origin = 'seed' AND p.slug <> ALL(${slugs}::text[])`.execute(
    trx,
  );
  await sql`DELETE FROM projects WHERE origin = 'seed' AND slug <> ALL(${slugs}::text[])`.execute(trx);

  const seedIds = sql`(SELECT id FROM projects WHERE origin = 'seed')`;
  await sql`DELETE FROM market_details WHERE project_id IN ${seedIds}`.execute(trx);
  await sql`DELETE FROM industrial_park_details WHERE project_id IN ${seedIds}`.execute(trx);
  await sql`DELETE FROM project_figures WHERE project_id IN ${seedIds}`.execute(trx);
  const markets = data.projects
    .filter((p) => p.properties.category === 'market')
    .map((p) => ({ slug: p.properties.slug, ...p.properties.details }));
  await sql`
    INSERT INTO market_details (project_id, kiosks, floors_min, floors_max, floor_area_m2)
    SELECT p.id, r.kiosks, r.floors_min, r.floors_max, r.floor_area_m2
    FROM jsonb_to_recordset(${j(markets)}::jsonb) AS r(slug text, kiosks int, floors_min int, floors_max int, floor_area_m2 numeric)
    JOIN projects p ON p.slug = r.slug
  `.execute(trx);
  const parks = data.projects
    .filter((p) => p.properties.category === 'industrial_park')
    .map((p) => ({ slug: p.properties.slug, ...p.properties.details }));
  await sql`
    INSERT INTO industrial_park_details (project_id, hectares, phase, phase_hectares, occupancy_pct, enterprises,
      enterprise_investment_bn_vnd, workers, investor, state_support_bn_vnd, target_enterprises, target_workers,
      levelled_pct, next_phase_hectares)
    SELECT p.id, r.hectares, r.phase, r.phase_hectares, r.occupancy_pct, r.enterprises, r.enterprise_investment_bn_vnd,
           r.workers, r.investor, r.state_support_bn_vnd, r.target_enterprises, r.target_workers, r.levelled_pct,
           r.next_phase_hectares
    FROM jsonb_to_recordset(${j(parks)}::jsonb) AS r(slug text, hectares numeric, phase text, phase_hectares numeric,
      occupancy_pct numeric, enterprises int, enterprise_investment_bn_vnd numeric, workers int, investor text,
      state_support_bn_vnd numeric, target_enterprises int, target_workers int, levelled_pct numeric,
      next_phase_hectares numeric)
    JOIN projects p ON p.slug = r.slug
  `.execute(trx);
  const figures = data.projects
    .filter((p) => p.properties.category !== 'market' && p.properties.category !== 'industrial_park')
    .flatMap((p) =>
      Object.entries(p.properties.details).map(([key, value]) => ({ slug: p.properties.slug, key, value })),
    );
  await sql`
    INSERT INTO project_figures (project_id, key, value)
    SELECT p.id, r.key, r.value FROM jsonb_to_recordset(${j(figures)}::jsonb) AS r(slug text, key text, value numeric)
    JOIN projects p ON p.slug = r.slug
  `.execute(trx);
}

async function writeIndicators(trx: Kysely<DB>, data: SeedData): Promise<void> {
  await sql`
    INSERT INTO indicator_definitions (code, name_en, name_vi, unit_of_measure)
    SELECT code, name_en, name_vi, unit_of_measure
    FROM jsonb_to_recordset(${j(data.indicatorDefinitions)}::jsonb) AS r(code text, name_en text, name_vi text, unit_of_measure text)
    ON CONFLICT (code) DO UPDATE SET name_en = excluded.name_en, name_vi = excluded.name_vi, unit_of_measure = excluded.unit_of_measure
  `.execute(trx);
  await sql`
    INSERT INTO indicators (key, unit_id, indicator, value, qualifier, year, period_start, period_end, programme, note)
    SELECT r.key, u.id, r.indicator, r.value, r.qualifier, r.year, r.period_start, r.period_end, r.programme, r.note
    FROM jsonb_to_recordset(${j(data.indicators)}::jsonb) AS r(key text, unit text, indicator text, value numeric,
      qualifier text, year int, period_start int, period_end int, programme text, note text)
    JOIN admin_units u ON u.slug = r.unit
    ON CONFLICT (key) DO UPDATE SET unit_id = excluded.unit_id, indicator = excluded.indicator, value = excluded.value,
      qualifier = excluded.qualifier, year = excluded.year, period_start = excluded.period_start,
      period_end = excluded.period_end, programme = excluded.programme, note = excluded.note
  `.execute(trx);
  const keys = data.indicators.map((i) => i.key);
  await sql`DELETE FROM citations c USING indicators i WHERE c.entity = 'indicator' AND c.entity_id = i.id AND i.origin = 'seed' AND i.key <> ALL(${keys}::text[])`.execute(
    trx,
  );
  await sql`DELETE FROM indicators WHERE origin = 'seed' AND key <> ALL(${keys}::text[])`.execute(trx);
  await sql`DELETE FROM indicator_definitions d WHERE NOT EXISTS (SELECT 1 FROM indicators i WHERE i.indicator = d.code)
    AND d.code <> ALL(${data.indicatorDefinitions.map((d) => d.code)}::text[])`.execute(trx);
}

/**
 * Citations of seeded rows to data/'s sources are rebuilt from data/; those of
 * imported rows, and an import's citations on a seeded unit (a boundary
 * attached to Mường Nhà cites the import's source), are kept.
 */
async function writeCitations(trx: Kysely<DB>, data: SeedData): Promise<void> {
  const cites: { entity: string; key: string; source: string }[] = [];
  for (const u of data.units)
    for (const s of u.sources) cites.push({ entity: 'admin_unit', key: u.slug, source: s });
  for (const c of data.countries) cites.push({ entity: 'country', key: c.iso3, source: c.source });
  for (const g of data.gates)
    for (const s of g.properties.sources)
      cites.push({ entity: 'border_gate', key: g.properties.slug, source: s });
  for (const r of data.roads)
    for (const s of r.properties.sources) cites.push({ entity: 'road', key: r.properties.slug, source: s });
  for (const p of data.projects)
    for (const s of p.properties.sources)
      cites.push({ entity: 'project', key: p.properties.slug, source: s });
  for (const i of data.indicators)
    for (const s of i.sources) cites.push({ entity: 'indicator', key: i.key, source: s });

  await sql`
    DELETE FROM citations c WHERE c.source_id = ANY(${data.sources.map((s) => s.id)}::text[]) AND (
      (c.entity = 'admin_unit' AND c.entity_id IN (SELECT id FROM admin_units WHERE origin = 'seed')) OR
      (c.entity = 'country') OR (c.entity = 'border_segment') OR
      (c.entity = 'border_gate' AND c.entity_id IN (SELECT id FROM border_gates WHERE origin = 'seed')) OR
      (c.entity = 'road' AND c.entity_id IN (SELECT id FROM roads WHERE origin = 'seed')) OR
      (c.entity = 'project' AND c.entity_id IN (SELECT id FROM projects WHERE origin = 'seed')) OR
      (c.entity = 'indicator' AND c.entity_id IN (SELECT id FROM indicators WHERE origin = 'seed')))
  `.execute(trx);
  await sql`
    INSERT INTO citations (entity, entity_id, source_id)
    SELECT DISTINCT r.entity, COALESCE(u.id, k.id, g.id, rd.id, p.id, i.id), r.source
    FROM jsonb_to_recordset(${j(cites)}::jsonb) AS r(entity text, key text, source text)
    LEFT JOIN admin_units u ON r.entity = 'admin_unit' AND u.slug = r.key
    LEFT JOIN countries k ON r.entity = 'country' AND k.iso3 = r.key
    LEFT JOIN border_gates g ON r.entity = 'border_gate' AND g.slug = r.key
    LEFT JOIN roads rd ON r.entity = 'road' AND rd.slug = r.key
    LEFT JOIN projects p ON r.entity = 'project' AND p.slug = r.key
    LEFT JOIN indicators i ON r.entity = 'indicator' AND i.key = r.key
  `.execute(trx);
  // Border segments are derived from the countries file: they cite its source.
  await sql`
    INSERT INTO citations (entity, entity_id, source_id)
    SELECT 'border_segment', s.id, c.source_id
    FROM border_segments s JOIN countries k ON k.iso3 = 'VNM'
    JOIN citations c ON c.entity = 'country' AND c.entity_id = k.id
  `.execute(trx);
}

/** Seeded units no longer in data/ go, unless something still points at them. */
async function pruneUnits(trx: Kysely<DB>, data: SeedData): Promise<void> {
  const slugs = data.units.map((u) => u.slug);
  await sql`
    DELETE FROM admin_units u
    WHERE u.origin = 'seed' AND u.slug <> ALL(${slugs}::text[])
      AND NOT EXISTS (SELECT 1 FROM projects p WHERE p.unit_id = u.id OR p.unit_as_named_id = u.id)
      AND NOT EXISTS (SELECT 1 FROM indicators i WHERE i.unit_id = u.id)
      AND NOT EXISTS (SELECT 1 FROM border_gates g WHERE g.unit_id = u.id)
      AND NOT EXISTS (SELECT 1 FROM admin_units c WHERE c.parent_id = u.id)
  `.execute(trx);
}
