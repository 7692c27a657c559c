/**
 * A province's figures for its popup (popup.ts calls `unitFigures`): its
 * projects ("6 dự án, 2 chưa rõ vốn") and known investment under the page's
 * filters, its land border length when boundaries are loaded, and its
 * indicators by period, from the existing endpoints (/api/stats/investment,
 * /api/stats/border-length, /api/units/{code}/indicators). An investment
 * the article does not give is never shown as 0.
 */
import { getJson } from './api.ts';
import { toQuery } from './filters.ts';
import { bn, num, projectsNote } from './format.ts';
import { getLang, t } from './i18n.ts';

interface Sums {
  count: number;
  with_investment: number;
  investment_bn_vnd: number;
}

function row(dl: HTMLElement, term: string, value: string): void {
  dl.append(
    Object.assign(document.createElement('dt'), { textContent: term }),
    Object.assign(document.createElement('dd'), { textContent: value }),
  );
}

/** The figures block of a unit of `layer`, or null for a layer that has none (only provinces for now). */
export function unitFigures(layer: string, props: Record<string, unknown>): HTMLElement | null {
  const code = typeof props.code === 'string' ? props.code : null;
  if (layer !== 'provinces' || !code) return null;
  const box = document.createElement('section');
  box.className = 'unit-figures';
  const dl = document.createElement('dl');
  dl.className = 'facts';
  box.append(Object.assign(document.createElement('h4'), { textContent: t('provinceFigures') }), dl);
  const q = toQuery();
  void Promise.all([
    getJson<{ totals: Sums }>(
      `/api/stats/investment?by=province&province=${encodeURIComponent(code)}${q ? `&${q}` : ''}`,
    ).catch(() => null),
    getJson<{ rows: { province_code?: string; length_km?: number; km?: number }[] }>(
      '/api/stats/border-length?by=province',
    ).catch(() => null),
    getJson<{
      indicators: {
        name_vi: string;
        name_en: string;
        values: {
          value: number;
          period_start?: number | null;
          period_end?: number | null;
          year?: number | null;
        }[];
      }[];
    }>(`/api/units/${encodeURIComponent(code)}/indicators`).catch(() => null),
  ]).then(([inv, border, ind]) => {
    if (inv) {
      const s = inv.totals;
      row(dl, t('count'), projectsNote(s.count, s.count - s.with_investment));
      row(
        dl,
        t('investmentKnown'),
        s.with_investment ? bn(s.investment_bn_vnd) : t('unknownInvestmentValue'),
      );
    }
    const b = border?.rows.find((r) => r.province_code === code);
    const km = b ? (b.length_km ?? b.km) : undefined;
    if (typeof km === 'number') row(dl, t('borderLength'), `${num(km, 0)} ${t('km')}`);
    for (const i of ind?.indicators ?? []) {
      const v = i.values[i.values.length - 1];
      if (!v) continue;
      const when = v.year ?? (v.period_start ? `${v.period_start}–${v.period_end ?? ''}` : '');
      row(dl, getLang() === 'vi' ? i.name_vi : i.name_en, `${num(v.value)}${when ? ` (${when})` : ''}`);
    }
    box.dataset.ready = 'true';
  });
  return box;
}
