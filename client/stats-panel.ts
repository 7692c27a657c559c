/**
 * Statistics with charts: investment by province, by category, and by
 * distance band from the border, from /api/stats/*. The year range and the
 * categories of the filters narrow them as far as the endpoints allow.
 */
import { getJson } from './api.ts';
import { type Bar, barChart } from './charts.ts';
import { num } from './format.ts';
import { onLang, t, valueLabel } from './i18n.ts';
import type { Filters } from './url-state.ts';

export const BANDS = [0, 5, 20, 50, 100];

type Row = Record<string, unknown>;

/** The rows of a statistics answer, wherever the endpoint puts them. */
export function rowsOf(body: unknown): Row[] {
  if (Array.isArray(body)) return body as Row[];
  if (body && typeof body === 'object') {
    for (const k of ['rows', 'groups', 'bands', 'results', 'data', 'items']) {
      const v = (body as Record<string, unknown>)[k];
      if (Array.isArray(v)) return v as Row[];
    }
  }
  return [];
}

const numberOf = (r: Row, keys: string[]): number => {
  for (const k of keys) if (typeof r[k] === 'number') return r[k] as number;
  for (const k of keys)
    if (typeof r[k] === 'string' && r[k] !== '' && Number.isFinite(Number(r[k]))) return Number(r[k]);
  return 0;
};
const INVEST = ['investment_bn_vnd', 'total_investment_bn_vnd', 'investment', 'sum_bn_vnd'];
const COUNT = ['count', 'projects', 'n'];

export function groupBars(rows: Row[], by: string, label: (k: string) => string): Bar[] {
  const bars = rows.map((r) => {
    const key = String(r[by] ?? r.key ?? r.group ?? r.name ?? '–');
    const n = numberOf(r, COUNT);
    const code = r[`${by}_code`];
    return { label: label(key), code, value: numberOf(r, INVEST), note: t('projectsCount', { n }) };
  });
  // Two units may share a name (an old and a merged province): their codes tell them apart.
  const seen = new Map<string, number>();
  for (const b of bars) seen.set(b.label, (seen.get(b.label) ?? 0) + 1);
  return bars
    .map(({ code, ...b }) =>
      (seen.get(b.label) ?? 0) > 1 && code ? { ...b, label: `${b.label} (${code})` } : b,
    )
    .sort((a, b) => b.value - a.value);
}

/** Sums the rows of each band (an answer by category has a row per band and category). */
export function bandBars(rows: Row[]): Bar[] {
  const sums = new Map<string, { value: number; n: number; order: number }>();
  for (const r of rows) {
    const from = r.from_km ?? r.band_from ?? r.from ?? r.min_km;
    const to = r.to_km ?? r.band_to ?? r.to ?? r.max_km;
    const key = typeof r.band === 'string' ? r.band : `${from ?? '?'}–${to ?? '…'} km`;
    const s = sums.get(key) ?? { value: 0, n: 0, order: Number(from ?? sums.size) };
    s.value += numberOf(r, INVEST);
    s.n += numberOf(r, COUNT);
    sums.set(key, s);
  }
  return [...sums.entries()]
    .sort((a, b) => a[1].order - b[1].order)
    .map(([label, s]) => ({ label, value: s.value, note: t('projectsCount', { n: s.n }), color: '#e6550d' }));
}

function query(f: Filters): string {
  const q = new URLSearchParams();
  if (f.yearFrom !== null) q.set('from', String(f.yearFrom));
  if (f.yearTo !== null) q.set('to', String(f.yearTo));
  if (f.categories.length === 1) q.set('category', f.categories[0]!);
  const s = q.toString();
  return s ? `&${s}` : '';
}

/**
 * Draws only while its tab is shown: three statistics queries would
 * otherwise compete with the first tiles for the server at start-up.
 */
export function statsPanel(root: HTMLElement, initial: Filters): { refresh(f: Filters): void } {
  let filters: Filters = initial;
  let drawn: Filters | null = null;
  const shown = (): boolean => !root.hidden && root.offsetParent !== null;
  const draw = async (): Promise<void> => {
    if (!shown()) return;
    drawn = filters;
    const q = query(filters);
    root.replaceChildren(Object.assign(document.createElement('p'), { textContent: t('loading') }));
    const fmt = (v: number): string => num(v, 1);
    const parts = await Promise.all(
      [
        getJson(`/api/stats/investment?by=province${q}`).then((b) =>
          barChart(
            `${t('investmentByProvince')} (${t('bnVnd')})`,
            groupBars(rowsOf(b), 'province', (k) => k),
            fmt,
          ),
        ),
        getJson(`/api/stats/investment?by=category${q}`).then((b) =>
          barChart(
            `${t('investmentByCategory')} (${t('bnVnd')})`,
            groupBars(rowsOf(b), 'category', (k) => valueLabel('category', k)),
            fmt,
          ),
        ),
        // totals_by_band has every band, empty ones included; rows only the groups found.
        getJson<{ totals_by_band?: Row[] }>(
          `/api/stats/distance-bands?bands=${BANDS.join(',')}&by=category`,
        ).then((b) =>
          barChart(`${t('investmentByBand')} (${t('bnVnd')})`, bandBars(b.totals_by_band ?? rowsOf(b)), fmt),
        ),
      ].map((p) =>
        p.catch((e: Error) =>
          Object.assign(document.createElement('p'), {
            className: 'error',
            textContent: t('unavailable', { e: e.message }),
          }),
        ),
      ),
    );
    root.replaceChildren(...parts);
  };
  onLang(() => {
    drawn = null;
    void draw();
  });
  // The tab becomes visible: draw if what is shown is not what is asked.
  new MutationObserver(() => {
    if (drawn !== filters) void draw();
  }).observe(root, { attributes: true, attributeFilter: ['hidden'] });
  return {
    refresh(f) {
      filters = f;
      // Also after an edit with the same filters: drawn when next shown.
      drawn = null;
      void draw();
    },
  };
}
