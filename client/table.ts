/**
 * A table of what is filtered, linked to the map: one row per feature of
 * the visible projects, markets, industrial parks and border gates that pass
 * the page's one filter state (filters.ts: the same rule as the map, the
 * statistics and the export; a project that is also a market is one row, as
 * in the export). Sorted by any column (TanStack Table's core, rendered here
 * as a plain <table>: headers are buttons with aria-sort, rows take Enter).
 *
 * A row clicked (or Enter) zooms the map to its feature, rings it and opens
 * its popup; a feature clicked on the map marks and scrolls to its row.
 * Investment the article does not give is "unknown", never 0, and sorts last.
 * Distance to the border is a column while the border slider is on.
 *
 * Loaded on the first opening of the table (tools.ts), with the table library.
 */
import {
  type ColumnDef,
  constructTable,
  createSortedRowModel,
  rowSortingFeature,
  type SortingState,
  sortFn_alphanumeric,
  sortFn_basic,
  tableFeatures,
} from '@tanstack/table-core';
import { storeReactivityBindings } from '@tanstack/table-core/store-reactivity-bindings';
import type { GeoJSONSource, LngLatLike } from 'maplibre-gl';
import type { Feature, Props } from './api.ts';
import { dedupe, type Row as ExportRow } from './export-file.ts';
import { filterState, matches } from './filters.ts';
import { distanceText, investmentText, years } from './format.ts';
import { onLang, t, valueLabel } from './i18n.ts';
import { layerTitle } from './layers-panel.ts';
import type { Atlas } from './map.ts';
import { featureName, popupExtensions, showFeature } from './popup.ts';
import { items, type Selection } from './selection.ts';
import type { Tool, ToolsContext } from './tools.ts';

/** The layers the table lists, in this order (a feature met in two is listed under the first). */
export const TABLE_LAYERS = ['projects', 'markets', 'industrial-parks', 'border-gates'];

export interface TableRow {
  key: string;
  layer: string;
  layers: string[];
  id: number | string;
  name: string;
  kind: string;
  province: string;
  investment: number | undefined;
  qualifier: unknown;
  years: string | null;
  firstYear: number | undefined;
  distance: number | undefined;
  props: Props;
  feature: Feature;
}

/** The visible table layers' features that pass the filters, one per feature. */
export async function filteredFeatures(atlas: Atlas): Promise<ExportRow[]> {
  const layers = TABLE_LAYERS.filter((l) => atlas.isVisible(l) && atlas.fields.has(l));
  const f = filterState.filters;
  const sel: Selection[] = await Promise.all(
    layers.map(async (layer) => {
      const { features, complete } = await items(layer);
      const fields = atlas.fields.get(layer) ?? new Set<string>();
      return { layer, complete, features: features.filter((x) => matchesNow(f, x, fields)) };
    }),
  );
  // Projects, markets and parks share project ids (one row each, as in the export); gates have ids of their own.
  const isProject = (x: Selection) => atlas.fields.get(x.layer)?.has('category');
  const others = sel.filter((x) => !isProject(x));
  return [
    ...dedupe(sel.filter(isProject)),
    ...others.flatMap((x) => x.features.map((feature) => ({ feature, layers: [x.layer] }))),
  ];
}

function matchesNow(f: typeof filterState.filters, x: Feature, fields: ReadonlySet<string>): boolean {
  if (!matches(f, x.properties, fields)) return false;
  // The border slider narrows the investment kinds, as matches() does for the map.
  if (filterState.km !== null && filterState.near && fields.has('category'))
    return filterState.near.has(String(x.id ?? x.properties.id));
  return true;
}

function kindOf(atlas: Atlas, layer: string, p: Props): string {
  if (typeof p.category === 'string') return valueLabel('category', p.category, layer);
  const col = atlas.collections.find((c) => c.id === layer);
  const title = col ? layerTitle(col) : layer;
  return typeof p.kind === 'string' ? `${title} · ${valueLabel('kind', p.kind, layer)}` : title;
}

export function toRows(atlas: Atlas, rows: readonly ExportRow[]): TableRow[] {
  return rows.map((r) => {
    const p = r.feature.properties;
    const id = r.feature.id ?? (p.id as number | string);
    // The name as the popup and the other lists give it (name_en in English where the data has one).
    const name = featureName(p, id);
    const invest = typeof p.investment_bn_vnd === 'number' ? p.investment_bn_vnd : undefined;
    const first = [p.start_year, p.end_year].find((v) => typeof v === 'number') as number | undefined;
    const near = filterState.km !== null && p.category !== undefined ? filterState.near : null;
    const d = near?.get(String(id));
    return {
      key: `${r.layers[0]}:${id}`,
      layer: r.layers[0]!,
      layers: r.layers,
      id,
      name,
      kind: kindOf(atlas, r.layers[0]!, p),
      province: String(p.province_name ?? p.province ?? '–'),
      investment: invest,
      qualifier: p.investment_qualifier,
      years: years(p.start_year, p.end_year),
      firstYear: first,
      distance: d,
      props: p,
      feature: r.feature,
    };
  });
}

/** A point to open the popup at and a box to zoom to. */
function placeOf(f: Feature): { at: [number, number]; box: [number, number, number, number] } | null {
  const xs: number[] = [];
  const ys: number[] = [];
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      xs.push(c[0]);
      ys.push(c[1] as number);
    } else if (Array.isArray(c)) for (const k of c) walk(k);
  };
  walk((f.geometry as { coordinates?: unknown } | null)?.coordinates);
  if (!xs.length) return null;
  const box: [number, number, number, number] = [
    Math.min(...xs),
    Math.min(...ys),
    Math.max(...xs),
    Math.max(...ys),
  ];
  const at: [number, number] =
    f.geometry?.type === 'Point' ? [xs[0]!, ys[0]!] : [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
  return { at, box };
}

const SELECTED = 'tools:selected';

function ring(atlas: Atlas, at: [number, number] | null): void {
  const { map } = atlas;
  const data = {
    type: 'FeatureCollection',
    features: at ? [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: at } }] : [],
  };
  const src = map.getSource(SELECTED) as GeoJSONSource | undefined;
  if (src) {
    src.setData(data as never);
    return;
  }
  map.addSource(SELECTED, { type: 'geojson', data: data as never });
  map.addLayer({
    id: SELECTED,
    type: 'circle',
    source: SELECTED,
    paint: {
      'circle-radius': 13,
      'circle-color': 'rgba(0,0,0,0)',
      'circle-stroke-color': '#0b57d0',
      'circle-stroke-width': 3,
    },
  });
}

const features = tableFeatures({
  coreReactivityFeature: storeReactivityBindings(),
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric, basic: sortFn_basic },
});

type Col = {
  id: string;
  head: 'colName' | 'colKind' | 'colProvince' | 'colInvestment' | 'colYears' | 'colDistance';
  value: (r: TableRow) => string | number | undefined;
  text: (r: TableRow) => string;
  numeric?: boolean;
};

const COLUMNS: Col[] = [
  { id: 'name', head: 'colName', value: (r) => r.name, text: (r) => r.name },
  { id: 'kind', head: 'colKind', value: (r) => r.kind, text: (r) => r.kind },
  { id: 'province', head: 'colProvince', value: (r) => r.province, text: (r) => r.province },
  {
    id: 'investment',
    head: 'colInvestment',
    value: (r) => r.investment,
    text: (r) => investmentText(r.investment ?? null, r.qualifier),
    numeric: true,
  },
  { id: 'years', head: 'colYears', value: (r) => r.firstYear, text: (r) => r.years ?? '–', numeric: true },
  {
    id: 'distance',
    head: 'colDistance',
    value: (r) => r.distance,
    text: (r) =>
      r.distance === undefined ? '–' : distanceText(r.distance, r.props.precision, r.props.uncertainty_m),
    numeric: true,
  },
];

export function mount(body: HTMLElement, ctx: ToolsContext): Tool {
  const { atlas } = ctx;
  const summary = Object.assign(document.createElement('p'), { className: 'tool-summary' });
  summary.setAttribute('role', 'status');
  const wrap = document.createElement('div');
  wrap.className = 'tool-table-wrap';
  const tableEl = document.createElement('table');
  tableEl.className = 'tool-table';
  wrap.append(tableEl);
  body.append(summary, wrap);

  let rows: TableRow[] = [];
  let sorting: SortingState = [];
  let selected: string | null = null;
  let visible = true;
  let seq = 0;

  const render = (): void => {
    const cols = COLUMNS.filter((c) => c.id !== 'distance' || filterState.km !== null);
    const defs = cols.map(
      (c) =>
        ({
          id: c.id,
          accessorFn: (r: TableRow) => c.value(r),
          sortUndefined: 'last',
          sortFn: c.numeric ? 'basic' : 'alphanumeric',
        }) as ColumnDef<typeof features, TableRow>,
    );
    const table = constructTable({
      features,
      columns: defs,
      data: rows,
      getRowId: (r: TableRow) => r.key,
      initialState: { sorting },
    });
    summary.textContent = t('tableCount', { n: rows.length });
    const thead = document.createElement('thead');
    const hr = document.createElement('tr');
    for (const c of cols) {
      const th = document.createElement('th');
      th.scope = 'col';
      const dir = table.getColumn(c.id)?.getIsSorted();
      th.setAttribute('aria-sort', dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none');
      const b = Object.assign(document.createElement('button'), {
        type: 'button',
        textContent: `${t(c.head)}${dir === 'asc' ? ' ▲' : dir === 'desc' ? ' ▼' : ''}`,
      });
      b.dataset.col = c.id;
      b.addEventListener('click', () => {
        // asc → desc → unsorted
        sorting =
          dir === 'asc' ? [{ id: c.id, desc: true }] : dir === 'desc' ? [] : [{ id: c.id, desc: false }];
        render();
        tableEl.querySelector<HTMLButtonElement>(`th button[data-col="${c.id}"]`)?.focus();
      });
      th.append(b);
      hr.append(th);
    }
    thead.append(hr);
    const tbody = document.createElement('tbody');
    for (const row of table.getRowModel().rows) {
      const r = row.original;
      const tr = document.createElement('tr');
      tr.tabIndex = 0;
      tr.dataset.key = r.key;
      tr.dataset.layer = r.layer;
      tr.dataset.id = String(r.id);
      if (r.key === selected) tr.setAttribute('aria-selected', 'true');
      for (const c of cols) {
        const td = document.createElement(c.id === 'name' ? 'th' : 'td');
        if (c.id === 'name') (td as HTMLTableCellElement).scope = 'row';
        td.textContent = c.text(r);
        td.dataset.col = c.id;
        if (c.numeric) td.className = 'num';
        if (c.id === 'investment' && r.investment === undefined) td.classList.add('unknown');
        tr.append(td);
      }
      tr.addEventListener('click', () => choose(r));
      tr.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          choose(r);
        }
      });
      tbody.append(tr);
    }
    tableEl.replaceChildren(thead, tbody);
  };

  const mark = (key: string | null, scroll: boolean): void => {
    selected = key;
    for (const tr of tableEl.querySelectorAll<HTMLElement>('tbody tr')) {
      const on = tr.dataset.key === key;
      if (on) tr.setAttribute('aria-selected', 'true');
      else tr.removeAttribute('aria-selected');
      if (on && scroll) tr.scrollIntoView({ block: 'nearest' });
    }
  };

  const choose = (r: TableRow): void => {
    const place = placeOf(r.feature);
    mark(r.key, false);
    if (!place) return;
    ring(atlas, r.feature.geometry?.type === 'Point' ? place.at : null);
    const { map } = atlas;
    // The feature lands beside the tools' cards, not under them (on a phone the cards are in a
    // sheet below the map, client/tools.ts: only the toolbar is over the map).
    const frame = map.getContainer().getBoundingClientRect();
    const card = map.getContainer().querySelector('.tools')!.getBoundingClientRect();
    const roomRight = frame.right - card.right;
    const roomBelow = frame.bottom - card.bottom;
    const offset: [number, number] =
      roomRight >= roomBelow ? [(card.right - frame.left) / 2, 0] : [0, (card.bottom - frame.top) / 2];
    if (r.feature.geometry?.type === 'Point')
      map.easeTo({ center: place.at, zoom: Math.max(map.getZoom(), 11), offset, duration: 0 });
    else
      map.fitBounds(place.box, {
        padding: { top: 40, bottom: 40, left: 40 + offset[0] * 2, right: 40 },
        animate: false,
        maxZoom: 14,
      });
    showFeature(atlas, r.layer, r.id, r.props, place.at as LngLatLike);
  };

  // A popup opened from the map (or from here) marks its row.
  popupExtensions.push(({ layer, id }) => {
    const key = rows.find((r) => r.layers.includes(layer) && String(r.id) === String(id))?.key ?? null;
    mark(key, true);
  });

  const refresh = async (): Promise<void> => {
    if (!visible) return;
    const mine = ++seq;
    summary.textContent = t('loading');
    const found = await filteredFeatures(atlas);
    if (mine !== seq) return;
    rows = toRows(atlas, found);
    render();
    document.body.dataset.tableReady = String(mine);
  };

  filterState.onChange(() => void refresh());
  onLang(() => {
    if (visible) void refresh();
  });
  window.addEventListener('atlas:data-changed', () => void refresh());
  // Layers switched on or off change what is listed.
  atlas.map.on('styledata', () => {
    const shown = TABLE_LAYERS.filter((l) => atlas.isVisible(l)).join();
    if (shown !== lastShown) {
      lastShown = shown;
      void refresh();
    }
  });
  let lastShown = TABLE_LAYERS.filter((l) => atlas.isVisible(l)).join();
  void refresh();
  return {
    hide() {
      visible = false;
      ring(atlas, null);
    },
    show() {
      visible = true;
      void refresh();
    },
  };
}
