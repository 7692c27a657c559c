/**
 * Numbers as a planner reads them: Vietnamese separators in Vietnamese
 * (1.234,5), English ones in English (1,234.5).
 *
 *   bn(101.46, 'about') // 'khoảng 101,46 tỷ đồng' | 'about 101.46 bn VND'
 */
import { getLang, type PluralKey, plural, t, valueLabel } from './i18n.ts';

/**
 * One Intl.NumberFormat per language and number of digits: toLocaleString
 * with options builds a new one (and reads the locale's data) at every call,
 * several milliseconds each while the page starts. The same text either way.
 */
const formats = new Map<string, Intl.NumberFormat>();

export function num(n: number, digits = 2): string {
  const locale = getLang() === 'vi' ? 'vi-VN' : 'en-GB';
  const key = `${locale}/${digits}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
    formats.set(key, f);
  }
  return f.format(n);
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

/** `n` things in the page language with its plural rule (Intl.PluralRules): "1 project", "2 projects", "2 dự án". */
export function count(n: number, key: PluralKey): string {
  return plural(key, n, { n: num(n, 0) });
}

/** "6 dự án, 2 chưa rõ vốn" | "6 projects, 2 with unknown investment" (the unknown part only when there are some). */
export function projectsNote(n: number, unknown: number): string {
  const base = count(n, 'projectsCount');
  return unknown > 0 ? `${base}, ${plural('unknownInvestment', unknown, { n: num(unknown, 0) })}` : base;
}

/** An investment as a person reads it: the figure, or "chưa rõ" (unknown) when the article gives none. */
export function investmentText(value: unknown, qualifier?: unknown): string {
  return typeof value === 'number' ? bn(value, qualifier) : t('unknownInvestmentValue');
}

/**
 * A distance in km to what the location's precision supports: a point known
 * to ± u km is given to the nearest km (u < 5) or 5 km, followed by how far
 * off the location itself may be, in the popup's words and units
 * (popup.ts `precisionText`: "Ước lượng ± 2 km"); a surveyed point to 0.1 km.
 *
 *   distanceText(12.34, 'approximate', 5000)   // '≈ 10 km (vị trí ± 5 km)' | '≈ 10 km (location ± 5 km)'
 *   distanceText(4.7, 'approximate', 150)      // '≈ 5 km (vị trí ± 150 m)'
 *   distanceText(12.34, 'schematic', null)     // '≈ 12 km (vị trí theo sơ đồ)'
 *   distanceText(12.34, 'surveyed', null)      // '12,3 km'
 */
export function distanceText(km: number, precision?: unknown, uncertaintyM?: unknown): string {
  const u = typeof uncertaintyM === 'number' && uncertaintyM > 0 ? uncertaintyM / 1000 : null;
  if (precision === 'approximate' || precision === 'schematic' || (u !== null && u >= 1)) {
    const step = u === null || u < 5 ? 1 : 5;
    const r = Math.round(km / step) * step;
    const where =
      u !== null
        ? t('distanceLocation', { u: metres(uncertaintyM as number) })
        : t(precision === 'schematic' ? 'distanceSchematic' : 'distanceApproximate');
    return `≈ ${num(r, 0)} ${t('km')} (${where})`;
  }
  return `${num(km, 1)} ${t('km')}`;
}

/** A day of the calendar (YYYY-MM-DD) as the page's language writes it: 12/6/2025, 12 June 2025. */
export function day(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(getLang() === 'vi' ? 'vi-VN' : 'en-GB', {
    timeZone: 'UTC',
    dateStyle: 'medium',
  });
}
