/**
 * Reads data/ and checks every record against the write path's schemas
 * (server/import/schema.ts) before the loader opens a transaction. What
 * needs the database (a commune, a parent, a source named by slug) is
 * checked on the way in, by the same targets an import goes through.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import {
  GAZETTEER_FILE,
  type GazetteerRec,
  GazetteerRowError,
  parseGazetteer,
} from '../server/gazetteer/data.ts';
import {
  type CountryRec,
  countryRecord,
  firstIssue,
  type GateRec,
  gateRecord,
  type IndicatorDefRec,
  type IndicatorRec,
  indicatorDefinitionRecord,
  indicatorRecord,
  type ProjectRec,
  projectRecord,
  type RoadRec,
  roadRecord,
  type SourceRec,
  sourceRecord,
  type UnitRec,
  unitRecord,
} from '../server/import/schema.ts';
import { SeedError } from './errors.ts';

export interface SeedData {
  sources: SourceRec[];
  units: UnitRec[];
  countries: CountryRec[];
  gates: GateRec[];
  roads: RoadRec[];
  projects: ProjectRec[];
  indicatorDefinitions: IndicatorDefRec[];
  indicators: IndicatorRec[];
  /** data/gazetteer/units.csv: every unit of the country (empty when the folder has none). */
  gazetteer?: GazetteerRec[];
}

export const FILES = {
  sources: 'sources.json',
  units: 'units.json',
  countries: 'countries.geojson',
  gates: 'border-gates.geojson',
  roads: 'roads.geojson',
  projects: 'projects.geojson',
  indicatorDefinitions: 'indicator-definitions.json',
  indicators: 'indicators.json',
  gazetteer: GAZETTEER_FILE,
} as const;

function readJson(dir: string, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(path.join(dir, file), 'utf8');
  } catch (e) {
    throw new SeedError(file, '(file)', '(file)', `cannot read: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SeedError(file, '(file)', '(file)', `not valid JSON: ${(e as Error).message}`);
  }
}

function asArray(file: string, v: unknown, key?: string): unknown[] {
  const arr = key ? (v as Record<string, unknown> | null)?.[key] : v;
  if (!Array.isArray(arr)) throw new SeedError(file, '(file)', key ?? '(root)', 'expected an array');
  return arr;
}

/** `#3 "cho-kim-son"`: the record's index and its slug (or id, code, ISO code) when it has one. */
export function label(rec: unknown, i: number): string {
  const r = rec as Record<string, unknown> | null;
  const props = (r?.properties ?? r) as Record<string, unknown> | null;
  const id = props?.slug ?? props?.id ?? props?.code ?? props?.iso3;
  return typeof id === 'string' ? `#${i} "${id}"` : `#${i}`;
}

/** Parses each record of a file, throwing a SeedError for the first bad one. */
function parseFile<S extends z.ZodType>(dir: string, file: string, schema: S, key?: string): z.infer<S>[] {
  return asArray(file, readJson(dir, file), key).map((rec, i) => {
    const r = schema.safeParse(rec);
    if (!r.success) {
      const { field, reason } = firstIssue(r.error);
      throw new SeedError(file, label(rec, i), field, reason);
    }
    return r.data;
  });
}

/**
 * `gazetteer: false` leaves data/gazetteer/units.csv unread (14,000 rows to
 * parse and check): seed() reads it only when the units must be written.
 */
export function readData(dir: string, { gazetteer = true }: { gazetteer?: boolean } = {}): SeedData {
  return {
    sources: parseFile(dir, FILES.sources, sourceRecord),
    units: parseFile(dir, FILES.units, unitRecord),
    countries: parseFile(dir, FILES.countries, countryRecord, 'features'),
    gates: parseFile(dir, FILES.gates, gateRecord, 'features'),
    roads: parseFile(dir, FILES.roads, roadRecord, 'features'),
    projects: parseFile(dir, FILES.projects, projectRecord, 'features'),
    indicatorDefinitions: parseFile(dir, FILES.indicatorDefinitions, indicatorDefinitionRecord),
    indicators: parseFile(dir, FILES.indicators, indicatorRecord),
    gazetteer: gazetteer ? readGazetteer(dir) : undefined,
  };
}

/** sha256 of the files the units come from (units.json, the gazetteer's CSV when there is one), as they are on disk. */
export function unitFilesDigest(dir: string): string {
  const hash = createHash('sha256');
  for (const file of [FILES.units, FILES.gazetteer]) {
    const p = path.join(dir, file);
    hash.update(`${file}\0`);
    if (existsSync(p)) hash.update(readFileSync(p));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export function readGazetteer(dir: string): GazetteerRec[] {
  const file = path.join(dir, FILES.gazetteer);
  if (!existsSync(file)) return [];
  try {
    return parseGazetteer(readFileSync(file, 'utf8'));
  } catch (e) {
    if (e instanceof GazetteerRowError) throw new SeedError(FILES.gazetteer, e.record, e.field, e.reason);
    throw new SeedError(FILES.gazetteer, '(file)', '(file)', (e as Error).message);
  }
}
