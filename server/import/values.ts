/**
 * Turning a file's cell (string from CSV, number from a DBF, anything from
 * GeoJSON) into a value of the record's type. Each parser returns the value
 * or throws a FieldError when the cell cannot be read at all, which becomes
 * a Problem naming the field. What a value may be (ranges, choices) is the
 * schema's business (schema.ts), the same for imports and data/.
 */
import { slugify } from './slug.ts';

export class FieldError extends Error {}

/** Trimmed text, or null for empty cells. */
export function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v).trim();
  return s === '' ? null : s;
}

/** A number; "1.234,5" style decimal commas are read as decimal points when there is no point. */
export function num(v: unknown): number | null {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new FieldError(`not a finite number: ${v}`);
    return v;
  }
  const s = text(v);
  if (s === null) return null;
  const normal = s.includes('.') ? s.replace(/[\s_]/g, '') : s.replace(/[\s_]/g, '').replace(',', '.');
  const n = Number(normal);
  if (!Number.isFinite(n) || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(normal))
    throw new FieldError(`not a number: "${s}"`);
  return n;
}

/**
 * An official code of `digits` digits. Spreadsheets and DBF files drop
 * leading zeros (03368 → 3368), so short numeric codes are padded back.
 */
export function officialCode(v: unknown, digits: number): string | null {
  const s = text(v);
  if (s === null) return null;
  const t = /^\d+(\.0+)?$/.test(s) ? s.replace(/\.0+$/, '') : s;
  if (!/^\d+$/.test(t) || t.length > digits)
    throw new FieldError(`not an official code of ${digits} digits: "${s}"`);
  return t.padStart(digits, '0');
}

/**
 * The canonical spelling of a choice: `allowed` or one of its aliases,
 * compared accent-free and case-free ("Quốc tế", "quoc te" and
 * "international" are the same kind). Anything else is returned as given,
 * for the schema (schema.ts) to reject with the list of choices.
 */
export function canonical<T extends string>(
  v: unknown,
  allowed: readonly T[],
  aliases: Record<string, T> = {},
): T | string | null {
  const s = text(v);
  if (s === null) return null;
  const key = slugify(s).replace(/-/g, '_');
  for (const a of allowed) if (slugify(a).replace(/-/g, '_') === key) return a;
  for (const [alias, a] of Object.entries(aliases)) if (slugify(alias).replace(/-/g, '_') === key) return a;
  return s;
}
