/**
 * The foundation schema (issue #2): administrative units with their 2025
 * successors, countries and derived border segments, border gates, roads,
 * one projects table for every investment with typed per-kind details,
 * indicators, sources and citations, and the data version that caches key on.
 *
 * Geometry is EPSG:4326 with GiST indexes; distances and lengths are computed
 * on the spheroid (geography) by the queries that need them.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE EXTENSION IF NOT EXISTS postgis;
    CREATE EXTENSION IF NOT EXISTS unaccent;
    CREATE EXTENSION IF NOT EXISTS pg_trgm;

    -- Accent-free, lower-case form used for search and for generated columns.
    -- Vietnamese đ/Đ is mapped explicitly so the result never depends on the
    -- unaccent rules file of the server.
    CREATE FUNCTION plain_text(t text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, translate(t, 'Đđ', 'Dd'))) $$;

    CREATE TYPE location_precision AS ENUM ('surveyed', 'approximate', 'schematic');

    CREATE TABLE sources (
      id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]*$'),
      title text NOT NULL,
      publisher text,
      url text,
      language text,
      topic text
    );

    CREATE TABLE admin_units (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      slug text NOT NULL UNIQUE,
      code text,
      name text NOT NULL,
      name_plain text GENERATED ALWAYS AS (plain_text(name)) STORED,
      kind text NOT NULL,
      level text NOT NULL CHECK (level IN ('province', 'district', 'commune', 'village')),
      parent_id bigint REFERENCES admin_units (id) ON DELETE SET NULL,
      seat geometry(Point, 4326),
      seat_precision location_precision,
      seat_uncertainty_m real,
      seat_how text,
      boundary geometry(MultiPolygon, 4326),
      boundary_precision location_precision,
      boundary_uncertainty_m real,
      valid_from date,
      valid_to date,
      origin text NOT NULL DEFAULT 'seed',
      note text,
      CHECK (seat IS NULL OR seat_precision IS NOT NULL),
      CHECK (seat_precision IS DISTINCT FROM 'approximate' OR seat_uncertainty_m > 0),
      CHECK (boundary IS NULL OR boundary_precision IS NOT NULL),
      CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from)
    );
    -- Official codes are reused across periods (the old town's code can pass
    -- to the merged commune), so they are unique among current units only.
    CREATE UNIQUE INDEX admin_units_current_code ON admin_units (code) WHERE valid_to IS NULL;
    CREATE INDEX admin_units_code ON admin_units (code);
    CREATE INDEX admin_units_seat_gix ON admin_units USING gist (seat);
    CREATE INDEX admin_units_boundary_gix ON admin_units USING gist (boundary);
    CREATE INDEX admin_units_name_trgm ON admin_units USING gin (name_plain gin_trgm_ops);
    CREATE INDEX admin_units_parent ON admin_units (parent_id);

    CREATE TABLE unit_successors (
      unit_id bigint NOT NULL REFERENCES admin_units (id) ON DELETE CASCADE,
      successor_id bigint NOT NULL REFERENCES admin_units (id) ON DELETE CASCADE,
      PRIMARY KEY (unit_id, successor_id),
      CHECK (unit_id <> successor_id)
    );

    CREATE TABLE countries (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      iso3 char(3) NOT NULL UNIQUE,
      name text NOT NULL,
      name_vi text NOT NULL,
      geom geometry(MultiPolygon, 4326) NOT NULL,
      precision location_precision NOT NULL DEFAULT 'approximate',
      uncertainty_m real NOT NULL DEFAULT 100
    );
    CREATE INDEX countries_gix ON countries USING gist (geom);

    -- Vietnam's land border per neighbour, cut into short pieces (ST_Subdivide)
    -- so that distance queries can use the GiST index instead of measuring
    -- against one 2,000 km line.
    CREATE TABLE border_segments (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      neighbour char(3) NOT NULL REFERENCES countries (iso3),
      part integer NOT NULL,
      geom geometry(LineString, 4326) NOT NULL,
      length_m double precision NOT NULL,
      precision location_precision NOT NULL DEFAULT 'approximate',
      uncertainty_m real NOT NULL DEFAULT 100,
      UNIQUE (neighbour, part)
    );
    CREATE INDEX border_segments_gix ON border_segments USING gist (geom);
    CREATE INDEX border_segments_ggix ON border_segments USING gist ((geom::geography));

    CREATE TABLE border_gates (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      slug text NOT NULL UNIQUE,
      name text NOT NULL,
      name_plain text GENERATED ALWAYS AS (plain_text(name)) STORED,
      name_en text,
      kind text NOT NULL CHECK (kind IN ('international', 'main', 'secondary')),
      neighbour char(3) NOT NULL REFERENCES countries (iso3),
      unit_id bigint REFERENCES admin_units (id),
      geom geometry(Point, 4326) NOT NULL,
      precision location_precision NOT NULL,
      uncertainty_m real,
      origin text NOT NULL DEFAULT 'seed',
      note text,
      CHECK (precision <> 'approximate' OR uncertainty_m > 0)
    );
    CREATE INDEX border_gates_gix ON border_gates USING gist (geom);

    CREATE TABLE roads (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      slug text NOT NULL UNIQUE,
      ref text,
      name text NOT NULL,
      name_plain text GENERATED ALWAYS AS (plain_text(name)) STORED,
      class text NOT NULL CHECK (class IN ('expressway', 'national', 'provincial', 'district', 'commune', 'rural')),
      via text[] NOT NULL DEFAULT '{}',
      geom geometry(LineString, 4326) NOT NULL,
      precision location_precision NOT NULL,
      uncertainty_m real,
      origin text NOT NULL DEFAULT 'seed',
      note text,
      CHECK (precision <> 'approximate' OR uncertainty_m > 0)
    );
    CREATE INDEX roads_gix ON roads USING gist (geom);
    CREATE INDEX roads_ref ON roads (ref);

    CREATE TABLE project_categories (
      id text PRIMARY KEY,
      name_en text NOT NULL,
      name_vi text NOT NULL
    );
    INSERT INTO project_categories (id, name_en, name_vi) VALUES
      ('market', 'Market', 'Chợ'),
      ('industrial_park', 'Industrial park', 'Khu công nghiệp'),
      ('water_supply', 'Water supply', 'Cấp nước'),
      ('waste_treatment', 'Waste treatment', 'Xử lý rác thải'),
      ('school', 'School', 'Trường học'),
      ('irrigation', 'Irrigation', 'Thủy lợi'),
      ('road', 'Road', 'Giao thông'),
      ('electricity_grid', 'Electricity grid', 'Lưới điện'),
      ('tourism', 'Tourism', 'Du lịch'),
      ('housing', 'Housing', 'Nhà ở'),
      ('health', 'Health', 'Y tế'),
      ('bridge', 'Bridge', 'Cầu'),
      ('other', 'Other', 'Khác');

    CREATE TABLE projects (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      slug text NOT NULL UNIQUE,
      name text NOT NULL,
      name_plain text GENERATED ALWAYS AS (plain_text(name)) STORED,
      name_en text,
      category text NOT NULL REFERENCES project_categories (id),
      investment_bn_vnd numeric(14, 3) CHECK (investment_bn_vnd >= 0),
      investment_qualifier text CHECK (investment_qualifier IN ('exact', 'about', 'nearly', 'over')),
      funding text CHECK (funding IN ('state_budget', 'non_budget', 'credit', 'socialised', 'sponsor', 'mixed')),
      start_year integer CHECK (start_year BETWEEN 1900 AND 2100),
      end_year integer CHECK (end_year BETWEEN 1900 AND 2100),
      status text CHECK (status IN ('planned', 'licensed', 'under_construction', 'completed', 'operating')),
      area_m2 numeric CHECK (area_m2 >= 0),
      unit_id bigint NOT NULL REFERENCES admin_units (id),
      unit_as_named_id bigint REFERENCES admin_units (id),
      geom geometry(Point, 4326) NOT NULL,
      precision location_precision NOT NULL,
      uncertainty_m real,
      origin text NOT NULL DEFAULT 'seed',
      note text,
      CHECK (end_year IS NULL OR start_year IS NULL OR end_year >= start_year),
      CHECK (precision <> 'approximate' OR uncertainty_m > 0)
    );
    CREATE INDEX projects_gix ON projects USING gist (geom);
    CREATE INDEX projects_ggix ON projects USING gist ((geom::geography));
    CREATE INDEX projects_category ON projects (category);
    CREATE INDEX projects_unit ON projects (unit_id);

    CREATE TABLE market_details (
      project_id bigint PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
      kiosks integer CHECK (kiosks >= 0),
      floors_min integer CHECK (floors_min >= 0),
      floors_max integer CHECK (floors_max >= floors_min),
      floor_area_m2 numeric CHECK (floor_area_m2 >= 0)
    );

    CREATE TABLE industrial_park_details (
      project_id bigint PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
      hectares numeric CHECK (hectares >= 0),
      phase text,
      phase_hectares numeric CHECK (phase_hectares >= 0),
      occupancy_pct numeric CHECK (occupancy_pct BETWEEN 0 AND 100),
      enterprises integer CHECK (enterprises >= 0),
      enterprise_investment_bn_vnd numeric CHECK (enterprise_investment_bn_vnd >= 0),
      workers integer CHECK (workers >= 0),
      investor text,
      state_support_bn_vnd numeric CHECK (state_support_bn_vnd >= 0),
      target_enterprises integer CHECK (target_enterprises >= 0),
      target_workers integer CHECK (target_workers >= 0),
      levelled_pct numeric CHECK (levelled_pct BETWEEN 0 AND 100),
      next_phase_hectares numeric CHECK (next_phase_hectares >= 0)
    );

    -- Figures of other kinds of project (people served, count, length...).
    CREATE TABLE project_figures (
      project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
      key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]*$'),
      value numeric NOT NULL,
      PRIMARY KEY (project_id, key)
    );

    CREATE TABLE indicator_definitions (
      code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
      name_en text NOT NULL,
      name_vi text,
      unit_of_measure text NOT NULL
    );

    CREATE TABLE indicators (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      key text NOT NULL UNIQUE,
      unit_id bigint NOT NULL REFERENCES admin_units (id),
      indicator text NOT NULL REFERENCES indicator_definitions (code),
      value numeric NOT NULL,
      qualifier text NOT NULL DEFAULT 'exact' CHECK (qualifier IN ('exact', 'about', 'nearly', 'over', 'under')),
      year integer CHECK (year BETWEEN 1900 AND 2100),
      period_start integer CHECK (period_start BETWEEN 1900 AND 2100),
      period_end integer CHECK (period_end BETWEEN 1900 AND 2100),
      programme text,
      origin text NOT NULL DEFAULT 'seed',
      note text,
      CHECK (period_end IS NULL OR period_start IS NULL OR period_end >= period_start)
    );
    CREATE INDEX indicators_unit ON indicators (unit_id, indicator);

    -- Which sources back which record. entity names the table; every feature
    -- and every indicator must have at least one row here (checked by tests).
    CREATE TABLE citations (
      entity text NOT NULL CHECK (entity IN ('admin_unit', 'country', 'border_segment', 'border_gate', 'road', 'project', 'indicator')),
      entity_id bigint NOT NULL,
      source_id text NOT NULL REFERENCES sources (id),
      PRIMARY KEY (entity, entity_id, source_id)
    );
    CREATE INDEX citations_source ON citations (source_id);

    -- Bumped by seeding, imports and writes; tile and response caches key on it.
    CREATE TABLE data_version (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      version bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO data_version (version) VALUES (0);
  `.execute(db);
}
