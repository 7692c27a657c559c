/**
 * Database types, generated from the migrated schema by kysely-codegen.
 * Do not edit by hand: after adding a migration run `npm run db:types`
 * (tests/db-types.test.ts fails until this file matches the migrations).
 */

import type { ColumnType } from 'kysely';

export type Generated<T> =
  T extends ColumnType<infer S, infer I, infer U>
    ? ColumnType<S, I | undefined, U>
    : ColumnType<T, T | undefined, T>;

export type Json = JsonValue;

export type JsonArray = JsonValue[];

export type JsonObject = {
  [x: string]: JsonValue | undefined;
};

export type JsonPrimitive = boolean | number | string | null;

export type JsonValue = JsonArray | JsonObject | JsonPrimitive;

export type LocationPrecision = 'approximate' | 'schematic' | 'surveyed';

export type Numeric = ColumnType<number, number | string, number | string>;

export type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface AdminUnits {
  boundary: string | null;
  boundary_precision: LocationPrecision | null;
  boundary_uncertainty_m: number | null;
  code: string | null;
  id: Generated<number>;
  kind: string;
  level: string;
  name: string;
  name_plain: Generated<string | null>;
  note: string | null;
  origin: Generated<string>;
  parent_id: number | null;
  seat: string | null;
  seat_how: string | null;
  seat_precision: LocationPrecision | null;
  seat_uncertainty_m: number | null;
  slug: string;
  valid_from: Timestamp | null;
  valid_to: Timestamp | null;
}

export interface ApiTokens {
  created_at: Generated<Timestamp>;
  hash: string;
  id: Generated<number>;
  last_used_at: Timestamp | null;
  name: string;
  public_id: string;
  revoked_at: Timestamp | null;
  role: string;
}

export interface AppSecrets {
  created_at: Generated<Timestamp>;
  name: string;
  value: string;
}

export interface AuditLog {
  actor_name: string;
  after: Json | null;
  at: Generated<Timestamp>;
  before: Json | null;
  detail: string | null;
  feature_id: number | null;
  id: Generated<number>;
  layer: string;
  operation: string;
  outcome: string;
  source_id: string | null;
  token_id: number | null;
}

export interface BorderGates {
  geom: string;
  id: Generated<number>;
  kind: string;
  name: string;
  name_en: string | null;
  name_plain: Generated<string | null>;
  neighbour: string;
  note: string | null;
  origin: Generated<string>;
  precision: LocationPrecision;
  slug: string;
  uncertainty_m: number | null;
  unit_id: number | null;
}

export interface BorderSegments {
  geom: string;
  id: Generated<number>;
  length_m: number;
  neighbour: string;
  part: number;
  precision: Generated<LocationPrecision>;
  uncertainty_m: Generated<number>;
}

export interface Citations {
  entity: string;
  entity_id: number;
  source_id: string;
}

export interface Countries {
  geom: string;
  id: Generated<number>;
  iso3: string;
  name: string;
  name_vi: string;
  precision: Generated<LocationPrecision>;
  uncertainty_m: Generated<number>;
}

export interface DataVersion {
  singleton: Generated<boolean>;
  updated_at: Generated<Timestamp>;
  version: number;
}

export interface IndicatorDefinitions {
  code: string;
  name_en: string;
  name_vi: string | null;
  unit_of_measure: string;
}

export interface Indicators {
  id: Generated<number>;
  indicator: string;
  key: string;
  note: string | null;
  origin: Generated<string>;
  period_end: number | null;
  period_start: number | null;
  programme: string | null;
  qualifier: Generated<string>;
  unit_id: number;
  value: Numeric;
  year: number | null;
}

export interface IndustrialParkDetails {
  enterprise_investment_bn_vnd: Numeric | null;
  enterprises: number | null;
  hectares: Numeric | null;
  investor: string | null;
  levelled_pct: Numeric | null;
  next_phase_hectares: Numeric | null;
  occupancy_pct: Numeric | null;
  phase: string | null;
  phase_hectares: Numeric | null;
  project_id: number;
  state_support_bn_vnd: Numeric | null;
  target_enterprises: number | null;
  target_workers: number | null;
  workers: number | null;
}

export interface MarketDetails {
  floor_area_m2: Numeric | null;
  floors_max: number | null;
  floors_min: number | null;
  kiosks: number | null;
  project_id: number;
}

export interface ProjectCategories {
  id: string;
  name_en: string;
  name_vi: string;
}

export interface ProjectFigures {
  key: string;
  project_id: number;
  value: Numeric;
}

export interface ProjectPlaces {
  project_id: number | null;
  province_id: number | null;
}

export interface Projects {
  area_m2: Numeric | null;
  category: string;
  end_year: number | null;
  figure_qualifiers: Generated<Json>;
  funding: string | null;
  geom: string;
  id: Generated<number>;
  investment_bn_vnd: Numeric | null;
  investment_qualifier: string | null;
  name: string;
  name_en: string | null;
  name_plain: Generated<string | null>;
  note: string | null;
  origin: Generated<string>;
  precision: LocationPrecision;
  slug: string;
  start_year: number | null;
  status: string | null;
  uncertainty_m: number | null;
  unit_as_named_id: number | null;
  unit_id: number;
}

export interface Roads {
  class: string;
  geom: string;
  id: Generated<number>;
  name: string;
  name_plain: Generated<string | null>;
  note: string | null;
  origin: Generated<string>;
  precision: LocationPrecision;
  ref: string | null;
  slug: string;
  uncertainty_m: number | null;
  via: Generated<string[]>;
}

export interface SeedDigests {
  digest: string;
  layer: string;
  rows: number;
}

export interface Sources {
  id: string;
  language: string | null;
  published: Timestamp | null;
  publisher: string | null;
  text_hash: string | null;
  title: string;
  topic: string | null;
  url: string | null;
}

export interface UnitNames {
  name_plain: string;
}

export interface UnitSuccessors {
  successor_id: number;
  type: string | null;
  unit_id: number;
}

export interface DB {
  admin_units: AdminUnits;
  api_tokens: ApiTokens;
  app_secrets: AppSecrets;
  audit_log: AuditLog;
  border_gates: BorderGates;
  border_segments: BorderSegments;
  citations: Citations;
  countries: Countries;
  data_version: DataVersion;
  indicator_definitions: IndicatorDefinitions;
  indicators: Indicators;
  industrial_park_details: IndustrialParkDetails;
  market_details: MarketDetails;
  project_categories: ProjectCategories;
  project_figures: ProjectFigures;
  project_places: ProjectPlaces;
  projects: Projects;
  roads: Roads;
  seed_digests: SeedDigests;
  sources: Sources;
  unit_names: UnitNames;
  unit_successors: UnitSuccessors;
}
