/**
 * The planner's filters (category, funding source, year range, minimum
 * investment) as one value, turned into a MapLibre filter expression for the
 * tile layers and into the same test in plain JavaScript for lists and
 * exports, so that the map, the counts and an export agree.
 *
 * A layer is filtered only on the properties it has: a category filter
 * narrows projects, markets and industrial parks, and leaves border gates as
 * they are.
 *
 * Years: a project counts when its period [start_year, end_year] meets the
 * range; a project with one year known is that year; one with neither is left
 * out once a year bound is set (we cannot say it falls inside).
 *
 *   toExpression({ categories: ['market'], minInvestment: 50, ... }, fields)
 *   // ['all', ['in', ['to-string', ['get', 'category']], ['literal', ['market']]],
 *   //         ['>=', ['to-number', ['coalesce', ['get', 'investment_bn_vnd'], -1]], 50]]
 */
import type { Props } from './api.ts';
import type { Filters } from './url-state.ts';

type Expr = unknown[];

/** The properties the filters test: a layer with any of them is filtered. */
export const FILTERED_FIELDS = ['category', 'funding', 'start_year', 'investment_bn_vnd'] as const;

export function isActive(f: Filters): boolean {
  return (
    f.categories.length > 0 ||
    f.funding.length > 0 ||
    f.yearFrom !== null ||
    f.yearTo !== null ||
    f.minInvestment !== null
  );
}

/** Whether any of the active filters concerns a layer with these fields. */
export function appliesTo(f: Filters, fields: ReadonlySet<string>): boolean {
  return (
    (f.categories.length > 0 && fields.has('category')) ||
    (f.funding.length > 0 && fields.has('funding')) ||
    ((f.yearFrom !== null || f.yearTo !== null) && fields.has('start_year')) ||
    (f.minInvestment !== null && fields.has('investment_bn_vnd'))
  );
}

const startOr = (end: boolean): Expr =>
  end
    ? ['coalesce', ['get', 'end_year'], ['get', 'start_year']]
    : ['coalesce', ['get', 'start_year'], ['get', 'end_year']];

/** The clauses for a layer with `fields`; null when nothing applies. */
export function toExpression(f: Filters, fields: ReadonlySet<string>): Expr | null {
  const all: Expr[] = [];
  if (f.categories.length && fields.has('category'))
    all.push(['in', ['to-string', ['get', 'category']], ['literal', f.categories]]);
  if (f.funding.length && fields.has('funding'))
    all.push(['in', ['to-string', ['get', 'funding']], ['literal', f.funding]]);
  if (fields.has('start_year')) {
    if (f.yearTo !== null) all.push(['<=', ['to-number', ['coalesce', startOr(false), 99999]], f.yearTo]);
    if (f.yearFrom !== null) all.push(['>=', ['to-number', ['coalesce', startOr(true), -1]], f.yearFrom]);
  }
  if (f.minInvestment !== null && fields.has('investment_bn_vnd'))
    all.push(['>=', ['to-number', ['coalesce', ['get', 'investment_bn_vnd'], -1]], f.minInvestment]);
  return all.length ? ['all', ...all] : null;
}

const numOr = (v: unknown, fallback: number): number => (typeof v === 'number' ? v : fallback);

/** The same test as `toExpression`, for features in hand. */
export function matches(f: Filters, p: Props, fields: ReadonlySet<string>): boolean {
  if (f.categories.length && fields.has('category') && !f.categories.includes(String(p.category ?? '')))
    return false;
  if (f.funding.length && fields.has('funding') && !f.funding.includes(String(p.funding ?? ''))) return false;
  if (fields.has('start_year')) {
    const start = numOr(p.start_year ?? p.end_year, Number.NaN);
    const end = numOr(p.end_year ?? p.start_year, Number.NaN);
    if (f.yearTo !== null && (Number.isNaN(start) || start > f.yearTo)) return false;
    if (f.yearFrom !== null && (Number.isNaN(end) || end < f.yearFrom)) return false;
  }
  if (f.minInvestment !== null && fields.has('investment_bn_vnd'))
    if (numOr(p.investment_bn_vnd, -1) < f.minInvestment) return false;
  return true;
}
