/**
 * Choropleths: provinces or communes shaded by a figure the server computes
 * (investment and projects from /api/stats/investment; border length and
 * projects per 1,000 km² from /api/stats/border-length, which needs a
 * boundary; an indicator of the articles from /api/units/{code}/indicators),
 * in up to five quantile classes, with a legend. A unit without the figure
 * is unknown, not zero: grey, hatched where it has an area, and counted
 * apart in the legend. Units drawn by their seat only get a coloured dot.
 *
 * Runtime only: setPaintProperty on the units' own style layers and one
 * hatch layer added here; choosing "none" puts the style's paint back.
 *
 * Figures about projects (investment, projects, projects per km²) follow the
 * page's one filter state: the statistics are asked for with the same query
 * as the statistics tab (filters.ts `toQuery`, the border slider's
 * `within_km` included), drawn again when a filter changes, and the legend
 * says which filters it counts. Border length and indicators do not depend
 * on them, and the legend says that too while filters are on.
 */
import type { ExpressionSpecification, FilterSpecification, Map as MlMap } from 'maplibre-gl';
import { getJson } from './api.ts';
import { filtersText } from './badges.ts';
import { filterState, isActive, toQuery } from './filters.ts';
import { num } from './format.ts';
import { getLang, onLang, t } from './i18n.ts';
import { choroplethLegend } from './legend.ts';
import type { Atlas } from './map.ts';
import { SOURCE } from './map-style.ts';

export type Units = 'provinces' | 'communes';

/** Light to dark purple (ColorBrewer BuPu): apart from every symbol colour of the layers. */
export const RAMP = ['#edf8fb', '#b3cde3', '#8c96c6', '#8856a7', '#810f7c'];
export const UNKNOWN = '#bdbdbd';
const HATCH = 'atlas-hatch';
const HATCH_LAYER = 'choropleth:hatch';

export interface Figure {
  id: string;
  label: () => string;
  /** Unit code → value; a unit absent from the map has no known value. */
  load: (units: Units) => Promise<Map<string, number>>;
  note?: () => string;
  /** Counts projects, so follows the filters. */
  filtered?: boolean;
}

interface InvestmentRow {
  province_code?: string;
  commune_code?: string;
  /** An old unit split between several units of 2025 (by commune): no code of its own. */
  split?: boolean;
  count: number;
  with_investment: number;
  investment_bn_vnd: number;
}
interface LengthRow {
  code: string | null;
  border_km: number;
  area_km2: number;
  projects: number;
}
interface UnitIndicators {
  indicators: {
    indicator: string;
    name_vi: string;
    name_en: string;
    values: { year: number | null; period_end: number | null; value: number }[];
  }[];
}
interface LabelPoint {
  properties: { layer: string; code?: string };
}

const by = (u: Units) => (u === 'provinces' ? 'province' : 'commune');
/** `by=…` and the page's filters, as the statistics tab sends them. */
const query = (u: Units): string => {
  const q = toQuery();
  return `by=${by(u)}${q ? `&${q}` : ''}`;
};
/** Whether any filter (the border slider's distance included) narrows the projects. */
const filtering = (): boolean => isActive(filterState.filters) || filterState.km !== null;

/** Projects of old units split between several communes (their row has no code): said in the legend, not shaded. */
let splitProjects = 0;

async function investment(units: Units): Promise<InvestmentRow[]> {
  const rows = (await getJson<{ rows: InvestmentRow[] }>(`/api/stats/investment?${query(units)}`)).rows;
  splitProjects = units === 'communes' ? rows.filter((r) => r.split).reduce((n, r) => n + r.count, 0) : 0;
  return rows;
}
const splitNote = (): string => (splitProjects ? t('choroSplit', { n: splitProjects }) : '');
const codeOf = (r: InvestmentRow, units: Units) => (units === 'provinces' ? r.province_code : r.commune_code);

async function lengths(units: Units): Promise<LengthRow[]> {
  return (await getJson<{ rows: LengthRow[] }>(`/api/stats/border-length?${query(units)}`)).rows;
}

/** Every unit of a layer that the map can draw, by code (the label points list them all). */
let labelPoints: Promise<LabelPoint[]> | undefined;
export async function unitCodes(units: Units): Promise<string[]> {
  labelPoints ??= getJson<{ features: LabelPoint[] }>('/styles/labels.geojson').then((fc) => fc.features);
  return (await labelPoints)
    .filter((f) => f.properties.layer === units && f.properties.code)
    .map((f) => f.properties.code!);
}

export const FIGURES: Figure[] = [
  {
    id: 'investment',
    label: () => t('choroInvestment'),
    note: () => [t('choroLowerBound'), splitNote()].filter(Boolean).join(' '),
    filtered: true,
    // Known only where at least one project's article gives a figure.
    load: async (u) =>
      new Map(
        (await investment(u))
          .filter((r) => r.with_investment > 0 && codeOf(r, u))
          .map((r) => [codeOf(r, u)!, r.investment_bn_vnd]),
      ),
  },
  {
    id: 'projects',
    label: () => t('choroProjects'),
    note: splitNote,
    filtered: true,
    // The layer lists every project: a unit with none has 0.
    load: async (u) => {
      const known = new Map((await unitCodes(u)).map((c) => [c, 0]));
      for (const r of await investment(u)) if (codeOf(r, u)) known.set(codeOf(r, u)!, r.count);
      return known;
    },
  },
  {
    id: 'density',
    label: () => t('choroDensity'),
    filtered: true,
    load: async (u) =>
      new Map(
        (await lengths(u))
          .filter((r) => r.code && r.area_km2 > 0)
          .map((r) => [r.code!, (1000 * r.projects) / r.area_km2]),
      ),
  },
  {
    id: 'border',
    label: () => t('choroBorder'),
    load: async (u) => new Map((await lengths(u)).filter((r) => r.code).map((r) => [r.code!, r.border_km])),
  },
];

/** The indicators the provinces have, each a figure (its latest value per province). */
async function indicatorFigures(): Promise<Figure[]> {
  const codes = await unitCodes('provinces');
  const answers = await Promise.all(
    codes.map((c) =>
      getJson<UnitIndicators>(`/api/units/${encodeURIComponent(c)}/indicators`)
        .then((a) => [c, a] as const)
        .catch(() => null),
    ),
  );
  const names = new Map<string, { vi: string; en: string }>();
  const values = new Map<string, Map<string, number>>();
  for (const a of answers) {
    if (!a) continue;
    for (const ind of a[1].indicators) {
      names.set(ind.indicator, { vi: ind.name_vi, en: ind.name_en });
      const latest = [...ind.values].sort(
        (x, y) => (y.year ?? y.period_end ?? 0) - (x.year ?? x.period_end ?? 0),
      )[0];
      if (!latest) continue;
      if (!values.has(ind.indicator)) values.set(ind.indicator, new Map());
      values.get(ind.indicator)!.set(a[0], latest.value);
    }
  }
  return [...names].map(([code, name]) => ({
    id: `ind-${code}`,
    label: () => (getLang() === 'vi' ? name.vi : name.en),
    load: async (u) => (u === 'provinces' ? (values.get(code) ?? new Map()) : new Map()),
  }));
}

/** Up to `n` quantile classes of the values: [from, to] each, increasing, no empty class. */
export function classes(values: readonly number[], n = RAMP.length): [number, number][] {
  const v = [...values].sort((a, b) => a - b);
  if (!v.length) return [];
  const out: [number, number][] = [];
  const k = Math.min(n, new Set(v).size);
  let start = 0;
  for (let i = 1; i <= k; i++) {
    let end = Math.ceil((i * v.length) / k) - 1;
    // A value stays in one class.
    while (end + 1 < v.length && v[end + 1] === v[end]) end++;
    if (end < start) continue;
    out.push([v[start]!, v[end]!]);
    start = end + 1;
    if (start >= v.length) break;
  }
  return out;
}

function hatchImage(map: MlMap): void {
  if (map.hasImage(HATCH)) return;
  const size = 8;
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const on = (x + y) % size < 2;
      const i = (y * size + x) * 4;
      data.set(on ? [110, 110, 110, 200] : [210, 210, 210, 120], i);
    }
  map.addImage(HATCH, { width: size, height: size, data });
}

type Paint = Parameters<MlMap['setPaintProperty']>[1];

const isArea: FilterSpecification = ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false];

export interface Choropleth {
  show(units: Units | null, figure: string | null): Promise<void>;
  /** `provinces/investment`, or null. */
  current(): string | null;
}

export function choropleth(
  root: HTMLElement,
  atlas: Atlas,
  onChange: (value: string | null) => void,
): Choropleth {
  const { map } = atlas;
  const box = document.createElement('section');
  box.className = 'choropleth';
  const heading = document.createElement('h3');
  const select = document.createElement('select');
  select.id = 'choropleth-figure';
  const label = document.createElement('label');
  label.htmlFor = select.id;
  const legendBox = document.createElement('div');
  legendBox.className = 'choropleth-legend';
  legendBox.setAttribute('aria-live', 'polite');
  box.append(heading, label, select, legendBox);
  root.append(box);

  let figures: Figure[] = [...FIGURES];
  let current: { units: Units; figure: Figure } | null = null;
  const saved = new Map<string, unknown>();
  let drawn: {
    known: Map<string, number>;
    total: number;
    breaks: [number, number][];
    /** The filters the figure counts with (empty: it ignores them), or null when no filter is on. */
    filters: string[] | null;
  } | null = null;

  const options = (): void => {
    const value = select.value;
    select.replaceChildren(new Option(t('choroNone'), ''));
    for (const u of ['provinces', 'communes'] as const) {
      const col = atlas.collections.find((c) => c.id === u);
      if (!col) continue;
      const group = document.createElement('optgroup');
      group.label = getLang() === 'vi' ? (col.title_vi ?? col.title) : col.title;
      for (const f of figures) {
        if (f.id.startsWith('ind-') && u !== 'provinces') continue;
        group.append(new Option(f.label(), `${u}/${f.id}`));
      }
      select.append(group);
    }
    select.value = value;
  };
  const render = (): void => {
    heading.textContent = t('choroTitle');
    label.textContent = t('choroFigure');
    options();
    renderLegend();
    // The layers panel redraws its tab on a change of language: come back at its end.
    if (!root.contains(box)) root.append(box);
  };

  const renderLegend = (): void => {
    legendBox.replaceChildren();
    delete legendBox.dataset.filtered;
    if (!current || !drawn) return;
    const entries = drawn.breaks.map(([a, b], i) => ({
      color: RAMP[RAMP.length - drawn!.breaks.length + i]!,
      label: a === b ? num(a) : `${num(a)} – ${num(b)}`,
    }));
    const unknown = drawn.total - [...drawn.known.keys()].length;
    legendBox.append(
      choroplethLegend(
        current.figure.label(),
        entries,
        { color: UNKNOWN, label: `${t('choroUnknown')} (${Math.max(0, unknown)})` },
        [t('choroNote', { known: drawn.known.size, total: drawn.total }), current.figure.note?.() ?? '']
          .filter(Boolean)
          .join(' '),
      ),
    );
    // What the figure counts: the filtered projects, or (border, indicators) not the filters' business.
    if (drawn.filters !== null) {
      const note = Object.assign(document.createElement('p'), { className: 'choropleth-filtered' });
      note.textContent = drawn.filters.length
        ? t('choroFiltered', { filters: drawn.filters.join(' · ') })
        : t('choroUnfiltered');
      legendBox.dataset.filtered = String(drawn.filters.length > 0);
      legendBox.querySelector('figcaption')?.after(note);
    }
  };

  const paint = (layer: string, prop: Paint, value: unknown): void => {
    if (!map.getLayer(layer)) return;
    const key = `${layer}\u0000${prop}`;
    if (!saved.has(key)) saved.set(key, map.getPaintProperty(layer, prop) ?? null);
    map.setPaintProperty(layer, prop, value as never);
  };
  const restore = (): void => {
    for (const [key, value] of saved) {
      const [layer, prop] = key.split('\u0000') as [string, Paint];
      if (map.getLayer(layer)) map.setPaintProperty(layer, prop, (value ?? undefined) as never);
    }
    saved.clear();
    if (map.getLayer(HATCH_LAYER)) map.removeLayer(HATCH_LAYER);
  };

  const show = async (units: Units | null, figureId: string | null): Promise<void> => {
    const figure = figures.find((f) => f.id === figureId);
    restore();
    current = units && figure ? { units, figure } : null;
    drawn = null;
    select.value = current ? `${units}/${figure!.id}` : '';
    if (!current) {
      renderLegend();
      return;
    }
    legendBox.textContent = t('choroLoading');
    const asked = current;
    const filters = filtering() ? (figure!.filtered ? filtersText() : []) : null;
    const [known, all] = await Promise.all([asked.figure.load(asked.units), unitCodes(asked.units)]);
    if (current !== asked) return;
    const breaks = classes([...known.values()]);
    const offset = RAMP.length - breaks.length;
    const pairs: string[] = [];
    for (const [code, v] of known) {
      const i = breaks.findIndex(([, b]) => v <= b);
      pairs.push(code, RAMP[offset + (i < 0 ? breaks.length - 1 : i)]!);
    }
    const color: ExpressionSpecification | string = pairs.length
      ? (['match', ['to-string', ['get', 'code']], ...pairs, UNKNOWN] as ExpressionSpecification)
      : UNKNOWN;
    paint(units!, 'fill-color', color);
    paint(units!, 'fill-opacity', 0.75);
    paint(`${units}:point`, 'circle-color', color);
    paint(`${units}:point`, 'circle-radius', units === 'provinces' ? 9 : 6);
    paint(`${units}:point`, 'circle-stroke-color', '#333');
    hatchImage(map);
    map.addLayer(
      {
        id: HATCH_LAYER,
        type: 'fill',
        source: SOURCE,
        'source-layer': units!,
        filter: [
          'all',
          isArea,
          ['!', ['in', ['to-string', ['get', 'code']], ['literal', [...known.keys()]]]],
        ] as FilterSpecification,
        paint: { 'fill-pattern': HATCH },
        layout: { visibility: atlas.isVisible(units!) ? 'visible' : 'none' },
      },
      map.getLayer(`${units}:outline`) ? `${units}:outline` : undefined,
    );
    drawn = { known, total: new Set([...all, ...known.keys()]).size, breaks, filters };
    renderLegend();
  };

  select.addEventListener('change', () => {
    const [u, f] = select.value ? (select.value.split('/') as [Units, string]) : [null, null];
    onChange(select.value || null);
    void show(u, f);
  });
  onLang(render);
  render();
  // A filter or the border slider changed: a figure about projects is drawn again; the others
  // only change what their legend says.
  filterState.onChange(() => {
    if (current?.figure.filtered) void show(current.units, current.figure.id);
    else if (drawn) {
      drawn.filters = filtering() ? [] : null;
      renderLegend();
    }
  });
  // Indicators join the list once the provinces' figures are in.
  void indicatorFigures()
    .then((more) => {
      figures = [...FIGURES, ...more];
      options();
    })
    .catch(() => undefined);

  return {
    show: async (u, f) => {
      if (f?.startsWith('ind-') && !figures.some((x) => x.id === f)) {
        figures = [...FIGURES, ...(await indicatorFigures().catch(() => []))];
        options();
      }
      await show(u, f);
    },
    current: () => (current ? `${current.units}/${current.figure.id}` : null),
  };
}
