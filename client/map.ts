/**
 * The map itself: MapLibre over our style, with the operations the panels
 * need (show a layer, filter, count what is in view). A handle is put on
 * `window.atlas` so that end-to-end tests can ask the map what it drew.
 */
import {
  type FilterSpecification,
  Map as MlMap,
  NavigationControl,
  prewarm,
  ScaleControl,
  type StyleSpecification,
  setWorkerUrl,
} from 'maplibre-gl';
// MapLibre 6 runs its tile workers from a module of its own: serve it from our assets.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { Collection, TileJson } from './api.ts';
import { appliesTo, toExpression } from './filters.ts';
import { getLang, type Lang, onLang } from './i18n.ts';
import { fetchStyle, rolesOf, type StyleLayers } from './map-style.ts';
import type { Filters, View } from './url-state.ts';

export const OVERLAY_LAYER = 'selection:points';

/** Where the articles are: Vietnam's northern and western border provinces. */
export const HOME: View = { zoom: 5.6, lat: 20.6, lon: 105.2 };

export interface Atlas {
  map: MlMap;
  collections: readonly Collection[];
  roles: Map<string, StyleLayers>;
  /** Property names each layer's tiles carry (TileJSON vector_layers). */
  fields: Map<string, Set<string>>;
  setVisible(id: string, on: boolean): void;
  isVisible(id: string): boolean;
  applyFilters(f: Filters): void;
  /** Features of each visible layer drawn in the viewport (clusters count their points). */
  countsInView(): Map<string, number>;
}

/** MapLibre's own control labels (zoom buttons, attribution, scale) in each language of the site. */
export const MAP_LOCALE: Record<Lang, Record<string, string>> = {
  vi: {
    'AttributionControl.ToggleAttribution': 'Hiện/ẩn nguồn dữ liệu',
    'AttributionControl.MapFeedback': 'Góp ý về bản đồ',
    'FullscreenControl.Enter': 'Toàn màn hình',
    'FullscreenControl.Exit': 'Thoát toàn màn hình',
    'GeolocateControl.FindMyLocation': 'Tìm vị trí của tôi',
    'GeolocateControl.LocationNotAvailable': 'Không xác định được vị trí',
    'LogoControl.Title': 'Logo MapLibre',
    'Map.Title': 'Bản đồ',
    'Marker.Title': 'Điểm đánh dấu',
    'NavigationControl.ResetBearing': 'Đặt lại hướng bắc',
    'NavigationControl.ZoomIn': 'Phóng to',
    'NavigationControl.ZoomOut': 'Thu nhỏ',
    'Popup.Close': 'Đóng',
    'ScaleControl.Meters': 'm',
    'ScaleControl.Kilometers': 'km',
  },
  en: {
    'AttributionControl.ToggleAttribution': 'Toggle attribution',
    'AttributionControl.MapFeedback': 'Map feedback',
    'FullscreenControl.Enter': 'Enter fullscreen',
    'FullscreenControl.Exit': 'Exit fullscreen',
    'GeolocateControl.FindMyLocation': 'Find my location',
    'GeolocateControl.LocationNotAvailable': 'Location not available',
    'LogoControl.Title': 'MapLibre logo',
    'Map.Title': 'Map',
    'Marker.Title': 'Map marker',
    'NavigationControl.ResetBearing': 'Reset bearing to north',
    'NavigationControl.ZoomIn': 'Zoom in',
    'NavigationControl.ZoomOut': 'Zoom out',
    'Popup.Close': 'Close popup',
    'ScaleControl.Meters': 'm',
    'ScaleControl.Kilometers': 'km',
  },
};

/** The controls' titles and names after a change of language (MapLibre reads its locale only when it builds them). */
function relabelControls(map: MlMap, lang: Lang): void {
  const table = MAP_LOCALE[lang];
  (map as unknown as { _locale: Record<string, string> })._locale = {
    ...(map as unknown as { _locale: Record<string, string> })._locale,
    ...table,
  };
  const set = (selector: string, key: string): void => {
    for (const el of map.getContainer().querySelectorAll<HTMLElement>(selector)) {
      el.title = table[key]!;
      el.setAttribute('aria-label', table[key]!);
    }
  };
  set('.maplibregl-ctrl-zoom-in', 'NavigationControl.ZoomIn');
  set('.maplibregl-ctrl-zoom-out', 'NavigationControl.ZoomOut');
  set('.maplibregl-ctrl-attrib-button', 'AttributionControl.ToggleAttribution');
  set('.maplibregl-popup-close-button', 'Popup.Close');
  map.getCanvas().setAttribute('aria-label', table['Map.Title']!);
}

/**
 * Starts MapLibre's tile worker now, before the map exists: the worker
 * fetches and compiles its module (about half a megabyte) while the page
 * still waits for the collections, the TileJSON and the style, instead of
 * after them, when the map is created. The map then uses this worker.
 */
export function warmUp(): void {
  setWorkerUrl(workerUrl);
  prewarm();
}

/** The style the map draws with: asked for by the caller, at the same time as the collections and TileJSON. */
export { fetchStyle };

export async function createMap(
  container: HTMLElement,
  cols: readonly Collection[],
  tj: TileJson,
  style: StyleSpecification,
  view: View | null,
  visible: ReadonlySet<string>,
): Promise<Atlas> {
  setWorkerUrl(workerUrl);
  const roles = rolesOf(
    style,
    cols.map((c) => c.id),
  );
  for (const c of cols) {
    if (visible.has(c.id)) continue;
    for (const l of style.layers)
      if (roles.get(c.id)!.all.includes(l.id)) l.layout = { ...l.layout, visibility: 'none' };
  }
  const v = view ?? HOME;
  const map = new MlMap({
    container,
    style,
    center: [v.lon, v.lat],
    zoom: v.zoom,
    maxZoom: 18,
    // The server's style is checked against MapLibre's style spec in both languages by
    // tests/styles.test.ts; checking it again here held the page's main thread at start-up.
    validateStyle: false,
    attributionControl: { compact: true },
    locale: MAP_LOCALE[getLang()],
  });
  map.addControl(new NavigationControl({ showCompass: false }), 'bottom-right');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
  // MapLibre opens a compact attribution at first; on a phone it would cover a fifth of the map.
  // Folded, the (i) button still shows the sources and the ODbL credit.
  if (window.matchMedia('(max-width: 700px)').matches)
    map.once('load', () =>
      container.querySelector('.maplibregl-ctrl-attrib')?.classList.remove('maplibregl-compact-show'),
    );

  const fields = new Map(tj.vector_layers.map((l) => [l.id, new Set(Object.keys(l.fields ?? {}))]));
  const shown = new Set(visible);

  // Another language: the server's style in that language gives each label its text.
  // onLang also runs at once, when the labels are already in the style's language: the style is
  // not asked for again then (a second request, and text-field set again on every label layer).
  let drawnLang = (style.metadata as { 'atlas:lang'?: Lang } | undefined)?.['atlas:lang'];
  onLang(() => {
    const lang = getLang();
    relabelControls(map, lang);
    if (lang === drawnLang) return;
    drawnLang = lang;
    void fetchStyle(lang).then((next) => {
      if (getLang() !== lang) return;
      for (const l of next.layers)
        if (l.type === 'symbol' && l.layout?.['text-field'] !== undefined && map.getLayer(l.id))
          map.setLayoutProperty(l.id, 'text-field', l.layout['text-field']);
    });
  });

  const atlas: Atlas = {
    map,
    collections: cols,
    roles,
    fields,
    setVisible(id, on) {
      if (on) shown.add(id);
      else shown.delete(id);
      for (const l of roles.get(id)?.all ?? [])
        map.setLayoutProperty(l, 'visibility', on ? 'visible' : 'none');
    },
    isVisible: (id) => shown.has(id),
    applyFilters(f) {
      for (const c of cols) {
        const r = roles.get(c.id)!;
        const own = fields.get(c.id) ?? new Set<string>();
        const expr = toExpression(f, own) as FilterSpecification | null;
        for (const l of r.filterable) {
          const base = r.base[l];
          const next = expr && base ? (['all', base, expr] as FilterSpecification) : (expr ?? base ?? null);
          map.setFilter(l, next);
        }
        // A cluster stands for points of every kind: it cannot be filtered,
        // so it steps aside while a filter concerns its layer (the filtered
        // selection is drawn instead, see selection.ts).
        const clustersOn = shown.has(c.id) && !appliesTo(f, own);
        for (const l of r.all)
          if (l.endsWith(':cluster') || l.endsWith(':cluster-count'))
            map.setLayoutProperty(l, 'visibility', clustersOn ? 'visible' : 'none');
      }
    },
    countsInView() {
      const counts = new Map<string, number>();
      if (!map.isStyleLoaded() && !map.loaded()) return counts;
      // The filtered selection drawn in place of clusters (selection.ts) counts for its layer.
      const overlay = map.getLayer(OVERLAY_LAYER)
        ? map.queryRenderedFeatures({ layers: [OVERLAY_LAYER] })
        : [];
      for (const c of cols) {
        if (!shown.has(c.id)) continue;
        const seen = new Set<string | number>();
        let n = 0;
        const drawn = map.queryRenderedFeatures({ layers: roles.get(c.id)!.interactive });
        for (const f of [
          ...drawn,
          ...overlay.filter((o: { properties: Record<string, unknown> }) => o.properties._layer === c.id),
        ]) {
          const key = f.id ?? JSON.stringify(f.properties);
          if (seen.has(key)) continue;
          seen.add(key);
          n += typeof f.properties.point_count === 'number' ? f.properties.point_count : 1;
        }
        counts.set(c.id, n);
      }
      return counts;
    },
  };
  (window as unknown as { atlas: Atlas }).atlas = atlas;
  return atlas;
}
