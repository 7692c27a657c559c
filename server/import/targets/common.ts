/** Pieces shared by the layer modules: precision fields, and checking a file record against the schema. */

import type { z } from 'zod';
import { PRECISIONS } from '../schema.ts';
import { canonical, num } from '../values.ts';
import type { FieldReader, TargetContext, Warn } from './types.ts';

export const precisionFields = {
  precision: {
    columns: ['precision', 'do_chinh_xac'],
    description: 'surveyed, approximate or schematic (default: --precision)',
  },
  uncertainty_m: {
    columns: ['uncertainty_m', 'sai_so_m'],
    description: 'Uncertainty in metres (default: --uncertainty)',
  },
} as const;

export const noteField = {
  note: { columns: ['note', 'ghi_chu', 'notes'], description: 'Free note' },
} as const;

/** precision and uncertainty_m of a file record, falling back to the options. */
export function readPrecision(field: FieldReader, ctx: TargetContext) {
  return {
    precision: field('precision', (v) => canonical(v, PRECISIONS)) ?? ctx.precision,
    uncertainty_m: field('uncertainty_m', num) ?? ctx.uncertaintyM,
  };
}

/**
 * Checks a file record's values with the schema data/ is checked with
 * (schema.ts); each issue becomes a problem naming the field (details'
 * fields by their own name, as the file spells them).
 */
export function validate(schema: z.ZodType, values: Record<string, unknown>, fail: Warn): void {
  const r = schema.safeParse(values);
  if (r.success) return;
  for (const issue of r.error.issues) {
    const path = issue.path[0] === 'details' ? issue.path.slice(1) : issue.path;
    fail(path.join('.') || '(record)', issue.message);
  }
}
