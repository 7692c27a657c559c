/** Pieces shared by the layer modules: precision fields and kind prefixes of unit names. */

import { PRECISIONS } from '../options.ts';
import { FieldError, nonNegative, oneOf, text } from '../values.ts';
import type { FieldReader, TargetContext } from './types.ts';

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

/** precision and uncertainty_m of a record, falling back to the options. */
export function readPrecision(field: FieldReader, ctx: TargetContext) {
  const precision = field('precision', (v) => oneOf(v, PRECISIONS)) ?? ctx.precision;
  const uncertainty = field('uncertainty_m', nonNegative) ?? ctx.uncertaintyM;
  if (precision === 'approximate' && !(uncertainty !== null && uncertainty > 0))
    field('uncertainty_m', () => {
      throw new FieldError('approximate locations need an uncertainty in metres (column or --uncertainty)');
    });
  return { precision, uncertainty_m: uncertainty };
}

/** Required text: a FieldError when empty. */
export function required(v: unknown): string {
  const s = text(v);
  if (s === null) throw new FieldError('missing');
  return s;
}
