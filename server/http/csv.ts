/**
 * CSV for attribute tables and statistics (RFC 4180: comma, CRLF, fields with
 * a comma, quote or line break quoted, quotes doubled). UTF-8 with a BOM so
 * spreadsheet programs keep Vietnamese diacritics.
 *
 *   toCsv(['name', 'km'], [{ name: 'Mường Nhà', km: 3.2 }]) // '\uFEFFname,km\r\nMường Nhà,3.2\r\n'
 */
import type { Request } from 'express';

export const CSV_TYPE = 'text/csv; charset=utf-8';
export const BOM = '\uFEFF';

export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  // A leading = + - @ would be run as a formula by spreadsheets: keep it text.
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return BOM + csvRow(columns) + rows.map((r) => csvRow(columns.map((c) => r[c]))).join('');
}

/** True when the client asked for CSV: `?f=csv`, or an Accept header preferring text/csv. */
export function wantsCsv(req: Request): boolean {
  if (req.query.f === 'csv') return true;
  if (req.query.f !== undefined) return false;
  return req.accepts(['application/json', 'application/geo+json', 'text/csv']) === 'text/csv';
}
