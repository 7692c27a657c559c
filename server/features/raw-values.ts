/**
 * Rows as PostgreSQL's own text, unparsed: the items routes only write
 * values back out, so turning "358.61" into a double and back into
 * "358.61" for every cell of 100,000 rows is time spent for nothing. The
 * writers below take that text per property type.
 */
import type { PropertyType } from '../layers/types.ts';

/** pg type parsers that leave every value as the text PostgreSQL sent. */
export const RAW_TEXT = { getTypeParser: () => (v: string) => v };

export type CellWriter = (v: string | null) => string;

const isNumber = (v: string) => {
  // PostgreSQL writes numbers as JSON-compatible text except NaN and ±Infinity.
  const c = v.charCodeAt(v.length - 1);
  return c >= 48 && c <= 57;
};

// Characters a JSON string must escape. Most names have none, and quoting
// them by hand is twice as fast as JSON.stringify on Vietnamese (two-byte) text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000-U+001F are exactly what JSON must escape.
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

/** A cell as a JSON value. */
export const JSON_CELL: Record<PropertyType, CellWriter> = {
  string: (v) => (v === null ? 'null' : NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`),
  integer: (v) => (v === null || !isNumber(v) ? 'null' : v),
  number: (v) => (v === null || !isNumber(v) ? 'null' : v),
  boolean: (v) => (v === null ? 'null' : v === 't' ? 'true' : 'false'),
};

/** A cell as a CSV value (before CSV quoting): booleans as true/false, the rest as sent. */
export function csvCell(type: PropertyType, v: string | null): string | null {
  if (v === null || type !== 'boolean') return v;
  return v === 't' ? 'true' : 'false';
}
