/**
 * `datetime` (Part 1) on a layer whose time field is a year: an instant or
 * an interval (RFC 3339 dates or date-times, or bare years, with `..` or
 * nothing for an open end) becomes the range of years it touches.
 *
 *   yearRange('2020-01-01/2023-12-31') // { from: 2020, to: 2023 }
 *   yearRange('../2021')               // { to: 2021 }
 *   yearRange('2022')                  // { from: 2022, to: 2022 }
 *
 * QGIS writes open ends as 0000-01-01T00:00:00Z and 9999-12-31T00:00:00Z:
 * years 0 to 9999 are accepted for that reason.
 */
import { badRequest } from '../http/problem.ts';

export interface YearRange {
  from?: number;
  to?: number;
}

const ACCEPTS =
  'an RFC 3339 date or date-time, a year, or an interval start/end of those with ".." for an open end (e.g. 2020-01-01/2023-12-31, ../2021)';

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export function yearRange(value: string): YearRange {
  const parts = value.split('/');
  if (parts.length > 2) throw badRequest('datetime', ACCEPTS, value);
  if (parts.length === 1) {
    const y = year(parts[0]!, value);
    if (y === undefined) throw badRequest('datetime', ACCEPTS, value);
    return { from: y, to: y };
  }
  const from = year(parts[0]!, value);
  const to = year(parts[1]!, value);
  if (from === undefined && to === undefined)
    throw badRequest('datetime', `${ACCEPTS}; both ends open`, value);
  if (from !== undefined && to !== undefined && from > to) {
    throw badRequest('datetime', `${ACCEPTS}; the start is after the end`, value);
  }
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}

/** The year of one end; undefined for an open end. */
function year(s: string, whole: string): number | undefined {
  if (s === '' || s === '..') return undefined;
  const d = DATE.exec(s);
  if (d) {
    if (d[2] !== undefined && !validDate(+d[1]!, +d[2], d[3] === undefined ? 1 : +d[3])) {
      throw badRequest('datetime', ACCEPTS, whole);
    }
    return +d[1]!;
  }
  const t = DATE_TIME.exec(s);
  if (!t || !validDate(+t[1]!, +t[2]!, +t[3]!) || +t[4]! > 23 || +t[5]! > 59 || +t[6]! > 60) {
    throw badRequest('datetime', ACCEPTS, whole);
  }
  // The year in UTC: 2020-12-31T23:00:00-05:00 is already 2021.
  const offset =
    t[8]!.toUpperCase() === 'Z'
      ? 0
      : (t[8]![0] === '-' ? -1 : 1) * (+t[8]!.slice(1, 3) * 60 + +t[8]!.slice(4));
  const utcMinutes = +t[4]! * 60 + +t[5]! - offset;
  const [y, m, day] = [+t[1]!, +t[2]!, +t[3]!];
  if (utcMinutes >= 24 * 60 && m === 12 && day === 31) return y + 1;
  if (utcMinutes < 0 && m === 1 && day === 1) return y - 1;
  return y;
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}
