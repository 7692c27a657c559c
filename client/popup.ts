/**
 * Click a feature: its facts, how precise its location is, and the articles
 * it comes from. The tile gives the first facts at once; the full feature
 * (OGC API) and its sources follow from the server.
 *
 * A click on a cluster zooms in on it instead.
 */
import {
  type LngLatLike,
  type MapGeoJSONFeature,
  type MapMouseEvent,
  type Map as MlMap,
  Popup,
} from 'maplibre-gl';
import { type FeatureSources, feature, featureSources, type Props } from './api.ts';
import { investmentText, metres, num, years } from './format.ts';
import { fieldLabel, isEnumerated, t, valueLabel } from './i18n.ts';
import { layerTitle } from './layers-panel.ts';
import { type Atlas, OVERLAY_LAYER } from './map.ts';
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
    row(dl, name(k), isEnumerated(k) ? value(k) : typeof v === 'number' ? num(v) : String(v));
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
    if (src.publisher)
      li.append(
        Object.assign(document.createElement('span'), {
          className: 'publisher',
          textContent: ` · ${src.publisher}`,
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

/** Opens the popup of one feature of `layer` at `lngLat`. */
export function showFeature(
  atlas: Atlas,
  layer: string,
  id: number | string,
  props: Props,
  lngLat: LngLatLike,
): Popup {
  const col = atlas.collections.find((c) => c.id === layer);
  const box = document.createElement('article');
  box.className = 'feature-popup';
  box.dataset.layer = layer;
  box.dataset.id = String(id);
  const head = document.createElement('header');
  head.append(
    Object.assign(document.createElement('h3'), {
      textContent: String(props.name ?? props.name_vi ?? props.ref ?? props.iso3 ?? `#${id}`),
    }),
    Object.assign(document.createElement('p'), {
      className: 'layer-name',
      textContent: col ? layerTitle(col) : layer,
    }),
  );
  let table = facts(props, layer);
  const provenance = Object.assign(document.createElement('p'), {
    className: 'loading',
    textContent: t('loading'),
  });
  box.append(head, table, provenance);
  const figures = unitFigures(layer, props); // a province's projects, border, indicators (G2)
  if (figures) box.append(figures);
  const popup = new Popup({ maxWidth: '340px', focusAfterOpen: false }).setLngLat(lngLat).setDOMContent(box);
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
  const open = () => {
    if (popup.isOpen()) return;
    popup.addTo(atlas.map);
    fitPopup(atlas.map, popup);
  };
  void Promise.all([full, cited]).then(open);
  setTimeout(open, 300);
  return popup;
}

/** Pans the map so that an open popup lies inside it, when it fits at all. */
function fitPopup(map: MlMap, popup: Popup): void {
  const el = popup.getElement();
  const box = el.getBoundingClientRect();
  const frame = map.getContainer().getBoundingClientRect();
  if (box.height > frame.height - 16) return;
  const down = Math.max(0, box.bottom - frame.bottom + 8) - Math.max(0, frame.top - box.top + 8);
  const right = Math.max(0, box.right - frame.right + 8) - Math.max(0, frame.left - box.left + 8);
  if (down || right) map.panBy([right, down], { duration: 300 });
}

let paused = false;

/** While the editor picks a point or drags a shape, a click on the map is theirs, not a popup's. */
export function pausePopups(on: boolean): void {
  paused = on;
}

export function enablePopups(atlas: Atlas): void {
  const { map } = atlas;
  const interactive = (): string[] =>
    [OVERLAY_LAYER, ...[...atlas.roles.values()].flatMap((r) => r.interactive)].filter((l) =>
      map.getLayer(l),
    );
  map.on('click', (e: MapMouseEvent) => {
    if (paused) return;
    const hits: MapGeoJSONFeature[] = map.queryRenderedFeatures(e.point, { layers: interactive() });
    const top = hits[0];
    if (!top) return;
    const layer =
      top.layer.id === OVERLAY_LAYER ? String(top.properties._layer) : top.layer.id.split(':')[0]!;
    if (Number(top.properties.point_count ?? 1) > 1) {
      map.easeTo({ center: e.lngLat, zoom: Math.min(map.getZoom() + 2, 16) });
      return;
    }
    const id = top.id ?? top.properties.id;
    if (id === undefined || id === null) return;
    showFeature(atlas, layer, id as number, top.properties, e.lngLat);
  });
  map.on('mousemove', (e) => {
    if (paused) return;
    const over = map
      .queryRenderedFeatures(e.point, { layers: interactive() })
      .some((f) => !f.layer.id.startsWith('countries'));
    map.getCanvas().style.cursor = over ? 'pointer' : '';
  });
}
