/**
 * Scoring of `npm run bench:ingest` (scripts/bench/ingest.ts): what an
 * article's truth is, and how an ingestion result is matched against it.
 * Pure functions over plain records, so tests/bench-ingest-score.test.ts
 * checks them with hand-built results and no extractor.
 *
 * Truth of a seed article (derived from data/ at run time, `truthFromData`):
 *   places  = the unit codes (2025 and before) of the units, projects
 *             (commune, commune_as_named), indicators (unit) and border gates
 *             (commune) citing the source; roads carry no unit; villages have no code.
 *   figures = every numeric fact citing the source: a project's
 *             investment_bn_vnd, area_m2 and numeric details (years and
 *             quarters are dates, not figures), an indicator's value; each in its
 *             canonical unit (FIELD_UNITS, INDICATOR_UNITS: the one field → unit map)
 *             and belonging to the feature's commune or the indicator's unit.
 * Truth of a held-out article: its `<name>.truth.json` (`truthFromFile`).
 *
 * Matching (`scoreArticle`): a figure is right when value (within 0.5%), unit
 * and place agree; its place agrees when the candidate or place it belongs
 * to is the truth's unit, or their 2025 units meet the 2025 units of the
 * truth's place, or the candidate is the truth's feature (`existing.slug`). Extracted and true
 * figures are paired one to one (a maximum matching), so a figure repeated
 * as two extracted figures counts once right and once wrong.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type GazetteerRec, mergeUnits } from '../../server/gazetteer/data.ts';
import type { UnitRec } from '../../server/import/schema.ts';

// ── The result of ingest() ───────────────────────────────────────────────
// contract: /work/wt/ingest-contract.md (server/ingest/types.ts once merged):
// only the fields the bench reads.

export interface UnitRefLike {
  code: string | null;
  slug: string;
  name: string;
}
export interface PlaceLike {
  id: string;
  kind: 'unit' | 'border_gate' | 'road';
  text: string;
  unit: UnitRefLike | null;
  current: string[];
}
export interface FigureLike {
  id: string;
  text: string;
  value: number;
  unit: string;
  of: string | null;
}
export interface ExistingLike {
  layer: string;
  slug: string;
}
export type CandidateLike =
  | {
      id: string;
      type: 'feature';
      layer: string;
      properties: Record<string, unknown>;
      figures: string[];
      place: string | null;
      existing: ExistingLike | null;
    }
  | {
      id: string;
      type: 'indicator';
      unit: string;
      unit_code: string | null;
      indicator: string;
      value: number;
      figures: string[];
      existing: ExistingLike | null;
    };
export interface ResultLike {
  places: PlaceLike[];
  figures: FigureLike[];
  candidates: CandidateLike[];
}

// ── Which article a file is ──────────────────────────────────────────────

/** The text a hash is taken of: NFC, no BOM, whitespace runs as one space, trimmed. */
export function normaliseText(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .normalize('NFC')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** sha256 (hex) of the normalised text: the key of scripts/bench/ingest-sources.json. */
export function textHash(text: string): string {
  return createHash('sha256').update(normaliseText(text), 'utf8').digest('hex');
}

export const sourceMap = z.record(z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex'), z.string().min(1));

/** The source id of a file's text, or null when the mapping does not know it (reported, never guessed). */
export function sourceOf(text: string, mapping: Record<string, string>): string | null {
  return mapping[textHash(text)] ?? null;
}

// ── Units: what a unit became on 2025-07-01 ─────────────────────────────

export interface UnitInfo {
  slug: string;
  code: string | null;
  name: string;
  level: string;
  parent: string | null;
  valid_to: string | null;
  successors: string[];
}

export interface UnitIndex {
  bySlug: Map<string, UnitInfo>;
  /** Every unit holding a code, of any era. */
  byCode: Map<string, UnitInfo[]>;
  children: Map<string, UnitInfo[]>;
  currentCache: Map<string, string[]>;
}

export function unitIndex(units: UnitInfo[]): UnitIndex {
  const bySlug = new Map<string, UnitInfo>();
  const byCode = new Map<string, UnitInfo[]>();
  const children = new Map<string, UnitInfo[]>();
  for (const u of units) {
    bySlug.set(u.slug, u);
    if (u.code) byCode.set(u.code, [...(byCode.get(u.code) ?? []), u]);
    if (u.parent) children.set(u.parent, [...(children.get(u.parent) ?? []), u]);
  }
  return { bySlug, byCode, children, currentCache: new Map() };
}

/** The index of data/'s units: units.json's and the gazetteer's, one per slug (as seeding merges them). */
export function dataUnitIndex(data: { units: UnitRec[]; gazetteer?: GazetteerRec[] }): UnitIndex {
  return unitIndex(
    mergeUnits(data.units, data.gazetteer ?? []).map(({ record: u }) => ({
      slug: u.slug,
      code: u.code ?? null,
      name: u.name,
      level: u.level,
      parent: u.parent ?? null,
      valid_to: u.valid_to ?? null,
      successors: u.successors.map((s) => (typeof s === 'string' ? s : s.slug)),
    })),
  );
}

/**
 * The slugs of the 2025 unit(s) a unit is or went to: itself when in force,
 * its successors' when it ended with some, else (a district or province
 * abolished without a link of its own) its units' successors; a village:
 * its commune's.
 */
export function current2025(index: UnitIndex, slug: string, seen = new Set<string>()): string[] {
  const cached = index.currentCache.get(slug);
  if (cached) return cached;
  const u = index.bySlug.get(slug);
  if (!u || seen.has(slug)) return [];
  seen.add(slug);
  let out: string[];
  if (u.level === 'village') out = u.parent ? current2025(index, u.parent, seen) : [];
  else if (u.valid_to === null) out = [u.slug];
  else {
    const from = u.successors.length
      ? u.successors
      : (index.children.get(slug) ?? []).filter((c) => c.level !== 'village').map((c) => c.slug);
    out = [...new Set(from.flatMap((s) => current2025(index, s, seen)))].sort();
  }
  index.currentCache.set(slug, out);
  return out;
}

/** 2025 codes of a unit (see current2025). */
export function currentCodes(index: UnitIndex, slug: string): string[] {
  return current2025(index, slug)
    .map((s) => index.bySlug.get(s)?.code)
    .filter((c): c is string => !!c);
}

// ── Canonical units of data/'s fields (the contract's list) ─────────────

/**
 * The canonical unit of each numeric project field of data/ (top-level and
 * `details`); `null`: not a figure (a year, a quarter). A key not listed
 * falls back to its suffix (unitOfField).
 */
export const FIELD_UNITS: Record<string, string | null> = {
  investment_bn_vnd: 'bn_vnd',
  area_m2: 'm2',
  floor_area_m2: 'm2',
  state_support_bn_vnd: 'bn_vnd',
  enterprise_investment_bn_vnd: 'bn_vnd',
  hectares: 'ha',
  phase_hectares: 'ha',
  next_phase_hectares: 'ha',
  occupancy_pct: 'pct',
  levelled_pct: 'pct',
  length_km: 'km',
  kiosks: 'kiosks',
  floors_min: 'floors',
  floors_max: 'floors',
  enterprises: 'enterprises',
  // "expected to host 250 secondary projects"
  target_enterprises: 'projects',
  workers: 'workers',
  target_workers: 'workers',
  members: 'people',
  people_served_min: 'people',
  procedures_handled_min: 'procedures',
  records_handled_min: 'records',
  villages: 'villages',
  // a programme's number of works ("105 rural road projects")
  count: 'projects',
  completed_quarter: null,
  priority_capital_from_year: null,
  priority_capital_to_year: null,
  start_year: null,
  end_year: null,
};

/** indicator-definitions' unit_of_measure → canonical unit and factor; `count` is per indicator below. */
export const MEASURE_UNITS: Record<string, { unit: string; factor: number }> = {
  billion_vnd: { unit: 'bn_vnd', factor: 1 },
  million_vnd: { unit: 'bn_vnd', factor: 1 / 1000 },
  million_vnd_per_person_year: { unit: 'bn_vnd', factor: 1 / 1000 },
  hectares: { unit: 'ha', factor: 1 },
  km: { unit: 'km', factor: 1 },
  percent: { unit: 'pct', factor: 1 },
  households: { unit: 'households', factor: 1 },
  people: { unit: 'people', factor: 1 },
  ratio: { unit: 'ratio', factor: 1 },
};

/** Indicators counted in `count`: the noun they count ("other counts as their noun"). */
export const INDICATOR_UNITS: Record<string, string> = {
  ntp_projects_count: 'projects',
  rural_road_projects_count: 'projects',
  key_transport_projects_count: 'projects',
  ocop_3star_products_count: 'products',
  ocop_3to5star_products_count: 'products',
  smart_rural_goals_met_count: 'goals',
  smart_rural_goals_total_count: 'goals',
  village_admin_procedures_count: 'procedures',
  village_admin_records_count: 'records',
  villages_newly_grid_connected_count: 'villages',
  action_programme_target_groups_count: 'groups',
  action_programme_tasks_count: 'tasks',
  provincial_council_resolutions_count: 'resolutions',
  bts_stations_count: 'bts_stations',
  houses_built_or_repaired_count: 'houses',
  sanitary_toilets_count: 'toilets',
  schools_upgraded_count: 'schools',
  cooperatives_count: 'cooperatives',
  industrial_parks_count: 'industrial_parks',
  rural_road_upgrade_items_count: 'items',
};

/** The canonical unit of a project field: FIELD_UNITS, else by its suffix (`_bn_vnd`, `_pct`...), else its last word. */
export function unitOfField(key: string): string | null {
  if (key in FIELD_UNITS) return FIELD_UNITS[key]!;
  if (/(^|_)(year|quarter)(_|$)/.test(key)) return null;
  const k = key.replace(/_(min|max)$/, '');
  for (const [suffix, unit] of [
    ['_bn_vnd', 'bn_vnd'],
    ['_m2', 'm2'],
    ['_pct', 'pct'],
    ['_km', 'km'],
    ['_ha', 'ha'],
    ['hectares', 'ha'],
  ] as const)
    if (k.endsWith(suffix)) return unit;
  return k.split('_').at(-1)!;
}

/** The canonical unit and value of an indicator, or null when its measure has none. */
export function indicatorFigure(
  indicator: string,
  measure: string,
  value: number,
): { unit: string; value: number } | null {
  if (measure === 'count')
    return {
      unit:
        INDICATOR_UNITS[indicator] ??
        indicator
          .replace(/_count$/, '')
          .split('_')
          .at(-1)!,
      value,
    };
  const m = MEASURE_UNITS[measure];
  return m ? { unit: m.unit, value: value * m.factor } : null;
}

// ── Truth ────────────────────────────────────────────────────────────────

export interface TruthPlace {
  slug: string;
  code: string;
  name: string;
  level: string;
}

export interface TruthFigure {
  value: number;
  unit: string;
  /** The unit it belongs to (slug) and that unit's 2025 codes. */
  place: string;
  current: string[];
  /** The feature it belongs to, when it is a feature's. */
  feature: { layer: string; slug: string } | null;
  /** Where it comes from, for the list of misses: `projects kcn-nam-son details.hectares`. */
  origin: string[];
}

export interface Truth {
  places: TruthPlace[];
  figures: TruthFigure[];
}

/** The parts of data/ (seeds/read.ts readData) the truth is derived from. */
export interface DataLike {
  projects: { properties: Record<string, unknown> }[];
  gates: { properties: Record<string, unknown> }[];
  roads: { properties: Record<string, unknown> }[];
  indicators: { unit: string; indicator: string; value: number; sources: string[] }[];
  indicatorDefinitions: { code: string; unit_of_measure: string }[];
  units: { slug: string; sources: string[] }[];
}

function addPlace(places: Map<string, TruthPlace>, index: UnitIndex, slug: string | null | undefined) {
  const u = slug ? index.bySlug.get(slug) : undefined;
  if (!u?.code || u.level === 'village') return;
  places.set(u.slug, { slug: u.slug, code: u.code, name: u.name, level: u.level });
}

/**
 * Adds a figure unless the same fact is already there: same value, unit and
 * 2025 place, recorded twice by one record (hectares and phase_hectares) or
 * by a project and an indicator (the 105 roads of a district as both).
 */
function addFigure(figures: TruthFigure[], f: TruthFigure, record: string) {
  const same = figures.find(
    (g) =>
      g.unit === f.unit &&
      closeEnough(g.value, f.value) &&
      g.current.join() === f.current.join() &&
      (g.origin.some((o) => o.startsWith(`${record} `)) || !g.feature !== !f.feature),
  );
  if (same) {
    same.origin.push(...f.origin);
    same.feature ??= f.feature;
    return;
  }
  figures.push(f);
}

/** The truth of source `source` from data/: see the head of this file. */
export function truthFromData(data: DataLike, source: string, index: UnitIndex): Truth {
  const places = new Map<string, TruthPlace>();
  const figures: TruthFigure[] = [];
  const cites = (p: Record<string, unknown>) => Array.isArray(p.sources) && p.sources.includes(source);

  for (const u of data.units) if (u.sources.includes(source)) addPlace(places, index, u.slug);
  for (const g of data.gates.map((f) => f.properties).filter(cites))
    addPlace(places, index, g.commune as string);
  // Roads name their places in `via` only (no unit): they add no place.

  for (const p of data.projects.map((f) => f.properties).filter(cites)) {
    const commune = p.commune as string;
    addPlace(places, index, commune);
    addPlace(places, index, p.commune_as_named as string | null);
    const record = `projects ${p.slug}`;
    const fields: [string, unknown][] = [
      ['investment_bn_vnd', p.investment_bn_vnd],
      ['area_m2', p.area_m2],
      ...Object.entries((p.details ?? {}) as Record<string, unknown>).map(
        ([k, v]) => [`details.${k}`, v] as [string, unknown],
      ),
    ];
    for (const [field, value] of fields) {
      const unit = unitOfField(field.replace(/^details\./, ''));
      if (typeof value !== 'number' || !unit) continue;
      addFigure(
        figures,
        {
          value,
          unit,
          place: commune,
          current: currentCodes(index, commune),
          feature: { layer: 'projects', slug: p.slug as string },
          origin: [`${record} ${field}`],
        },
        record,
      );
    }
  }

  const measures = new Map(data.indicatorDefinitions.map((d) => [d.code, d.unit_of_measure]));
  data.indicators.forEach((r, i) => {
    if (!r.sources.includes(source)) return;
    addPlace(places, index, r.unit);
    const fig = indicatorFigure(r.indicator, measures.get(r.indicator) ?? 'count', r.value);
    if (!fig) return;
    const record = `indicators #${i}`;
    addFigure(
      figures,
      {
        ...fig,
        place: r.unit,
        current: currentCodes(index, r.unit),
        feature: null,
        origin: [`${record} ${r.unit} ${r.indicator}`],
      },
      record,
    );
  });
  return { places: [...places.values()].sort((a, b) => a.code.localeCompare(b.code)), figures };
}

/**
 * A held-out article's `<name>.truth.json` (scripts/bench/ingest-articles/README.md):
 * places and figures name units by code; a code held by units of both eras
 * says which with `era`.
 */
const unitCode = z.union([
  z.string().regex(/^\d{2,5}$/),
  z.strictObject({ code: z.string().regex(/^\d{2,5}$/), era: z.enum(['2025', 'before-2025']) }),
]);
export const truthFile = z.strictObject({
  title: z.string().min(1),
  url: z.string().nullable().optional(),
  published: z.iso.date().nullable().optional(),
  lang: z.enum(['vi', 'en']),
  note: z.string().optional(),
  places: z.array(unitCode).min(1),
  figures: z.array(
    z.strictObject({
      value: z.number(),
      unit: z.string().min(1),
      place: unitCode,
      what: z.string().optional(),
    }),
  ),
});
export type TruthFile = z.infer<typeof truthFile>;

/** The unit a truth file names; throws when the code is unknown or ambiguous. */
export function unitOfCode(index: UnitIndex, ref: z.infer<typeof unitCode>): UnitInfo {
  const { code, era } = typeof ref === 'string' ? { code: ref, era: undefined } : ref;
  const all = (index.byCode.get(code) ?? []).filter((u) => u.level !== 'village');
  const fits = era ? all.filter((u) => (u.valid_to === null ? era === '2025' : era === 'before-2025')) : all;
  if (fits.length === 1) return fits[0]!;
  if (!fits.length) throw new Error(`no unit has code ${code}${era ? ` (${era})` : ''}`);
  throw new Error(
    `code ${code} names ${fits
      .map((u) => u.slug)
      .sort()
      .join(' and ')}: say which with {"code", "era"}`,
  );
}

export function truthFromFile(file: TruthFile, index: UnitIndex): Truth {
  const places = new Map<string, TruthPlace>();
  for (const ref of file.places) addPlace(places, index, unitOfCode(index, ref).slug);
  const figures = file.figures.map((f) => {
    const u = unitOfCode(index, f.place);
    return {
      value: f.value,
      unit: f.unit,
      place: u.slug,
      current: currentCodes(index, u.slug),
      feature: null,
      origin: [f.what ?? `${f.value} ${f.unit}`],
    };
  });
  return { places: [...places.values()], figures };
}

// ── Matching ─────────────────────────────────────────────────────────────

/** Within 0.5% of the true value (exactly, for 0). */
export function closeEnough(extracted: number, truth: number): boolean {
  return Math.abs(extracted - truth) <= 0.005 * Math.abs(truth);
}

/** Where an extracted figure is: the 2025 codes of what it belongs to, and the features it is a figure of. */
export interface FigurePlace {
  current: Set<string>;
  /** The units themselves (slugs): a figure at the truth's very unit is placed right whatever that unit's `current`. */
  units: Set<string>;
  features: Set<string>;
  /** Readable, for the list of misses. */
  said: string[];
}

export function placeOfFigure(result: ResultLike, figure: FigureLike, index: UnitIndex): FigurePlace {
  const out: FigurePlace = { current: new Set(), units: new Set(), features: new Set(), said: [] };
  const places = new Map(result.places.map((p) => [p.id, p]));
  const fromPlace = (id: string | null) => {
    const p = id ? places.get(id) : undefined;
    if (!p) return;
    for (const c of p.current) out.current.add(c);
    if (p.unit) out.units.add(p.unit.slug);
    out.said.push(p.unit ? `${p.unit.name} (${p.unit.code})` : p.text);
  };
  const fromSlug = (slug: unknown) => {
    if (typeof slug !== 'string' || !index.bySlug.has(slug)) return;
    for (const c of currentCodes(index, slug)) out.current.add(c);
    out.units.add(slug);
    out.said.push(slug);
  };
  fromPlace(figure.of);
  for (const c of result.candidates) {
    if (c.id !== figure.of && !c.figures.includes(figure.id)) continue;
    if (c.existing) out.features.add(`${c.existing.layer}/${c.existing.slug}`);
    if (c.type === 'feature') {
      fromPlace(c.place);
      fromSlug(c.properties.commune);
    } else {
      fromSlug(c.unit);
      if (c.unit_code && !index.bySlug.has(c.unit))
        for (const u of index.byCode.get(c.unit_code) ?? []) fromSlug(u.slug);
    }
  }
  return out;
}

/** Why an extracted figure is not a true one: '' when it is. */
export function mismatch(f: FigureLike, at: FigurePlace, t: TruthFigure): string {
  if (!closeEnough(f.value, t.value)) return 'value';
  if (f.unit !== t.unit) return 'unit';
  if (t.feature && at.features.has(`${t.feature.layer}/${t.feature.slug}`)) return '';
  if (at.units.has(t.place) || t.current.some((c) => at.current.has(c))) return '';
  return 'place';
}

/** Maximum one-to-one matching (augmenting paths): pairs[i] = index of the truth extracted figure i matches, or -1. */
export function maxMatching(edges: number[][], truthCount: number): number[] {
  const truthOf: number[] = new Array(truthCount).fill(-1);
  const tryAssign = (i: number, seen: boolean[]): boolean => {
    for (const t of edges[i]!) {
      if (seen[t]) continue;
      seen[t] = true;
      if (truthOf[t] === -1 || tryAssign(truthOf[t]!, seen)) {
        truthOf[t] = i;
        return true;
      }
    }
    return false;
  };
  for (let i = 0; i < edges.length; i++) tryAssign(i, new Array(truthCount).fill(false));
  const pairs: number[] = new Array(edges.length).fill(-1);
  truthOf.forEach((i, t) => {
    if (i >= 0) pairs[i] = t;
  });
  return pairs;
}

export interface Ratio {
  right: number;
  of: number;
}
export const ratio = (r: Ratio): number | null => (r.of ? r.right / r.of : null);

export interface ArticleScore {
  places: {
    recall: Ratio;
    precision: Ratio;
    /** Truth places (communes and provinces) whose 2025 units are all among the places' `current`. */
    resolved: Ratio;
    missing: TruthPlace[];
    extra: { code: string; name: string; text: string }[];
    unresolved: { place: TruthPlace; needs: string[]; got: string[] }[];
  };
  figures: {
    recall: Ratio;
    precision: Ratio;
    missing: { truth: TruthFigure; near: string[] }[];
    wrong: { figure: FigureLike; why: string; at: string[] }[];
  };
}

const describe = (f: FigureLike, why: string, at: FigurePlace) =>
  `${f.id} "${f.text}" = ${f.value} ${f.unit} at ${at.said.join(', ') || 'no place'} (${why} differs)`;

export function scoreArticle(result: ResultLike, truth: Truth, index: UnitIndex): ArticleScore {
  // Places by code; a code is found as a place's own or as one of its 2025 units.
  const extractedCodes = new Map<string, PlaceLike>();
  for (const p of result.places)
    if (p.kind === 'unit' && p.unit?.code && !extractedCodes.has(p.unit.code))
      extractedCodes.set(p.unit.code, p);
  const allCurrent = new Set(result.places.flatMap((p) => p.current));
  const found = (code: string) => extractedCodes.has(code) || allCurrent.has(code);
  // Codes are reused across eras (thị trấn Kim Sơn and its successor xã Quế Phong are both 16738): one code, one place.
  const byCode = new Map(truth.places.map((t) => [t.code, t]));
  const missingPlaces = [...byCode.values()].filter((t) => !found(t.code));
  const truthCodes = new Set(truth.places.flatMap((t) => [t.code, ...currentCodes(index, t.slug)]));
  const extra = [...extractedCodes.entries()]
    .filter(([code]) => !truthCodes.has(code))
    .map(([code, p]) => ({ code, name: p.unit?.name ?? '', text: p.text }));
  // Districts were abolished in 2025 and have no one 2025 unit: their code is scored, not their resolution.
  // A unit and its namesake successor (same code, same 2025 unit) are one place here too.
  const resolvable = [
    ...new Map(
      truth.places
        .filter((t) => t.level !== 'district')
        .map((t) => ({ place: t, needs: currentCodes(index, t.slug) }))
        .map((u) => [`${u.place.code} ${u.needs.join()}`, u] as const),
    ).values(),
  ];
  const unresolved = resolvable
    .filter((u) => u.needs.length === 0 || u.needs.some((c) => !allCurrent.has(c)))
    .map((u) => ({ ...u, got: u.needs.filter((c) => allCurrent.has(c)) }));

  // Figures: one to one.
  const at = result.figures.map((f) => placeOfFigure(result, f, index));
  // The same value first: 99.9% is within 0.5% of 100%, but pairs with a true 99.9% when there is one.
  const edges = result.figures.map((f, i) =>
    truth.figures
      .flatMap((t, j) => (mismatch(f, at[i]!, t) === '' ? [j] : []))
      .sort(
        (a, b) => Number(truth.figures[a]!.value !== f.value) - Number(truth.figures[b]!.value !== f.value),
      ),
  );
  const pairs = maxMatching(edges, truth.figures.length);
  const matchedTruth = new Set(pairs.filter((j) => j >= 0));
  const missing = truth.figures
    .map((t, j) => ({ t, j }))
    .filter(({ j }) => !matchedTruth.has(j))
    .map(({ t }) => ({
      truth: t,
      near: result.figures.flatMap((f, i) => {
        const why = mismatch(f, at[i]!, t);
        if (why === 'value') return [];
        return [
          why === ''
            ? `${f.id} "${f.text}" matches but is paired with another fact`
            : describe(f, why, at[i]!),
        ];
      }),
    }));
  const wrong = result.figures
    .map((f, i) => ({ f, i }))
    .filter(({ i }) => pairs[i] === -1)
    .map(({ f, i }) => ({
      figure: f,
      why: edges[i]!.length ? 'a repeat of a fact already matched' : 'no such fact in the truth',
      at: at[i]!.said,
    }));

  const right = pairs.filter((j) => j >= 0).length;
  return {
    places: {
      recall: { right: byCode.size - missingPlaces.length, of: byCode.size },
      precision: { right: extractedCodes.size - extra.length, of: extractedCodes.size },
      resolved: { right: resolvable.length - unresolved.length, of: resolvable.length },
      missing: missingPlaces,
      extra,
      unresolved,
    },
    figures: {
      recall: { right, of: truth.figures.length },
      precision: { right, of: result.figures.length },
      missing,
      wrong,
    },
  };
}

/** Sums of several articles' ratios (micro average). */
export function total(scores: ArticleScore[]): {
  places: { recall: Ratio; precision: Ratio; resolved: Ratio };
  figures: { recall: Ratio; precision: Ratio };
} {
  const sum = (pick: (s: ArticleScore) => Ratio): Ratio =>
    scores.reduce((a, s) => ({ right: a.right + pick(s).right, of: a.of + pick(s).of }), { right: 0, of: 0 });
  return {
    places: {
      recall: sum((s) => s.places.recall),
      precision: sum((s) => s.places.precision),
      resolved: sum((s) => s.places.resolved),
    },
    figures: { recall: sum((s) => s.figures.recall), precision: sum((s) => s.figures.precision) },
  };
}

/** Issue 12's targets: ≥ 90% figure recall, ≥ 80% precision, every place resolved to its 2025 unit. */
export const TARGETS = { figureRecall: 0.9, figurePrecision: 0.8 } as const;

export function targets(t: ReturnType<typeof total>): { name: string; value: string; met: boolean }[] {
  const pct = (r: Ratio) =>
    ratio(r) === null ? 'n/a' : `${(100 * ratio(r)!).toFixed(1)}% (${r.right}/${r.of})`;
  return [
    {
      name: `figure recall ≥ ${TARGETS.figureRecall * 100}%`,
      value: pct(t.figures.recall),
      met: (ratio(t.figures.recall) ?? 0) >= TARGETS.figureRecall,
    },
    {
      name: `figure precision ≥ ${TARGETS.figurePrecision * 100}%`,
      value: pct(t.figures.precision),
      met: (ratio(t.figures.precision) ?? 0) >= TARGETS.figurePrecision,
    },
    {
      name: 'every place resolved to its 2025 unit',
      value: pct(t.places.resolved),
      met: t.places.resolved.right === t.places.resolved.of,
    },
  ];
}
