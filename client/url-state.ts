/**
 * The map's view and filters, kept in the URL hash so that a link reproduces
 * what its sender saw:
 *
 *   #map=7.5/21.9/103.5&layers=countries,provinces,projects&cat=market,school
 *     &fund=state_budget&years=2015-2025&min=10&km=20&lang=en&tab=stats
 *     &sel=projects/12&choro=provinces/investment
 *
 * `sel` is the feature whose popup is open (restored on load); `choro` the
 * choropleth shown (client/choropleth.ts): units/figure.
 *
 * Absent keys mean "the default": no filter, the default layers, Vietnamese.
 * Parsing never throws: a hand-edited link with a bad part keeps the rest.
 */
import type { Lang } from './i18n.ts';

export interface View {
  zoom: number;
  lat: number;
  lon: number;
}

export interface Filters {
  categories: string[];
  funding: string[];
  /** Inclusive year range; null bound = open. */
  yearFrom: number | null;
  yearTo: number | null;
  minInvestment: number | null;
}

export interface State {
  view: View | null;
  /** Visible layer ids; null = each layer's default. */
  layers: string[] | null;
  filters: Filters;
  /** Distance-from-border band in km; null = off. */
  km: number | null;
  lang: Lang;
  tab: string | null;
  /** The selected feature (its popup open); absent = none. */
  sel?: Selection | null;
  /** The choropleth shown, `provinces/investment`; absent = none. */
  choro?: string | null;
}

export interface Selection {
  layer: string;
  id: string;
}

/** `projects/12` → { layer: 'projects', id: '12' }; null for anything else. */
export function parseSelection(s: string | null): Selection | null {
  const m = /^([a-z][\w-]{0,63})\/([\w.-]{1,64})$/i.exec(s ?? '');
  return m ? { layer: m[1]!, id: m[2]! } : null;
}

export const noFilters = (): Filters => ({
  categories: [],
  funding: [],
  yearFrom: null,
  yearTo: null,
  minInvestment: null,
});

const list = (s: string | null): string[] => (s ? s.split(',').filter((x) => /^[\w-]+$/.test(x)) : []);

function number(s: string | null, min: number, max: number): number | null {
  if (s === null || s.trim() === '') return null;
  const n = Number(s);
  return Number.isFinite(n) && n >= min && n <= max ? n : null;
}

export function parseHash(hash: string): State {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const [z, lat, lon] = (p.get('map') ?? '').split('/').map((s) => number(s, -180, 180));
  const view =
    z !== undefined && z !== null && lat != null && lon != null && z >= 0 && z <= 22 && Math.abs(lat) <= 85
      ? { zoom: z, lat, lon }
      : null;
  const [yf, yt] = (p.get('years') ?? '').split('-');
  return {
    view,
    layers: p.has('layers') ? list(p.get('layers')) : null,
    filters: {
      categories: list(p.get('cat')),
      funding: list(p.get('fund')),
      yearFrom: number(yf ?? null, 1900, 2100),
      yearTo: number(yt ?? null, 1900, 2100),
      minInvestment: number(p.get('min'), 0, 1e9),
    },
    km: number(p.get('km'), 0, 100),
    lang: p.get('lang') === 'en' ? 'en' : 'vi',
    tab: p.get('tab') && /^[a-z]+$/.test(p.get('tab')!) ? p.get('tab') : null,
    ...(parseSelection(p.get('sel')) ? { sel: parseSelection(p.get('sel')) } : {}),
    ...(/^[a-z]+\/[\w-]{1,64}$/.test(p.get('choro') ?? '') ? { choro: p.get('choro') } : {}),
  };
}

/** Coordinates rounded to what the zoom can show (about a pixel). */
export function formatHash(s: State): string {
  const parts: string[] = [];
  if (s.view) {
    const d = Math.max(2, Math.ceil(Math.log10(2 ** s.view.zoom)) + 1);
    parts.push(`map=${s.view.zoom.toFixed(2)}/${s.view.lat.toFixed(d)}/${s.view.lon.toFixed(d)}`);
  }
  if (s.layers) parts.push(`layers=${s.layers.join(',')}`);
  const f = s.filters;
  if (f.categories.length) parts.push(`cat=${f.categories.join(',')}`);
  if (f.funding.length) parts.push(`fund=${f.funding.join(',')}`);
  if (f.yearFrom !== null || f.yearTo !== null) parts.push(`years=${f.yearFrom ?? ''}-${f.yearTo ?? ''}`);
  if (f.minInvestment !== null) parts.push(`min=${f.minInvestment}`);
  if (s.km !== null) parts.push(`km=${s.km}`);
  if (s.lang !== 'vi') parts.push(`lang=${s.lang}`);
  if (s.tab) parts.push(`tab=${s.tab}`);
  if (s.sel) parts.push(`sel=${s.sel.layer}/${encodeURIComponent(s.sel.id)}`);
  if (s.choro) parts.push(`choro=${s.choro}`);
  return `#${parts.join('&')}`;
}

/** Replaces the hash without adding a history entry for every pan. */
export function writeHash(s: State): void {
  const next = formatHash(s);
  if (next !== window.location.hash) window.history.replaceState(null, '', next);
}
