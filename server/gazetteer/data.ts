/**
 * data/gazetteer/units.csv: every administrative unit of Vietnam, before and
 * after 2025-07-01 (dvhcvn/20250701, MIT; written by
 * scripts/gazetteer/convert.ts). One row per unit and era:
 *
 *   slug,code,level,kind,name,parent,valid_from,valid_to,successors,sources
 *   xa-quang-an-dam-ha,06901,commune,xã,Quảng An,huyen-dam-ha,,2025-06-30,xa-quang-tan:full,dvhcvn-20250701
 *
 * `successors` lists `slug:full|partial` separated by spaces. Units carry no
 * geometry here: their location precision is "none" until a seat or a
 * boundary is known (data/units.json, an import).
 *
 * Seeding writes these rows with data/units.json's through the one write
 * path (mergeUnits): a unit of units.json (same slug) keeps every fact of
 * units.json (seat, sources, note, successors) and takes from here only
 * whether each of its successor links is full or partial.
 */
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { slug, UNIT_KINDS, type UnitRec } from '../import/schema.ts';

export const GAZETTEER_FILE = 'gazetteer/units.csv';

const LEVELS = ['province', 'district', 'commune'] as const;
const date = z.iso.date().nullable();

const successor = z.strictObject({ slug, type: z.enum(['full', 'partial']) });

export const gazetteerRecord = z
  .strictObject({
    slug,
    code: z.string().regex(/^\d{2,5}$/, 'digits only'),
    level: z.enum(LEVELS),
    kind: z.string().min(1),
    name: z.string().min(1),
    parent: slug.nullable(),
    valid_from: date,
    valid_to: date,
    successors: z.array(successor),
    sources: z.array(slug).min(1, 'at least one source'),
  })
  .superRefine((u, ctx) => {
    const kinds: readonly string[] = UNIT_KINDS[u.level];
    if (!kinds.includes(u.kind))
      ctx.addIssue({ code: 'custom', path: ['kind'], message: `"${u.kind}" is not a kind of ${u.level}` });
    if (u.successors.length > 0 && !u.valid_to)
      ctx.addIssue({ code: 'custom', path: ['valid_to'], message: 'a unit with successors must have ended' });
  });

export type GazetteerRec = z.infer<typeof gazetteerRecord>;

export class GazetteerRowError extends Error {
  constructor(
    readonly record: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${record}: ${field}: ${reason}`);
  }
}

/** Parses and checks the CSV; the first bad row throws a GazetteerRowError (line, field, reason). */
export function parseGazetteer(text: string): GazetteerRec[] {
  const rows = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows.map((r, i) => {
    const line = `line ${i + 2}${r.slug ? ` "${r.slug}"` : ''}`;
    const nul = (v: string | undefined) => (v === undefined || v === '' ? null : v);
    const rec = {
      slug: r.slug,
      code: r.code,
      level: r.level,
      kind: r.kind,
      name: r.name,
      parent: nul(r.parent),
      valid_from: nul(r.valid_from),
      valid_to: nul(r.valid_to),
      successors: (r.successors ?? '')
        .split(' ')
        .filter(Boolean)
        .map((s) => {
          const [slug, type] = s.split(':');
          return { slug, type };
        }),
      sources: (r.sources ?? '').split(' ').filter(Boolean),
    };
    const ok = gazetteerRecord.safeParse(rec);
    if (!ok.success) {
      const issue = ok.error.issues[0]!;
      throw new GazetteerRowError(line, issue.path.join('.') || '(record)', issue.message);
    }
    return ok.data;
  });
}

/** A unit record of the write path: units.json's shape, successors possibly typed. */
export type UnitWrite = Omit<UnitRec, 'successors'> & {
  successors: (string | { slug: string; type: 'full' | 'partial' | null })[];
};

/**
 * units.json's units, then the gazetteer's others, one record per slug.
 * A units.json unit keeps its own facts; its successor links gain their
 * type (full/partial) from the gazetteer row of the same slug.
 */
export function mergeUnits(
  units: UnitRec[],
  gazetteer: GazetteerRec[],
): { record: UnitWrite; from: 'units' | 'gazetteer'; index: number }[] {
  const bySlug = new Map(gazetteer.map((g) => [g.slug, g]));
  const own = new Set(units.map((u) => u.slug));
  const out: { record: UnitWrite; from: 'units' | 'gazetteer'; index: number }[] = units.map((u, index) => {
    const g = bySlug.get(u.slug);
    if (!g) return { record: u, from: 'units', index };
    const types = new Map(g.successors.map((s) => [s.slug, s.type]));
    return {
      record: { ...u, successors: u.successors.map((s) => ({ slug: s, type: types.get(s) ?? null })) },
      from: 'units',
      index,
    };
  });
  gazetteer.forEach((g, index) => {
    if (own.has(g.slug)) return;
    out.push({
      record: {
        slug: g.slug,
        code: g.code,
        name: g.name,
        kind: g.kind,
        level: g.level,
        parent: g.parent,
        seat: null,
        valid_from: g.valid_from,
        valid_to: g.valid_to,
        successors: g.successors,
        sources: g.sources,
        note: null,
      },
      from: 'gazetteer',
      index,
    });
  });
  return out;
}
