/**
 * The one set of rules for what may be written: every record of data/, of an
 * imported file and of an edit through the API is checked here before
 * anything is written. A record's shape is the shape of data/'s files: a
 * project is a GeoJSON feature whose properties are `projectProperties`.
 *
 *   data/*.json(l) ─┐
 *   imported file ──┼─▶ these schemas ─▶ write.ts (writeRecords) ─▶ targets/<layer> ─▶ PostGIS
 *   API edit ───────┘
 *
 * An imported file's cells are first coerced (values.ts: aliases, decimal
 * commas, lost leading zeros) and then checked by the same `...Values`
 * shapes and rules as data/, so a year range, a category or the precision
 * rule is written once.
 */
import { z } from 'zod';
import { CATEGORIES, FUNDING, QUALIFIERS, STATUS } from '../layers/project-properties.ts';

/** Vietnam's region, islands included: every location must touch it. */
export const REGION = { minLon: 102, minLat: 6, maxLon: 118, maxLat: 23.5 } as const; // Trường Sa reaches ~7°N

export const PRECISIONS = ['surveyed', 'approximate', 'schematic'] as const;
export type Precision = (typeof PRECISIONS)[number];

/** An enum whose error names the value and the choices (the same words for data/ and imports). */
function choice<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (iss) =>
      iss.input === undefined || iss.input === null
        ? 'missing'
        : `"${String(iss.input)}" is not one of ${values.join(', ')}`,
  });
}

export const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and hyphens');
const snake = z.string().regex(/^[a-z][a-z0-9_]*$/, 'snake_case name');
export const precision = choice(PRECISIONS);
const uncertainty = z.number().positive('must be a positive number of metres').nullable().optional();
export const year = z
  .number()
  .int('not a whole year')
  .min(1900, 'not a year between 1900 and 2100')
  .max(2100, 'not a year between 1900 and 2100');
const amount = z.number().nonnegative('must not be negative');
const count = z.number().int('not a whole number').nonnegative('must not be negative');
const pct = z.number().min(0).max(100);
const name = z.string({ error: 'missing' }).min(1, 'missing');
const optText = z.string().nullable().optional();
const sources = z.array(slug).min(1, 'at least one source');
const lon = z
  .number()
  .min(REGION.minLon, 'longitude outside the region')
  .max(REGION.maxLon, 'longitude outside the region');
const lat = z
  .number()
  .min(REGION.minLat, 'latitude outside the region')
  .max(REGION.maxLat, 'latitude outside the region');
const position = z.tuple([lon, lat]).rest(z.number());

/** Official codes: 2 digits (province), 3 (district), 5 (commune). */
export const officialCode = z
  .string()
  .regex(/^\d{2,5}$/, 'digits only')
  .nullable();

/** Kinds of administrative unit, by level. */
export const UNIT_KINDS = {
  province: ['tỉnh', 'thành phố'],
  district: ['huyện', 'thành phố', 'thị xã', 'quận'],
  commune: ['xã', 'phường', 'thị trấn', 'đặc khu'],
  village: ['thôn', 'bản', 'khu'],
} as const;
export type UnitLevel = keyof typeof UNIT_KINDS;
const LEVELS = Object.keys(UNIT_KINDS) as [UnitLevel, ...UnitLevel[]];
const ALL_KINDS = [...new Set(Object.values(UNIT_KINDS).flat())] as [string, ...string[]];

/** approximate needs a positive uncertainty (in metres). */
function precise(
  o: { precision?: string | null; uncertainty_m?: number | null },
  ctx: z.RefinementCtx,
): void {
  if (o.precision === 'approximate' && !(typeof o.uncertainty_m === 'number' && o.uncertainty_m > 0))
    ctx.addIssue({
      code: 'custom',
      path: ['uncertainty_m'],
      message: 'approximate locations need uncertainty_m > 0',
    });
}

function ordered(a: number | null | undefined, b: number | null | undefined, path: string, what: string) {
  return (ctx: z.RefinementCtx) => {
    if (typeof a === 'number' && typeof b === 'number' && b < a)
      ctx.addIssue({ code: 'custom', path: [path], message: `${b} is before ${what} ${a}` });
  };
}

// ── Sources ────────────────────────────────────────────────────────────────

export const sourceRecord = z.strictObject({
  id: slug,
  title: z.string().min(3),
  publisher: z.string().nullable(),
  url: z.url().nullable(),
  language: z.string().nullable(),
  topic: z.string().nullable(),
});

// ── Administrative units ───────────────────────────────────────────────────

/** What a unit is, wherever it comes from. */
export const unitValues = {
  code: officialCode,
  name,
  kind: choice(ALL_KINDS),
  level: choice(LEVELS),
};

function unitRules(u: { kind: string; level: UnitLevel }, ctx: z.RefinementCtx) {
  const kinds: readonly string[] = UNIT_KINDS[u.level] ?? [];
  if (u.level && u.kind && !kinds.includes(u.kind))
    ctx.addIssue({
      code: 'custom',
      path: ['kind'],
      message: `"${u.kind}" is not a kind of ${u.level} (${kinds.join(', ')})`,
    });
}

const seat = z
  .strictObject({ lon, lat, precision, uncertainty_m: uncertainty, how: optText })
  .superRefine(precise);

/** A unit as data/units.json and the write API give it: identified by slug, linked by slugs. */
export const unitRecord = z
  .strictObject({
    slug,
    ...unitValues,
    parent: slug.nullable(),
    seat: seat.nullable(),
    valid_from: z.iso.date().nullable(),
    valid_to: z.iso.date().nullable(),
    successors: z.array(slug),
    sources,
    note: optText,
    /** How precise the record's boundary geometry is (the write API; data/ gives no boundaries). */
    boundary_precision: precision.optional(),
    boundary_uncertainty_m: uncertainty,
  })
  .superRefine(unitRules)
  .superRefine((u, ctx) => {
    if (u.parent === u.slug)
      ctx.addIssue({ code: 'custom', path: ['parent'], message: 'a unit cannot be its own parent' });
    if (u.successors.includes(u.slug))
      ctx.addIssue({ code: 'custom', path: ['successors'], message: 'a unit cannot succeed itself' });
    if (u.valid_from && u.valid_to && u.valid_to < u.valid_from)
      ctx.addIssue({ code: 'custom', path: ['valid_to'], message: 'valid_to before valid_from' });
    if (u.boundary_precision === 'approximate' && !(u.boundary_uncertainty_m && u.boundary_uncertainty_m > 0))
      ctx.addIssue({
        code: 'custom',
        path: ['boundary_uncertainty_m'],
        message: 'approximate locations need uncertainty_m > 0',
      });
    if (u.level !== 'village' && u.level !== 'district' && u.seat === null)
      ctx.addIssue({ code: 'custom', path: ['seat'], message: `a ${u.level} needs a seat point` });
  });

/** A unit read from a boundary file: its location is the boundary, matched by code or name. */
export const importedUnit = z
  .object({ ...unitValues, precision, uncertainty_m: uncertainty })
  .superRefine(unitRules)
  .superRefine(precise);

// ── Features ───────────────────────────────────────────────────────────────

const point = z.strictObject({ type: z.literal('Point'), coordinates: position });
const line = z.strictObject({
  type: z.literal('LineString'),
  coordinates: z.array(position).min(2, 'at least 2 positions'),
});

function feature<P extends z.ZodType, G extends z.ZodType>(props: P, geometry: G) {
  return z.object({
    type: z.literal('Feature'),
    id: z.union([z.string(), z.number()]).optional(),
    properties: props,
    geometry,
  });
}

/** Where a feature is, for features identified in data/ or by the API (by slug). */
const located = { precision, uncertainty_m: uncertainty, sources, note: optText };

export const marketDetails = z.strictObject({
  kiosks: count.optional(),
  floors_min: count.optional(),
  floors_max: count.optional(),
  floor_area_m2: amount.optional(),
});

export const industrialParkDetails = z.strictObject({
  hectares: amount.optional(),
  phase: z.string().nullable().optional(),
  phase_hectares: amount.nullable().optional(),
  occupancy_pct: pct.nullable().optional(),
  enterprises: count.nullable().optional(),
  enterprise_investment_bn_vnd: amount.nullable().optional(),
  workers: count.nullable().optional(),
  investor: z.string().nullable().optional(),
  state_support_bn_vnd: amount.nullable().optional(),
  target_enterprises: count.nullable().optional(),
  target_workers: count.nullable().optional(),
  levelled_pct: pct.nullable().optional(),
  next_phase_hectares: amount.nullable().optional(),
});

/** Other kinds: numeric figures with snake_case names (project_figures). */
export const otherDetails = z.record(snake, z.number());

export const projectValues = {
  name,
  name_en: optText,
  category: choice(CATEGORIES),
  investment_bn_vnd: amount.nullable(),
  investment_qualifier: choice(QUALIFIERS).nullable(),
  funding: choice(FUNDING).nullable(),
  start_year: year.nullable(),
  end_year: year.nullable(),
  status: choice(STATUS).nullable(),
  area_m2: amount.nullable(),
  details: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
  /** How the source states area_m2 or a numeric details figure; absent = exact. */
  figure_qualifiers: z.record(z.string(), choice(QUALIFIERS)).optional(),
};

type ProjectLike = {
  category: (typeof CATEGORIES)[number];
  start_year: number | null;
  end_year: number | null;
  investment_bn_vnd: number | null;
  investment_qualifier: string | null;
  area_m2: number | null;
  details: Record<string, unknown>;
  figure_qualifiers?: Record<string, string>;
};

function projectRules(p: ProjectLike, ctx: z.RefinementCtx) {
  ordered(p.start_year, p.end_year, 'end_year', 'start_year')(ctx);
  if (p.investment_bn_vnd !== null && p.investment_qualifier === null)
    ctx.addIssue({
      code: 'custom',
      path: ['investment_qualifier'],
      message: 'needed when investment_bn_vnd is given',
    });
  for (const key of Object.keys(p.figure_qualifiers ?? {})) {
    const figure = key === 'area_m2' ? p.area_m2 : p.details[key];
    if (typeof figure !== 'number')
      ctx.addIssue({
        code: 'custom',
        path: ['figure_qualifiers', key],
        message: 'names no figure of this record (area_m2 or a numeric details key)',
      });
  }
  const details =
    p.category === 'market'
      ? marketDetails
      : p.category === 'industrial_park'
        ? industrialParkDetails
        : otherDetails;
  const d = details.safeParse(p.details);
  if (!d.success)
    for (const issue of d.error.issues)
      ctx.addIssue({ code: 'custom', path: ['details', ...issue.path], message: issue.message });
}

export const projectProperties = z
  .strictObject({
    slug,
    ...projectValues,
    commune: slug,
    commune_as_named: slug.nullable().optional(),
    ...located,
  })
  .superRefine(precise)
  .superRefine(projectRules);

export const importedProject = z
  .object({ ...projectValues, precision, uncertainty_m: uncertainty, note: optText })
  .superRefine(precise)
  .superRefine(projectRules);

export const GATE_KINDS = ['international', 'main', 'secondary'] as const;
export const NEIGHBOURS = ['CHN', 'LAO', 'KHM'] as const;

export const gateValues = {
  name,
  name_en: optText,
  kind: choice(GATE_KINDS),
  neighbour: choice(NEIGHBOURS),
};

export const gateProperties = z
  .strictObject({ slug, ...gateValues, commune: slug, ...located })
  .superRefine(precise);

/** The neighbour may be left out of a file: the nearest border segment's is taken. */
export const importedGate = z
  .object({
    ...gateValues,
    neighbour: gateValues.neighbour.nullable(),
    precision,
    uncertainty_m: uncertainty,
    note: optText,
  })
  .superRefine(precise);

export const ROAD_CLASSES = ['expressway', 'national', 'provincial', 'district', 'commune', 'rural'] as const;

export const roadValues = {
  ref: z.string().nullable(),
  name,
  class: choice(ROAD_CLASSES),
  via: z.array(z.string()),
};

export const roadProperties = z.strictObject({ slug, ...roadValues, ...located }).superRefine(precise);

export const importedRoad = z
  .object({ ...roadValues, precision, uncertainty_m: uncertainty, note: optText })
  .superRefine(precise);

export const projectRecord = feature(projectProperties, point);
export const gateRecord = feature(gateProperties, point);
export const roadRecord = feature(roadProperties, line);

/** Country outlines (third-party, repaired with ST_MakeValid when written). */
export const countryRecord = feature(
  z.object({
    iso3: z.string().regex(/^[A-Z]{3}$/, 'three capital letters'),
    name,
    name_vi: name,
    source: slug,
  }),
  z.object({ type: z.enum(['Polygon', 'MultiPolygon']), coordinates: z.array(z.unknown()) }),
);

// ── Indicators ─────────────────────────────────────────────────────────────

export const indicatorDefinitionRecord = z.strictObject({
  code: snake,
  name_en: z.string().min(1),
  name_vi: z.string().nullable().optional(),
  unit_of_measure: z.string().min(1),
});

export const indicatorRecord = z
  .strictObject({
    unit: slug,
    indicator: snake,
    value: z.number(),
    qualifier: choice(['exact', 'about', 'nearly', 'over', 'under', 'up_to']),
    year: year.nullable(),
    period_start: year.nullable(),
    period_end: year.nullable(),
    programme: z.string().nullable().optional(),
    sources,
    note: optText,
  })
  .superRefine((r, ctx) => {
    // Undated figures ("up to now", a border length) are allowed, but must say why.
    if (r.year === null && r.period_start === null && r.period_end === null && !r.note)
      ctx.addIssue({
        code: 'custom',
        path: ['year'],
        message: 'a year or a period is needed (or a note saying why not)',
      });
    ordered(r.period_start, r.period_end, 'period_end', 'period_start')(ctx);
  });

/** An indicator's natural key: one figure per unit, indicator, date and programme. */
export function indicatorKey(r: z.infer<typeof indicatorRecord>): string {
  return [
    r.unit,
    r.indicator,
    r.year ?? '',
    r.period_start ?? '',
    r.period_end ?? '',
    r.programme ?? '',
  ].join('|');
}

export type SourceRec = z.infer<typeof sourceRecord>;
export type UnitRec = z.infer<typeof unitRecord>;
export type ProjectRec = z.infer<typeof projectRecord>;
export type GateRec = z.infer<typeof gateRecord>;
export type RoadRec = z.infer<typeof roadRecord>;
export type CountryRec = z.infer<typeof countryRecord>;
export type IndicatorDefRec = z.infer<typeof indicatorDefinitionRecord>;
export type IndicatorRec = z.infer<typeof indicatorRecord>;

/** The first problem of a record, as (field, reason); `properties.` is left out of the field. */
export function firstIssue(error: z.ZodError): { field: string; reason: string } {
  const issue = error.issues[0]!;
  return {
    field: issue.path.join('.').replace(/^properties\./, '') || '(record)',
    reason: issue.message,
  };
}
