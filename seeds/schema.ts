/**
 * The shape of every file in data/, checked record by record before anything
 * is written. A failure names the file, the record and the field.
 */
import { z } from 'zod';
import { CATEGORIES, FUNDING, QUALIFIERS, STATUS } from '../server/layers/project-properties.ts';

/** Vietnam's region, islands included: every seeded location must fall inside. */
export const REGION = { minLon: 102, minLat: 6, maxLon: 118, maxLat: 23.5 } as const; // Trường Sa reaches ~7°N

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and hyphens');
const precision = z.enum(['surveyed', 'approximate', 'schematic']);
const year = z.number().int().min(1900).max(2100);
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

/** approximate needs a positive uncertainty (in metres). */
function precise<T extends { precision: string; uncertainty_m?: number | null }>(
  o: T,
  ctx: z.RefinementCtx,
): void {
  if (o.precision === 'approximate' && !(typeof o.uncertainty_m === 'number' && o.uncertainty_m > 0)) {
    ctx.addIssue({
      code: 'custom',
      path: ['uncertainty_m'],
      message: 'approximate locations need uncertainty_m > 0',
    });
  }
}

export const sourceSchema = z.strictObject({
  id: slug,
  title: z.string().min(3),
  publisher: z.string().nullable(),
  url: z.url().nullable(),
  language: z.string().nullable(),
  topic: z.string().nullable(),
});

const seat = z
  .strictObject({
    lon,
    lat,
    precision,
    uncertainty_m: z.number().positive().nullable().optional(),
    how: z.string().nullable().optional(),
  })
  .superRefine(precise);

export const unitSchema = z.strictObject({
  slug,
  code: z
    .string()
    .regex(/^\d{2,5}$/, 'digits only')
    .nullable(),
  name: z.string().min(1),
  kind: z.enum([
    'tỉnh',
    'huyện',
    'thành phố',
    'thị xã',
    'xã',
    'phường',
    'thị trấn',
    'đặc khu',
    'thôn',
    'bản',
    'khu',
  ]),
  level: z.enum(['province', 'district', 'commune', 'village']),
  parent: slug.nullable(),
  seat: seat.nullable(),
  valid_from: z.iso.date().nullable(),
  valid_to: z.iso.date().nullable(),
  successors: z.array(slug),
  sources,
  note: z.string().nullable().optional(),
});

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

const projectProps = z
  .strictObject({
    slug,
    name: z.string().min(1),
    name_en: z.string().nullable().optional(),
    category: z.enum(CATEGORIES),
    investment_bn_vnd: z.number().nonnegative().nullable(),
    investment_qualifier: z.enum(QUALIFIERS).nullable(),
    funding: z.enum(FUNDING).nullable(),
    start_year: year.nullable(),
    end_year: year.nullable(),
    status: z.enum(STATUS).nullable(),
    area_m2: z.number().nonnegative().nullable(),
    commune: slug,
    commune_as_named: slug.nullable().optional(),
    precision,
    uncertainty_m: z.number().positive().nullable().optional(),
    details: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
    /** How the source states area_m2 or a numeric details figure; absent = exact. */
    figure_qualifiers: z.record(z.string(), z.enum(QUALIFIERS)).optional(),
    sources,
    note: z.string().nullable().optional(),
  })
  .superRefine(precise)
  .superRefine((p, ctx) => {
    if (p.start_year !== null && p.end_year !== null && p.end_year < p.start_year) {
      ctx.addIssue({ code: 'custom', path: ['end_year'], message: 'end_year before start_year' });
    }
    if (p.investment_bn_vnd !== null && p.investment_qualifier === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['investment_qualifier'],
        message: 'needed when investment_bn_vnd is given',
      });
    }
    for (const key of Object.keys(p.figure_qualifiers ?? {})) {
      const figure = key === 'area_m2' ? p.area_m2 : p.details[key];
      if (typeof figure !== 'number')
        ctx.addIssue({
          code: 'custom',
          path: ['figure_qualifiers', key],
          message: 'names no figure of this record (area_m2 or a numeric details key)',
        });
    }
  });

export const projectSchema = feature(projectProps, point);

export const marketDetails = z.strictObject({
  kiosks: z.number().int().nonnegative().optional(),
  floors_min: z.number().int().nonnegative().optional(),
  floors_max: z.number().int().nonnegative().optional(),
  floor_area_m2: z.number().nonnegative().optional(),
});

export const industrialParkDetails = z.strictObject({
  hectares: z.number().nonnegative().optional(),
  phase: z.string().nullable().optional(),
  phase_hectares: z.number().nonnegative().nullable().optional(),
  occupancy_pct: z.number().min(0).max(100).nullable().optional(),
  enterprises: z.number().int().nonnegative().nullable().optional(),
  enterprise_investment_bn_vnd: z.number().nonnegative().nullable().optional(),
  workers: z.number().int().nonnegative().nullable().optional(),
  investor: z.string().nullable().optional(),
  state_support_bn_vnd: z.number().nonnegative().nullable().optional(),
  target_enterprises: z.number().int().nonnegative().nullable().optional(),
  target_workers: z.number().int().nonnegative().nullable().optional(),
  levelled_pct: z.number().min(0).max(100).nullable().optional(),
  next_phase_hectares: z.number().nonnegative().nullable().optional(),
});

/** Other kinds: numeric figures with snake_case names. */
export const otherDetails = z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'snake_case name'), z.number());

export const gateSchema = feature(
  z
    .strictObject({
      slug,
      name: z.string().min(1),
      name_en: z.string().nullable().optional(),
      kind: z.enum(['international', 'main', 'secondary']),
      neighbour: z.enum(['CHN', 'LAO', 'KHM']),
      commune: slug,
      precision,
      uncertainty_m: z.number().positive().nullable().optional(),
      sources,
      note: z.string().nullable().optional(),
    })
    .superRefine(precise),
  point,
);

export const roadSchema = feature(
  z
    .strictObject({
      slug,
      ref: z.string().nullable(),
      name: z.string().min(1),
      class: z.enum(['expressway', 'national', 'provincial', 'district', 'commune', 'rural']),
      via: z.array(z.string()),
      precision,
      uncertainty_m: z.number().positive().nullable().optional(),
      sources,
      note: z.string().nullable().optional(),
    })
    .superRefine(precise),
  line,
);

export const indicatorDefinitionSchema = z.strictObject({
  code: z.string().regex(/^[a-z][a-z0-9_]*$/, 'snake_case'),
  name_en: z.string().min(1),
  name_vi: z.string().nullable().optional(),
  unit_of_measure: z.string().min(1),
});

export const indicatorSchema = z
  .strictObject({
    unit: slug,
    indicator: z.string(),
    value: z.number(),
    qualifier: z.enum(['exact', 'about', 'nearly', 'over', 'under', 'up_to']),
    year: year.nullable(),
    period_start: year.nullable(),
    period_end: year.nullable(),
    programme: z.string().nullable().optional(),
    sources,
    note: z.string().nullable().optional(),
  })
  .superRefine((r, ctx) => {
    // Undated figures ("up to now", a border length) are allowed, but must say why.
    if (r.year === null && r.period_start === null && r.period_end === null && !r.note) {
      ctx.addIssue({
        code: 'custom',
        path: ['year'],
        message: 'a year or a period is needed (or a note saying why not)',
      });
    }
    if (r.period_start !== null && r.period_end !== null && r.period_end < r.period_start) {
      ctx.addIssue({ code: 'custom', path: ['period_end'], message: 'period_end before period_start' });
    }
  });

export type SourceRec = z.infer<typeof sourceSchema>;
export type UnitRec = z.infer<typeof unitSchema>;
export type ProjectRec = z.infer<typeof projectSchema>;
export type GateRec = z.infer<typeof gateSchema>;
export type RoadRec = z.infer<typeof roadSchema>;
export type IndicatorDefRec = z.infer<typeof indicatorDefinitionSchema>;
export type IndicatorRec = z.infer<typeof indicatorSchema>;
