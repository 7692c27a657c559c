/**
 * Numbers as a planner reads them: Vietnamese separators in Vietnamese
 * (1.234,5), English ones in English (1,234.5).
 *
 *   bn(101.46, 'about') // 'khoảng 101,46 tỷ đồng' | 'about 101.46 bn VND'
 */
import { getLang, t, valueLabel } from './i18n.ts';

export function num(n: number, digits = 2): string {
  return n.toLocaleString(getLang() === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: digits });
}

export function bn(value: number | null | undefined, qualifier?: unknown): string {
  if (value === null || value === undefined) return '–';
  const q = typeof qualifier === 'string' ? valueLabel('investment_qualifier', qualifier) : '';
  return `${q ? `${q} ` : ''}${num(value)} ${t('bnVnd')}`;
}

export function metres(m: number): string {
  return m >= 1000 ? `${num(m / 1000, 1)} km` : `${num(m, 0)} m`;
}

export function years(from: unknown, to: unknown): string | null {
  const a = typeof from === 'number' ? from : null;
  const b = typeof to === 'number' ? to : null;
  if (a === null && b === null) return null;
  if (a === b || b === null) return String(a);
  if (a === null) return `→ ${b}`;
  return `${a}–${b}`;
}
