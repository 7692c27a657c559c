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
function passes(f: Filters, p: Props, fields: ReadonlySet<string>): boolean {
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

/** A feature as the filters see it: its properties, and its layer's property names when known. */
export interface FeatureLike {
  id?: number | string;
  properties: Props;
}

/** Every property a project layer may be filtered on (a feature without fields is taken as a project). */
const PROJECT_FIELDS: ReadonlySet<string> = new Set([...FILTERED_FIELDS, 'end_year']);

/**
 * The one filter state of the page: the filter form's values and the border
 * slider's distance, with the ids the server found within it. The map, the
 * statistics, the border list, the export and the badges all read it, so
 * that the same filter gives the same counts everywhere.
 *
 *   filterState.set({ ...filterState.filters, categories: ['market'] });
 *   filterState.onChange(() => redraw());
 *   fetch(`/api/stats/investment?${toQuery()}`)   // the same filters on the server
 */
export const filterState = {
  filters: {
    categories: [],
    funding: [],
    yearFrom: null,
    yearTo: null,
    minInvestment: null,
  } as Filters,
  /** Border slider distance in km; null = off. */
  km: null as number | null,
  /** Ids (project ids) within `km` of the border, from the near-border answer; null while unknown. */
  near: null as ReadonlyMap<string, number> | null,
  listeners: [] as ((why: 'filters' | 'km') => void)[],
  set(f: Filters): void {
    this.filters = f;
    for (const l of this.listeners) l('filters');
  },
  setKm(km: number | null, near: ReadonlyMap<string, number> | null): void {
    this.km = km;
    this.near = near;
    for (const l of this.listeners) l('km');
  },
  onChange(f: (why: 'filters' | 'km') => void): void {
    this.listeners.push(f);
  },
};

/**
 * Whether a feature passes the current filters (and, while the border
 * slider is on, lies within its distance): the same rule as the tile
 * expression and as the server's project filters.
 *
 *   matches({ id: 7, properties: { category: 'market', investment_bn_vnd: null } })
 */
export function matches(feature: FeatureLike, fields?: ReadonlySet<string>): boolean;
/** The rule for given filters and a layer's fields (the map's selection overlay). */
export function matches(f: Filters, p: Props, fields: ReadonlySet<string>): boolean;
export function matches(
  a: FeatureLike | Filters,
  b?: Props | ReadonlySet<string>,
  c?: ReadonlySet<string>,
): boolean {
  if (c) return passes(a as Filters, b as Props, c);
  const feature = a as FeatureLike;
  const fields = (b as ReadonlySet<string> | undefined) ?? PROJECT_FIELDS;
  if (!passes(filterState.filters, feature.properties, fields)) return false;
  if (filterState.km !== null && filterState.near && fields.has('category')) {
    const id = String(feature.properties.id ?? feature.id ?? '');
    if (!filterState.near.has(id)) return false;
  }
  return true;
}

/**
 * The current filters as the server's query parameters (server/analysis/
 * project-filters.ts): `from`, `to`, `category`, `funding`,
 * `min_investment`, and `within_km` for the statistics while the border
 * slider is on (near-border takes its distance as `km` instead).
 *
 *   toQuery()                    // 'category=market%2Cschool&from=2021&within_km=20'
 *   toQuery({ withKm: false })   // without within_km
 */
export function toQuery(opts: { withKm?: boolean } = {}, f: Filters = filterState.filters): string {
  const q = new URLSearchParams();
  if (f.categories.length) q.set('category', f.categories.join(','));
  if (f.funding.length) q.set('funding', f.funding.join(','));
  if (f.yearFrom !== null) q.set('from', String(f.yearFrom));
  if (f.yearTo !== null) q.set('to', String(f.yearTo));
  if (f.minInvestment !== null) q.set('min_investment', String(f.minInvestment));
  if ((opts.withKm ?? true) && filterState.km !== null) q.set('within_km', String(filterState.km));
  return q.toString();
}
