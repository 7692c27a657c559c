/**
 * Reads data/ and checks every record against seeds/schema.ts and every
 * cross-reference (parents, successors, communes, sources, indicator codes)
 * before the loader opens a transaction.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { SeedError } from './errors.ts';
import {
  type GateRec,
  gateSchema,
  type IndicatorDefRec,
  type IndicatorRec,
  indicatorDefinitionSchema,
  indicatorSchema,
  industrialParkDetails,
  marketDetails,
  otherDetails,
  type ProjectRec,
  projectSchema,
  type RoadRec,
  roadSchema,
  type SourceRec,
  sourceSchema,
  type UnitRec,
  unitSchema,
} from './schema.ts';

export interface CountryRec {
  iso3: string;
  name: string;
  name_vi: string;
  source: string;
  geometry: unknown;
}

export interface SeedData {
  sources: SourceRec[];
  units: UnitRec[];
  countries: CountryRec[];
  gates: GateRec[];
  roads: RoadRec[];
  projects: ProjectRec[];
  indicatorDefinitions: IndicatorDefRec[];
  indicators: (IndicatorRec & { key: string })[];
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

function label(rec: unknown, i: number): string {
  const r = rec as Record<string, unknown> | null;
  const props = (r?.properties ?? r) as Record<string, unknown> | null;
  const id = props?.slug ?? props?.id ?? props?.code ?? props?.iso3;
  return typeof id === 'string' ? `#${i} "${id}"` : `#${i}`;
}

/** Parses each record, throwing a SeedError for the first bad one. */
function parseAll<S extends z.ZodType>(file: string, recs: unknown[], schema: S): z.infer<S>[] {
  return recs.map((rec, i) => {
    const r = schema.safeParse(rec);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new SeedError(
        file,
        label(rec, i),
        issue.path.join('.').replace(/^properties\./, '') || '(record)',
        issue.message,
      );
    }
    return r.data;
  });
}

/** Throws on the first repeated key; `null` keys are skipped (index stays the record's). */
function unique(file: string, keys: (string | null)[], field: string): Set<string> {
  const seen = new Set<string>();
  keys.forEach((k, i) => {
    if (k === null) return;
    if (seen.has(k)) throw new SeedError(file, `#${i}`, field, `duplicate "${k}"`);
    seen.add(k);
  });
  return seen;
}

export function readData(dir: string): SeedData {
  const sources = parseAll(FILES.sources, asArray(FILES.sources, readJson(dir, FILES.sources)), sourceSchema);
  const sourceIds = unique(
    FILES.sources,
    sources.map((s) => s.id),
    'id',
  );
  const checkSources = (file: string, rec: string, ids: string[]) => {
    for (const id of ids)
      if (!sourceIds.has(id)) throw new SeedError(file, rec, 'sources', `unknown source "${id}"`);
  };

  const units = parseAll(FILES.units, asArray(FILES.units, readJson(dir, FILES.units)), unitSchema);
  const unitSlugs = unique(
    FILES.units,
    units.map((u) => u.slug),
    'slug',
  );
  // Codes are reused across periods (thị trấn Kim Sơn's 16738 is now xã Quế
  // Phong's), so they must be unique among units that still exist.
  unique(
    FILES.units,
    units.map((u) => (u.code && u.valid_to === null ? u.code : null)),
    'code',
  );
  units.forEach((u, i) => {
    const rec = `#${i} "${u.slug}"`;
    if (u.parent !== null && !unitSlugs.has(u.parent))
      throw new SeedError(FILES.units, rec, 'parent', `unknown unit "${u.parent}"`);
    if (u.parent === u.slug)
      throw new SeedError(FILES.units, rec, 'parent', 'a unit cannot be its own parent');
    for (const s of u.successors) {
      if (!unitSlugs.has(s)) throw new SeedError(FILES.units, rec, 'successors', `unknown unit "${s}"`);
      if (s === u.slug) throw new SeedError(FILES.units, rec, 'successors', 'a unit cannot succeed itself');
    }
    if (u.successors.length > 0 && u.valid_to === null) {
      throw new SeedError(FILES.units, rec, 'valid_to', 'a unit with successors must have ended');
    }
    if (u.level !== 'village' && u.level !== 'district' && u.seat === null) {
      throw new SeedError(FILES.units, rec, 'seat', `a ${u.level} needs a seat point`);
    }
    checkSources(FILES.units, rec, u.sources);
  });
  const unitLevel = new Map(units.map((u) => [u.slug, u.level]));

  const countriesRaw = asArray(FILES.countries, readJson(dir, FILES.countries), 'features');
  const countries: CountryRec[] = countriesRaw.map((f, i) => {
    const p = (f as { properties?: Record<string, unknown> }).properties ?? {};
    const rec = label({ iso3: p.iso3 }, i);
    for (const k of ['iso3', 'name', 'name_vi', 'source']) {
      if (typeof p[k] !== 'string') throw new SeedError(FILES.countries, rec, k, 'missing');
    }
    const g = (f as { geometry?: { type?: string } }).geometry;
    if (g?.type !== 'Polygon' && g?.type !== 'MultiPolygon') {
      throw new SeedError(FILES.countries, rec, 'geometry', 'expected a Polygon or MultiPolygon');
    }
    checkSources(FILES.countries, rec, [p.source as string]);
    return {
      iso3: p.iso3 as string,
      name: p.name as string,
      name_vi: p.name_vi as string,
      source: p.source as string,
      geometry: g,
    };
  });
  if (!countries.some((c) => c.iso3 === 'VNM'))
    throw new SeedError(FILES.countries, '(file)', 'iso3', 'Vietnam (VNM) is missing');

  const checkUnit = (file: string, rec: string, field: string, slugv: string | null | undefined) => {
    if (slugv && !unitSlugs.has(slugv)) throw new SeedError(file, rec, field, `unknown commune "${slugv}"`);
  };

  const gates = parseAll(
    FILES.gates,
    asArray(FILES.gates, readJson(dir, FILES.gates), 'features'),
    gateSchema,
  );
  unique(
    FILES.gates,
    gates.map((g) => g.properties.slug),
    'slug',
  );
  gates.forEach((g, i) => {
    const rec = `#${i} "${g.properties.slug}"`;
    checkUnit(FILES.gates, rec, 'commune', g.properties.commune);
    checkSources(FILES.gates, rec, g.properties.sources);
  });

  const roads = parseAll(
    FILES.roads,
    asArray(FILES.roads, readJson(dir, FILES.roads), 'features'),
    roadSchema,
  );
  unique(
    FILES.roads,
    roads.map((r) => r.properties.slug),
    'slug',
  );
  roads.forEach((r, i) => {
    checkSources(FILES.roads, `#${i} "${r.properties.slug}"`, r.properties.sources);
  });

  const projects = parseAll(
    FILES.projects,
    asArray(FILES.projects, readJson(dir, FILES.projects), 'features'),
    projectSchema,
  );
  unique(
    FILES.projects,
    projects.map((p) => p.properties.slug),
    'slug',
  );
  projects.forEach((p, i) => {
    const pr = p.properties;
    const rec = `#${i} "${pr.slug}"`;
    checkUnit(FILES.projects, rec, 'commune', pr.commune);
    checkUnit(FILES.projects, rec, 'commune_as_named', pr.commune_as_named);
    if (unitLevel.get(pr.commune) === 'village') {
      throw new SeedError(
        FILES.projects,
        rec,
        'commune',
        'must be a commune, district or province, not a village',
      );
    }
    checkSources(FILES.projects, rec, pr.sources);
    const detailSchema =
      pr.category === 'market'
        ? marketDetails
        : pr.category === 'industrial_park'
          ? industrialParkDetails
          : otherDetails;
    const d = detailSchema.safeParse(pr.details);
    if (!d.success) {
      const issue = d.error.issues[0]!;
      throw new SeedError(FILES.projects, rec, ['details', ...issue.path].join('.'), issue.message);
    }
  });

  const indicatorDefinitions = parseAll(
    FILES.indicatorDefinitions,
    asArray(FILES.indicatorDefinitions, readJson(dir, FILES.indicatorDefinitions)),
    indicatorDefinitionSchema,
  );
  const codes = unique(
    FILES.indicatorDefinitions,
    indicatorDefinitions.map((d) => d.code),
    'code',
  );

  const indicatorsParsed = parseAll(
    FILES.indicators,
    asArray(FILES.indicators, readJson(dir, FILES.indicators)),
    indicatorSchema,
  );
  const indicators = indicatorsParsed.map((r, i) => {
    const key = [
      r.unit,
      r.indicator,
      r.year ?? '',
      r.period_start ?? '',
      r.period_end ?? '',
      r.programme ?? '',
    ].join('|');
    const rec = `#${i} "${key}"`;
    checkUnit(FILES.indicators, rec, 'unit', r.unit);
    if (!codes.has(r.indicator))
      throw new SeedError(FILES.indicators, rec, 'indicator', `unknown indicator "${r.indicator}"`);
    checkSources(FILES.indicators, rec, r.sources);
    return { ...r, key };
  });
  unique(
    FILES.indicators,
    indicators.map((r) => r.key),
    'unit+indicator+year+period+programme',
  );

  return { sources, units, countries, gates, roads, projects, indicatorDefinitions, indicators };
}
