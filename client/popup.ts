/**
 * Click a feature: its facts, how precise its location is, and the articles
 * it comes from. The tile gives the first facts at once; the full feature
 * (OGC API) and its sources follow from the server.
 *
 * Several features under a click (a stack, a cluster) are listed first
 * (stack-list.ts); the popup always fits inside the map and Esc closes it.
 */
import {
  type LngLatLike,
  type MapMouseEvent,
  type Map as MlMap,
  Popup,
  type PopupOptions,
} from 'maplibre-gl';
import { type Collection, type FeatureSources, feature, featureSources, type Props } from './api.ts';
import { day, investmentText, metres, num, years } from './format.ts';
import { fieldLabel, getLang, isEnumerated, t, valueLabel } from './i18n.ts';
import { layerTitle } from './layers-panel.ts';
import { type Atlas, OVERLAY_LAYER } from './map.ts';
import { openAt } from './stack-list.ts';
import { unitFigures } from './unit-figures.ts';

/** Shown in the facts table by their own rows, or not at all. */
const HANDLED = new Set([
  'id',
  'slug',
  'name',
  'name_en',
  'name_vi',
  'category',
  'investment_bn_vnd',
  'investment_qualifier',
  'start_year',
  'end_year',
  'status',
  'funding',
  'area_m2',
  'commune',
  'commune_code',
  'province',
  'province_code',
  'precision',
  'uncertainty_m',
  'geometry_kind',
  'point_count',
  'layer',
]);

function row(dl: HTMLElement, term: string, value: string | null | undefined): void {
  if (value === null || value === undefined || value === '') return;
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  dl.append(dt, dd);
}

/** The facts of a feature of `layer`, named and labelled as the server's registry says. */
export function facts(p: Props, layer?: string): HTMLElement {
  const dl = document.createElement('dl');
  dl.className = 'facts';
  const name = (k: string) => fieldLabel(k, layer);
  const value = (k: string) => valueLabel(k, p[k], layer);
  if (p.category) row(dl, name('category'), value('category'));
  // A project whose article gives no figure: "chưa rõ" (unknown), not nothing, not 0 (format.ts).
  if (typeof p.investment_bn_vnd === 'number' || p.category)
    row(dl, name('investment_bn_vnd'), investmentText(p.investment_bn_vnd, p.investment_qualifier));
  if (typeof p.area_m2 === 'number') row(dl, name('area_m2'), `${num(p.area_m2, 0)} m²`);
  row(dl, t('period'), years(p.start_year, p.end_year));
  if (p.status) row(dl, name('status'), value('status'));
  if (p.funding) row(dl, name('funding'), value('funding'));
  if (typeof p.commune === 'string') row(dl, name('commune'), p.commune);
  if (typeof p.province === 'string') row(dl, name('province'), p.province);
  for (const [k, v] of Object.entries(p)) {
    // `_…` are the map's own bookkeeping (selection.ts), not facts.
    if (HANDLED.has(k) || k.startsWith('_') || v === null || v === undefined || v === '') continue;
    const shown = isEnumerated(k) ? value(k) : typeof v === 'number' ? num(v) : String(v);
    // A unit's kind is a Vietnamese word the registry does not label: "xã" is a commune in English.
    row(dl, name(k), k === 'kind' && shown === String(v) ? unitKind(shown) : shown);
  }
  return dl;
}

export function precisionText(s: Pick<FeatureSources, 'precision' | 'uncertainty_m'>): string {
  if (!s.precision) return '–';
  const base = valueLabel('precision', s.precision);
  return s.precision === 'approximate' && s.uncertainty_m ? `${base} ± ${metres(s.uncertainty_m)}` : base;
}

export function sourcesBlock(s: FeatureSources): HTMLElement {
  const box = document.createElement('section');
  box.className = 'provenance';
  const prec = document.createElement('p');
  prec.className = 'precision';
  prec.append(
    Object.assign(document.createElement('strong'), { textContent: `${fieldLabel('precision')}: ` }),
    precisionText(s),
  );
  box.append(prec);
  if (s.figures.length) {
    const dl = document.createElement('dl');
    dl.className = 'facts';
    for (const f of s.figures) row(dl, fieldLabel(f.key), num(f.value));
    box.append(Object.assign(document.createElement('h4'), { textContent: t('figures') }), dl);
  }
  box.append(Object.assign(document.createElement('h4'), { textContent: t('sources') }));
  const ol = document.createElement('ol');
  ol.className = 'sources';
  for (const src of s.sources) {
    const li = document.createElement('li');
    if (src.url) {
      const a = Object.assign(document.createElement('a'), { href: src.url, textContent: src.title });
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      li.append(a);
    } else li.append(src.title);
    // Our copy of some articles names neither its paper nor its address: say so rather than leave a bare title.
    const publisher = src.publisher ?? (src.url ? null : t('sourceUnrecorded'));
    // An ingested article keeps its date.
    if (src.published)
      li.append(
        Object.assign(document.createElement('span'), {
          className: 'published',
          textContent: ` · ${day(src.published)}`,
        }),
      );
    if (publisher)
      li.append(
        Object.assign(document.createElement('span'), {
          className: 'publisher',
          textContent: ` · ${publisher}`,
        }),
      );
    ol.append(li);
  }
  box.append(ol);
  return box;
}

/** What an extension of the popup (the editor's buttons) is given. */
export interface PopupContext {
  box: HTMLElement;
  layer: string;
  id: number | string;
  props: Props;
  popup: Popup;
  /** 'Point', 'LineString' or 'Polygon', from the layer's style. */
  geometryType: 'Point' | 'LineString' | 'Polygon';
}

/** Called for every popup opened (client/editor.ts adds the editing buttons while an editor is signed in). */
export const popupExtensions: ((c: PopupContext) => void)[] = [];

/** Unit kinds (the gazetteer's words) in English; Vietnamese shows them as they are. */
const UNIT_KINDS_EN: Record<string, string> = {
  xã: 'commune',
  phường: 'ward',
  'thị trấn': 'township',
  'đặc khu': 'special zone',
  huyện: 'district',
  quận: 'urban district',
  'thị xã': 'town',
  'thành phố': 'city',
  tỉnh: 'province',
};

/** "xã", "thị trấn"… in the page language. */
export function unitKind(kind: string | null | undefined): string {
  if (!kind) return '';
  return getLang() === 'vi' ? kind : (UNIT_KINDS_EN[kind.toLowerCase()] ?? kind);
}

/** A unit's kind and name as a person says it: "xã Quảng Tân" | "Quảng Tân commune". */
export function unitName(name: string, kind: string | null | undefined): string {
  const k = unitKind(kind);
  if (!k) return name;
  return getLang() === 'vi' ? `${k} ${name}` : `${name} ${k}`;
}

/** A value of a layer's property the server labels ("commune" → "Đường xã" for a road's class). */
export function labelledValue(layer: string | null | undefined, value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  const col = layer ? registered.find((c) => c.id === layer) : undefined;
  const props = col?.properties ?? {};
  const by = col?.style?.colorBy?.property;
  const names = [...(by ? [by] : []), ...Object.keys(props).filter((k) => k !== by)];
  for (const k of names)
    if (props[k]?.['x-labels']?.[String(value)]) return valueLabel(k, value, layer ?? undefined);
  return null;
}

let registered: readonly Collection[] = [];

/** What a feature is, in words: its labelled kind and its layer ("Đường xã · Đường giao thông"). */
export function kindText(layer: string, props: Props): string {
  const col = registered.find((c) => c.id === layer);
  const title = col ? layerTitle(col) : layer;
  const by = col?.style?.colorBy?.property;
  let kind: string | null = null;
  for (const k of [by, 'category', 'class', 'kind']) {
    if (!k || props[k] === undefined || props[k] === null) continue;
    kind = labelledValue(layer, props[k]);
    if (!kind && k === 'kind') kind = unitKind(String(props[k]));
    if (kind) break;
  }
  if (typeof props.point_count === 'number' && props.point_count > 1)
    return `${t('clusterOf', { n: props.point_count })} · ${title}`;
  return kind && kind.toLowerCase() !== title.toLowerCase() ? `${kind} · ${title}` : title;
}

/** The name a feature goes by (a country by its Vietnamese name in Vietnamese). */
export function featureName(props: Props, id?: number | string): string {
  const vi = getLang() === 'vi';
  const n =
    (vi ? (props.name_vi ?? props.name) : (props.name_en ?? props.name ?? props.name_vi)) ?? props.ref;
  return String(n ?? props.iso3 ?? (id === undefined ? '' : `#${id}`));
}

/** Options of one popup. */
export interface ShowOptions {
  /** Move the keyboard focus into the popup (it was opened from the keyboard or a list). */
  focus?: boolean;
  /** Shown first, above the facts (what an old unit became, from the search). */
  note?: HTMLElement;
  /** Shown under the title: the other features at the same spot (stack-list.ts). */
  stack?: HTMLElement;
  /** Pixels between the point and the popup's tip (a search marker stands there). */
  offset?: number;
  /** The map was flown to the point: the popup fits beside it without moving the map. */
  keepCentre?: boolean;
}

/** The popup open now (at most one), and what had the focus before it. */
let current: { popup: Popup; opener: Element | null } | null = null;

/** Closes the open popup, if any; the focus goes back to what opened it. */
export function closePopup(): boolean {
  if (!current?.popup.isOpen()) return false;
  current.popup.remove();
  return true;
}

/** Opens `popup` as the one popup of the map (the previous one closes). */
export function openPopup(map: MlMap, popup: Popup, focus = false): void {
  const opener = document.activeElement;
  if (current && current.popup !== popup) current.popup.remove();
  current = { popup, opener };
  popup.on('close', () => {
    if (current?.popup !== popup) return;
    current = null;
    // Back to the list button or the search box that opened it. A list redrawn meanwhile (the map
    // moved to show the popup) has a new button for the same feature: that one.
    let back = opener as HTMLElement | null;
    if (back && !back.isConnected && back.dataset?.layer && back.dataset.id)
      back = document.querySelector<HTMLElement>(
        `button.${CSS.escape(back.className.split(' ')[0] ?? '')}[data-layer="${CSS.escape(back.dataset.layer)}"][data-id="${CSS.escape(back.dataset.id)}"]`,
      );
    if (focus && back?.isConnected && back.focus) back.focus();
  });
  popup.addTo(map);
  fitPopup(map, popup);
  // Content that grows (the facts and sources arriving, a list unfolded) is brought back inside the map.
  const content = popup.getElement().querySelector('.maplibregl-popup-content');
  let frame = 0;
  const resized = new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => fitPopup(map, popup));
  });
  if (content) resized.observe(content);
  popup.on('close', () => resized.disconnect());
  if (focus) {
    const target = popup.getElement().querySelector<HTMLElement>('.feature-popup, .stack-popup');
    target?.focus();
  }
}

/** A tip offset that keeps a popup off a marker `px` tall (anchored at its foot). */
function offsets(px: number): PopupOptions['offset'] {
  return {
    top: [0, 4],
    'top-left': [0, 4],
    'top-right': [0, 4],
    bottom: [0, -px],
    'bottom-left': [0, -px],
    'bottom-right': [0, -px],
    left: [12, -px / 2],
    right: [-12, -px / 2],
    center: [0, 0],
  };
}

/** A popup sized to the map: never taller than it (it scrolls inside), so it always fits. */
export function atlasPopup(map: MlMap, offset = 0, keepCentre = false): Popup {
  const popup = new Popup({
    maxWidth: '340px',
    focusAfterOpen: false,
    className: 'atlas-popup',
    closeButton: true,
    ...(offset ? { offset: offsets(offset) } : {}),
  });
  const size = (): void => {
    const content = popup.getElement()?.querySelector<HTMLElement>('.maplibregl-popup-content');
    const frame = map.getContainer().getBoundingClientRect();
    // Room for the tip, the offset and a margin on both sides.
    // A popup for a place flown to fits on one side of it, so the place stays in the middle.
    const room = keepCentre ? frame.height / 2 - offset - 24 : frame.height - 40 - offset;
    const most = keepCentre ? room : Math.min(room, Math.max(320, frame.height * 0.8));
    if (content) content.style.maxHeight = `${Math.max(120, most)}px`;
  };
  // The map changes size (the phone's panel unfolds): the popup follows it.
  const resized = (): void => {
    size();
    fitPopup(map, popup);
  };
  popup.on('open', () => {
    size();
    map.on('resize', resized);
    popup
      .getElement()
      ?.querySelector('.maplibregl-popup-close-button')
      ?.setAttribute('aria-label', t('close'));
  });
  popup.on('close', () => map.off('resize', resized));
  return popup;
}

/** Opens the popup of one feature of `layer` at `lngLat`. */
export function showFeature(
  atlas: Atlas,
  layer: string,
  id: number | string,
  props: Props,
  lngLat: LngLatLike,
  options: ShowOptions = {},
): Popup {
  registered = atlas.collections;
  const col = atlas.collections.find((c) => c.id === layer);
  const box = document.createElement('article');
  box.className = 'feature-popup';
  box.tabIndex = -1;
  box.dataset.layer = layer;
  box.dataset.id = String(id);
  const head = document.createElement('header');
  const title = Object.assign(document.createElement('h3'), {
    textContent: featureName(props, id),
  });
  title.id = `popup-title-${layer}-${id}`;
  box.setAttribute('aria-labelledby', title.id);
  head.append(
    title,
    Object.assign(document.createElement('p'), {
      className: 'layer-name',
      textContent: col ? kindText(layer, props) : layer,
    }),
  );
  let table = facts(props, layer);
  const provenance = Object.assign(document.createElement('p'), {
    className: 'loading',
    textContent: t('loading'),
  });
  box.append(head);
  if (options.note) box.append(options.note);
  if (options.stack) box.append(options.stack);
  box.append(table, provenance);
  const figures = unitFigures(layer, props); // a province's projects, border, indicators (G2)
  if (figures) box.append(figures);
  const popup = atlasPopup(atlas.map, options.offset, options.keepCentre)
    .setLngLat(lngLat)
    .setDOMContent(box);
  const kind = col?.style?.kind;
  const geometryType = kind === 'line' ? 'LineString' : kind === 'fill' ? 'Polygon' : 'Point';
  for (const extend of popupExtensions) extend({ box, layer, id, props, popup, geometryType });
  // Tiles carry what the registry declares; the feature API has the same,
  // unclipped; the sources endpoint adds precision, citations and figures.
  const full = feature(layer, id)
    .then((f) => {
      const next = facts({ ...props, ...f.properties }, layer);
      table.replaceWith(next);
      table = next;
    })
    .catch(() => undefined);
  const cited = featureSources(layer, id)
    .then((s) => provenance.replaceWith(sourcesBlock(s)))
    .catch((e: Error) => {
      provenance.textContent = t('unavailable', { e: e.message });
    });
  // Opened once its content is in (or after 300 ms at most): placed once at
  // its final size, rather than placed small and then grown past the map.
  let opened = false;
  const open = () => {
    if (opened) return;
    opened = true;
    openPopup(atlas.map, popup, options.focus);
  };
  void Promise.all([full, cited]).then(() => {
    open();
    fitPopup(atlas.map, popup);
  });
  setTimeout(open, 300);
  return popup;
}

/** Pans the map so that an open popup lies inside it (it is never taller than the map, see atlasPopup). */
export function fitPopup(map: MlMap, popup: Popup): void {
  if (!popup.isOpen()) return;
  const el = popup.getElement();
  const box = el.getBoundingClientRect();
  const frame = map.getContainer().getBoundingClientRect();
  if (box.height > frame.height - 8) return;
  const down = Math.max(0, box.bottom - frame.bottom + 8) - Math.max(0, frame.top - box.top + 8);
  const right = Math.max(0, box.right - frame.right + 8) - Math.max(0, frame.left - box.left + 8);
  if (down || right) map.panBy([right, down], { duration: 300 });
}

let paused = false;

/** While the editor picks a point or drags a shape, a click on the map is theirs, not a popup's. */
export function pausePopups(on: boolean): void {
  paused = on;
}

export function popupsPaused(): boolean {
  return paused;
}

/** The style layers a click, a hover or the "in view" list looks at. */
export function interactiveLayers(atlas: Atlas): string[] {
  return [OVERLAY_LAYER, ...[...atlas.roles.values()].flatMap((r) => r.interactive)].filter((l) =>
    atlas.map.getLayer(l),
  );
}

/**
 * A click opens what lies under it: one feature's popup; several stacked
 * features (or a cluster) list each of them, and each item opens its own
 * popup (stack-list.ts). Esc closes the open popup.
 */
export function enablePopups(atlas: Atlas): void {
  const { map } = atlas;
  registered = atlas.collections;
  map.on('click', (e: MapMouseEvent) => {
    if (paused) return;
    void openAt(atlas, e.point, e.lngLat);
  });
  map.on('mousemove', (e) => {
    if (paused) return;
    const over = map
      .queryRenderedFeatures(e.point, { layers: interactiveLayers(atlas) })
      .some((f) => !f.layer.id.startsWith('countries'));
    map.getCanvas().style.cursor = over ? 'pointer' : '';
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && closePopup()) e.stopPropagation();
  });
}
