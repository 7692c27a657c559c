/**
 * The active filters as removable badges above the panel's tabs ("Chợ ×",
 * "Năm 2021–2025 ×", "Cách biên giới ≤ 20 km ×"), shown whichever tab is
 * open, from the page's one filter state (filters.ts). A badge's button
 * removes that filter alone.
 */
import { filterState } from './filters.ts';
import { num } from './format.ts';
import { onLang, t, valueLabel } from './i18n.ts';
import type { Filters } from './url-state.ts';
import './badges.css';

export interface BadgeActions {
  /** New filters without the removed part. */
  setFilters(f: Filters): void;
  /** Turns the border slider off. */
  clearKm(): void;
}

interface Badge {
  key: string;
  text: string;
  remove(): void;
}

function badgesOf(f: Filters, km: number | null, act: BadgeActions): Badge[] {
  const out: Badge[] = [];
  for (const c of f.categories)
    out.push({
      key: `cat:${c}`,
      text: valueLabel('category', c),
      remove: () => act.setFilters({ ...f, categories: f.categories.filter((x) => x !== c) }),
    });
  for (const v of f.funding)
    out.push({
      key: `fund:${v}`,
      text: valueLabel('funding', v),
      remove: () => act.setFilters({ ...f, funding: f.funding.filter((x) => x !== v) }),
    });
  if (f.yearFrom !== null || f.yearTo !== null)
    out.push({
      key: 'years',
      text: t('badgeYears', { from: f.yearFrom ?? '…', to: f.yearTo ?? '…' }),
      remove: () => act.setFilters({ ...f, yearFrom: null, yearTo: null }),
    });
  if (f.minInvestment !== null)
    out.push({
      key: 'min',
      text: t('badgeMin', { v: num(f.minInvestment) }),
      remove: () => act.setFilters({ ...f, minInvestment: null }),
    });
  if (km !== null) out.push({ key: 'km', text: t('badgeKm', { km: num(km, 0) }), remove: act.clearKm });
  return out;
}

/** The active filters as short phrases, as the badges say them (print, the choropleth's legend). */
export function filtersText(): string[] {
  const f = filterState.filters;
  const out: string[] = [];
  if (f.categories.length) out.push(f.categories.map((c) => valueLabel('category', c)).join(', '));
  if (f.funding.length) out.push(f.funding.map((c) => valueLabel('funding', c)).join(', '));
  if (f.yearFrom !== null || f.yearTo !== null)
    out.push(t('badgeYears', { from: f.yearFrom ?? '…', to: f.yearTo ?? '…' }));
  if (f.minInvestment !== null) out.push(t('badgeMin', { v: num(f.minInvestment) }));
  if (filterState.km !== null) out.push(t('badgeKm', { km: num(filterState.km, 0) }));
  return out;
}

export function filterBadges(panel: HTMLElement, act: BadgeActions): void {
  const bar = document.createElement('div');
  bar.className = 'filter-badges';
  bar.setAttribute('role', 'region');
  const tabs = panel.querySelector('.tabs');
  panel.insertBefore(bar, tabs);
  const render = (): void => {
    const list = badgesOf(filterState.filters, filterState.km, act);
    bar.hidden = list.length === 0;
    bar.setAttribute('aria-label', t('activeFilters'));
    const ul = document.createElement('ul');
    for (const b of list) {
      const li = document.createElement('li');
      li.className = 'badge';
      li.dataset.key = b.key;
      const x = Object.assign(document.createElement('button'), { type: 'button', textContent: '×' });
      x.setAttribute('aria-label', t('removeFilter', { what: b.text }));
      x.title = t('removeFilter', { what: b.text });
      x.addEventListener('click', b.remove);
      li.append(Object.assign(document.createElement('span'), { textContent: b.text }), x);
      ul.append(li);
    }
    bar.replaceChildren(
      Object.assign(document.createElement('span'), {
        className: 'label',
        textContent: `${t('activeFilters')}:`,
      }),
      ul,
    );
  };
  filterState.onChange(render);
  onLang(render);
}
