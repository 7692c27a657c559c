/**
 * Statistics with charts: investment by province, by category, and by
 * distance band from the border, from /api/stats/*. Every chart is asked
 * with the page's one filter state (client/filters.ts `toQuery`: categories,
 * funding, years, minimum investment and, while the border slider is on,
 * `within_km`), so its counts are the map's and the border list's.
 *
 * An investment the article does not give is unknown, not 0: each bar says
 * how many of its projects have no figure ("6 dự án, 2 chưa rõ vốn"), and a
 * bar whose projects all lack one shows "chưa rõ" rather than 0.
 *
 * The table by commune lists the 2025 units: a row fed by units of before
 * the reform names them ("Trước 2025: thị trấn Kim Sơn"), and the projects
 * of an old district split between several communes are one row of their
 * own ("Chia cho: Mường Quàng, Quế Phong, …"), never counted under each.
 */
import { getJson } from './api.ts';
import { type Bar, barChart } from './charts.ts';
import { filterState, toQuery } from './filters.ts';
import { num, projectsNote } from './format.ts';
import { onLang, t, valueLabel } from './i18n.ts';
import { type UnitName, unitName } from './unit-figures.ts';
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
    const known = typeof r.with_investment === 'number' ? r.with_investment : n;
    const code = r[`${by}_code`];
    return {
      label: label(key),
      code,
      value: numberOf(r, INVEST),
      note: projectsNote(n, n - known),
      unknown: known === 0 && n > 0,
    };
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
  const sums = new Map<string, { value: number; n: number; known: number; order: number }>();
  for (const r of rows) {
    const from = r.from_km ?? r.band_from ?? r.from ?? r.min_km;
    const to = r.to_km ?? r.band_to ?? r.to ?? r.max_km;
    const key = typeof r.band === 'string' ? r.band : `${from ?? '?'}–${to ?? '…'} km`;
    const s = sums.get(key) ?? { value: 0, n: 0, known: 0, order: Number(from ?? sums.size) };
    s.value += numberOf(r, INVEST);
    const n = numberOf(r, COUNT);
    s.n += n;
    s.known += typeof r.with_investment === 'number' ? r.with_investment : n;
    sums.set(key, s);
  }
  return [...sums.entries()]
    .sort((a, b) => a[1].order - b[1].order)
    .map(([label, s]) => ({
      label,
      value: s.value,
      note: projectsNote(s.n, s.n - s.known),
      unknown: s.known === 0 && s.n > 0,
      color: '#e6550d',
    }));
}

/**
 * The rows of /api/stats/investment?by=commune as a table: the 2025 unit (or
 * the communes an old unit was split between), its projects and known
 * investment, and the units of before 2025 that fed it.
 */
export function communeTable(rows: Row[]): HTMLElement {
  const fig = document.createElement('figure');
  // Not a `.chart` (the charts are the three bar charts): a table of its own.
  fig.className = 'stats-communes';
  fig.dataset.by = 'commune';
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const h of [t('communeUnit'), t('investmentKnown'), t('count'), t('fedBy')])
    head.append(Object.assign(document.createElement('th'), { scope: 'col', textContent: h }));
  const body = table.createTBody();
  const names = (units: unknown) => ((units as UnitName[] | undefined) ?? []).map(unitName).join(', ');
  for (const r of rows) {
    const tr = body.insertRow();
    const split = r.split === true;
    if (split) tr.className = 'split';
    tr.dataset.code = String(r.commune_code ?? '');
    const unit = split
      ? t('splitBetween', { names: ((r.split_between as UnitName[]) ?? []).map((u) => u.name).join(', ') })
      : String(r.commune ?? '–');
    const n = numberOf(r, COUNT);
    const known = typeof r.with_investment === 'number' ? r.with_investment : n;
    tr.append(
      Object.assign(document.createElement('th'), { scope: 'row', textContent: unit }),
      Object.assign(document.createElement('td'), {
        textContent: known ? num(numberOf(r, INVEST), 1) : t('unknownShort'),
      }),
      Object.assign(document.createElement('td'), { textContent: projectsNote(n, n - known) }),
      Object.assign(document.createElement('td'), { textContent: names(r.from) }),
    );
  }
  fig.append(
    Object.assign(document.createElement('figcaption'), {
      textContent: `${t('investmentByCommune')} (${t('bnVnd')})`,
    }),
    table,
  );
  return fig;
}

/** The page's filters as the statistics endpoints read them, after a `&`. */
function query(_f: Filters): string {
  const s = toQuery();
  return s ? `&${s}` : '';
}

/** The bands asked for: the usual edges, cut at the border slider's distance while it is on. */
function bandEdges(): number[] {
  const km = filterState.km;
  if (km === null || km <= 0) return BANDS;
  const below = BANDS.filter((b) => b < km);
  return [...below, km];
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
    const totals = Object.assign(document.createElement('p'), { className: 'stats-totals' });
    getJson<{ totals?: { count: number; with_investment: number; investment_bn_vnd: number } }>(
      `/api/stats/investment?by=category${q}`,
    )
      .then((b) => {
        const c = b.totals ?? { count: 0, with_investment: 0, investment_bn_vnd: 0 };
        totals.textContent = `${t('total')}: ${projectsNote(c.count, c.count - c.with_investment)} · ${num(c.investment_bn_vnd, 1)} ${t('bnVnd')}`;
        totals.dataset.count = String(c.count);
        totals.dataset.unknown = String(c.count - c.with_investment);
      })
      .catch(() => undefined);
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
          `/api/stats/distance-bands?bands=${bandEdges().join(',')}&by=category${q}`,
        ).then((b) =>
          barChart(`${t('investmentByBand')} (${t('bnVnd')})`, bandBars(b.totals_by_band ?? rowsOf(b)), fmt),
        ),
        getJson(`/api/stats/investment?by=commune${q}`).then((b) => communeTable(rowsOf(b))),
      ].map((p) =>
        p.catch((e: Error) =>
          Object.assign(document.createElement('p'), {
            className: 'error',
            textContent: t('unavailable', { e: e.message }),
          }),
        ),
      ),
    );
    root.replaceChildren(totals, ...parts);
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
