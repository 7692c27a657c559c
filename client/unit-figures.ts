/**
 * A province's or a commune's figures for its popup (popup.ts calls
 * `unitFigures`): its projects ("6 dự án, 2 chưa rõ vốn") and known
 * investment under the page's filters, its land border length when
 * boundaries are loaded, and its indicators by period, from the existing
 * endpoints (/api/stats/investment, /api/stats/border-length,
 * /api/units/{code}/indicators). An investment the article does not give is
 * never shown as 0.
 *
 * Units are those of 2025: the figures of the units it took over (a commune
 * merged into it, a district of before 2025) are shown each under its own
 * line, labelled "trước 2025: huyện Mường Khương" ("before 2025: Mường
 * Khương district"), and "một phần" (in part) when the old unit was split.
 * A commune's projects of an old district split between several communes are
 * counted apart ("shared with other communes"), never as its own.
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

export interface UnitName {
  code: string | null;
  name: string;
  kind: string;
  level: string;
  type?: 'full' | 'partial' | null;
}

interface CommuneRow extends Sums {
  commune_code: string | null;
  split: boolean;
  split_between: UnitName[];
}

interface IndicatorValue {
  value: number;
  period_start?: number | null;
  period_end?: number | null;
  year?: number | null;
  reported_for?: UnitName | null;
}

/** English names of the kinds of units (Vietnamese keeps the kind before the name). */
const KIND_EN: Record<string, string> = {
  tỉnh: 'province',
  'thành phố': 'city',
  huyện: 'district',
  quận: 'urban district',
  'thị xã': 'town',
  xã: 'commune',
  phường: 'ward',
  'thị trấn': 'township',
  'đặc khu': 'special zone',
};

/** "huyện Mường Khương" | "Mường Khương district". */
export function unitName(u: UnitName): string {
  return getLang() === 'vi' ? `${u.kind} ${u.name}` : `${u.name} ${KIND_EN[u.kind] ?? u.kind}`;
}

/** "trước 2025: huyện Mường Khương" | "before 2025: Mường Khương district" (and "in part" when it was split). */
export function before2025(u: UnitName): string {
  return t(u.type === 'partial' ? 'before2025Part' : 'before2025', { unit: unitName(u) });
}

function row(dl: HTMLElement, term: string, value: string): void {
  dl.append(
    Object.assign(document.createElement('dt'), { textContent: term }),
    Object.assign(document.createElement('dd'), { textContent: value }),
  );
}

/** The figures block of a unit of `layer`, or null for a layer that has none (provinces and communes). */
export function unitFigures(layer: string, props: Record<string, unknown>): HTMLElement | null {
  const code = typeof props.code === 'string' ? props.code : null;
  if ((layer !== 'provinces' && layer !== 'communes') || !code) return null;
  const province = layer === 'provinces';
  const box = document.createElement('section');
  box.className = 'unit-figures';
  const dl = document.createElement('dl');
  dl.className = 'facts';
  box.append(
    Object.assign(document.createElement('h4'), {
      textContent: t(province ? 'provinceFigures' : 'communeFigures'),
    }),
    dl,
  );
  const q = toQuery();
  const investment = province
    ? getJson<{ totals: Sums }>(
        `/api/stats/investment?by=province&province=${encodeURIComponent(code)}${q ? `&${q}` : ''}`,
      ).then((b) => ({ own: b.totals, shared: null as Sums | null }))
    : getJson<{ rows: CommuneRow[] }>(`/api/stats/investment?by=commune${q ? `&${q}` : ''}`).then((b) => {
        const own = b.rows.find((r) => !r.split && r.commune_code === code);
        const shared = b.rows.filter((r) => r.split && r.split_between.some((u) => u.code === code));
        return {
          own: own ?? { count: 0, with_investment: 0, investment_bn_vnd: 0 },
          shared: shared.length
            ? shared.reduce<Sums>(
                (a, r) => ({
                  count: a.count + r.count,
                  with_investment: a.with_investment + r.with_investment,
                  investment_bn_vnd: a.investment_bn_vnd + r.investment_bn_vnd,
                }),
                { count: 0, with_investment: 0, investment_bn_vnd: 0 },
              )
            : null,
        };
      });
  void Promise.all([
    investment.catch(() => null),
    province
      ? getJson<{ rows: { province_code?: string; length_km?: number; km?: number }[] }>(
          '/api/stats/border-length?by=province',
        ).catch(() => null)
      : Promise.resolve(null),
    getJson<{
      indicators: { name_vi: string; name_en: string; values: IndicatorValue[] }[];
    }>(`/api/units/${encodeURIComponent(code)}/indicators`).catch(() => null),
  ]).then(([inv, border, ind]) => {
    if (inv) {
      const s = inv.own;
      row(dl, t('count'), projectsNote(s.count, s.count - s.with_investment));
      row(
        dl,
        t('investmentKnown'),
        s.with_investment ? bn(s.investment_bn_vnd) : t('unknownInvestmentValue'),
      );
      // Projects of an old district split between this commune and others: theirs together, not its own.
      if (inv.shared)
        row(
          dl,
          t('sharedProjects'),
          projectsNote(inv.shared.count, inv.shared.count - inv.shared.with_investment),
        );
    }
    const b = border?.rows.find((r) => r.province_code === code);
    const km = b ? (b.length_km ?? b.km) : undefined;
    if (typeof km === 'number') row(dl, t('borderLength'), `${num(km, 0)} ${t('km')}`);
    for (const i of ind?.indicators ?? []) {
      const name = getLang() === 'vi' ? i.name_vi : i.name_en;
      // The latest value of the unit itself, then of each unit it took over, labelled as such.
      const latest = new Map<string, IndicatorValue>();
      for (const v of i.values)
        latest.set(v.reported_for ? `${v.reported_for.level}/${v.reported_for.code}` : '', v);
      for (const [whose, v] of [...latest].sort(([a], [b]) => a.localeCompare(b))) {
        const when = v.year ?? (v.period_start ? `${v.period_start}–${v.period_end ?? ''}` : '');
        const dd = `${num(v.value)}${when ? ` (${when})` : ''}`;
        row(dl, whose && v.reported_for ? `${name} (${before2025(v.reported_for)})` : name, dd);
      }
    }
    box.dataset.ready = 'true';
  });
  return box;
}
