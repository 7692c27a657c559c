/**
 * "Distance from the border": a 0–100 km slider. While it is on, the band is
 * drawn, what lies within it is ringed on the map, and the list gives each
 * feature with its distance, nearest first, and the totals
 * (GET /api/analysis/near-border?km=…&<the page's filters>: the server keeps
 * the projects the filter panel keeps, so the list, its rings and its totals
 * agree with the map and the statistics).
 *
 * Distances are given to what the location supports (format.ts
 * `distanceText`: "≈ 10 km (vị trí ± 5 km)" for a point known to ± 5 km), and an
 * investment the article does not give reads "chưa rõ", counted apart.
 */
import type { GeoJSONSource } from 'maplibre-gl';
import { type FeatureCollection, getJson } from './api.ts';
import { borderBand } from './border-band.ts';
import { filterState, toQuery } from './filters.ts';
import { bn, count, distanceText, investmentText, projectsNote } from './format.ts';
import { onLang, t, valueLabel } from './i18n.ts';
import { layerTitle } from './layers-panel.ts';
import type { Atlas } from './map.ts';

export const NEAR = 'near-border';
const LIST_MAX = 300;

export interface NearResult {
  km: number;
  /** Project id → distance in km (markets and industrial parks are projects: one id space). */
  distances: Map<string, number>;
  count: number;
  investment: number;
  /** Distinct projects, and those among them whose investment is known. */
  projects: number;
  withInvestment: number;
}

function totalsOf(fc: FeatureCollection): Omit<NearResult, 'km' | 'distances'> {
  const totals = (fc.totals ?? {}) as Record<string, unknown>;
  const sum = fc.features.reduce((s, f) => s + (Number(f.properties.investment_bn_vnd) || 0), 0);
  const n = (k: string, fallback: number): number => (typeof totals[k] === 'number' ? totals[k] : fallback);
  return {
    count: n('count', fc.features.length),
    investment: n('investment_bn_vnd', sum),
    projects: n('projects', fc.features.length),
    withInvestment: n('with_investment', fc.features.length),
  };
}

export function borderSlider(
  root: HTMLElement,
  atlas: Atlas,
  initialKm: number | null,
  onChange: (near: NearResult | null) => void,
): { off(): void } {
  const { map } = atlas;
  const band = borderBand(atlas);
  map.addSource(NEAR, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({
    id: `${NEAR}:ring`,
    type: 'circle',
    source: NEAR,
    paint: {
      'circle-radius': 10,
      'circle-color': 'rgba(0,0,0,0)',
      'circle-stroke-color': '#b30000',
      'circle-stroke-width': 2.5,
    },
  });

  const form = document.createElement('form');
  form.className = 'border-slider';
  const on = Object.assign(document.createElement('input'), { type: 'checkbox', name: 'near-on' });
  on.checked = initialKm !== null;
  const range = Object.assign(document.createElement('input'), {
    type: 'range',
    name: 'km',
    min: '0',
    max: '100',
    step: '1',
  });
  range.value = String(initialKm ?? 20);
  const out = document.createElement('output');
  const summary = Object.assign(document.createElement('p'), { className: 'totals' });
  const list = Object.assign(document.createElement('ol'), { className: 'near-list' });
  const onLabel = document.createElement('label');
  const heading = document.createElement('h3');
  form.append(heading, onLabel, range, out, summary, list);
  // h14-find: the slider is named by the heading above it ("Khoảng cách tới biên giới").
  heading.id = 'near-heading';
  range.setAttribute('aria-labelledby', 'near-heading');
  root.replaceChildren(form);
  form.addEventListener('submit', (e) => e.preventDefault());

  let last: FeatureCollection | null = null;
  const renderList = (): void => {
    heading.textContent = t('distance');
    onLabel.replaceChildren(on, ` ${t('within')} `);
    out.textContent = on.checked ? `${range.value} ${t('km')}` : t('off');
    list.replaceChildren();
    summary.textContent = '';
    if (!on.checked || !last) return;
    const tot = totalsOf(last);
    summary.textContent = t('nearBorderSummary', {
      features: count(tot.count, 'featuresCount'),
      projects: projectsNote(tot.projects, tot.projects - tot.withInvestment),
      v: bn(tot.investment),
    });
    summary.dataset.projects = String(tot.projects);
    summary.dataset.unknown = String(tot.projects - tot.withInvestment);
    for (const f of last.features.slice(0, LIST_MAX)) {
      const p = f.properties;
      const li = document.createElement('li');
      li.dataset.layer = String(p.layer ?? '');
      li.dataset.id = String(p.id ?? f.id ?? '');
      // The computed distance, unrounded: the text shows only what the location's precision supports.
      li.dataset.km = String(p.distance_km);
      const col = atlas.collections.find((c) => c.id === p.layer);
      const name = Object.assign(document.createElement('button'), {
        type: 'button',
        className: 'link',
        textContent: String(p.name ?? `#${p.id}`),
      });
      name.addEventListener('click', () => {
        const g = f.geometry;
        if (g?.type === 'Point')
          map.flyTo({ center: g.coordinates as [number, number], zoom: Math.max(map.getZoom(), 11) });
      });
      const meta = [
        distanceText(Number(p.distance_km), p.precision, p.uncertainty_m),
        p.neighbour ? valueLabel('neighbour', p.neighbour) : null,
        col ? layerTitle(col) : null,
        col?.properties?.investment_bn_vnd
          ? investmentText(p.investment_bn_vnd, p.investment_qualifier)
          : null,
      ].filter(Boolean);
      li.append(
        name,
        Object.assign(document.createElement('span'), {
          className: 'meta',
          textContent: ` ${meta.join(' · ')}`,
        }),
      );
      list.append(li);
    }
  };

  let ctl: AbortController | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const refresh = async (): Promise<void> => {
    ctl?.abort();
    const km = on.checked ? Number(range.value) : null;
    void band.show(km);
    if (km === null) {
      last = null;
      (map.getSource(NEAR) as GeoJSONSource).setData({ type: 'FeatureCollection', features: [] });
      renderList();
      onChange(null);
      return;
    }
    ctl = new AbortController();
    summary.textContent = t('loading');
    try {
      const q = toQuery({ withKm: false });
      const fc = await getJson<FeatureCollection>(
        `/api/analysis/near-border?km=${km}${q ? `&${q}` : ''}`,
        ctl.signal,
      );
      last = fc;
      (map.getSource(NEAR) as GeoJSONSource).setData(fc as never);
      renderList();
      const distances = new Map(
        fc.features.map((f) => [String(f.properties.id ?? f.id), Number(f.properties.distance_km)]),
      );
      onChange({ km, distances, ...totalsOf(fc) });
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      summary.textContent = t('unavailable', { e: (e as Error).message });
    }
  };
  const soon = (): void => {
    clearTimeout(timer);
    out.textContent = on.checked ? `${range.value} ${t('km')}` : t('off');
    timer = setTimeout(refresh, 150);
  };
  range.addEventListener('input', () => {
    on.checked = true;
    soon();
  });
  on.addEventListener('change', soon);
  onLang(renderList);
  // An edit in the map (client/editor.ts): the list and its totals are asked for again.
  window.addEventListener('atlas:data-changed', () => {
    if (on.checked) void refresh();
  });
  // The filter panel changed: the list, its rings and its totals follow.
  filterState.onChange((why) => {
    if (why === 'filters' && on.checked) void refresh();
  });
  if (initialKm !== null) void refresh();
  return {
    off() {
      on.checked = false;
      soon();
    },
  };
}
