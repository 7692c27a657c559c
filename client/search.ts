/**
 * Place search: accent-insensitive (the server folds both sides), and a name
 * that no longer exists brings its 2025 unit (thị trấn Kim Sơn → xã Quế
 * Phong). Enter takes the first current unit.
 *
 * Each result is named as a person reads it: its kind in words from the
 * server's labels ("Đường xã", not "commune"), its layer and its parent; a
 * unit listed twice (the 2025 unit and the old one of the same name at the
 * same seat, or one unit reached from two layers) is listed once.
 *
 * Choosing a result flies there and shows it: a marker, its popup and, for a
 * unit with a boundary, the boundary outlined. An old unit (xã Quảng An) flies
 * to the unit it became, with a note saying so.
 */
import { type GeoJSONSource, Marker, type Map as MlMap } from 'maplibre-gl';
import { type Feature, type FeatureCollection, feature, getJson, type SearchResult, search } from './api.ts';
import { getLang, onLang, t } from './i18n.ts';
import { layerTitle } from './layers-panel.ts';
import type { Atlas } from './map.ts';
import { atlasPopup, labelledValue, openPopup, showFeature, unitKind, unitName } from './popup.ts';

const ZOOM: Record<string, number> = { province: 8, district: 10, commune: 11.5, village: 13, feature: 13 };

export function zoomFor(r: SearchResult): number {
  return ZOOM[r.level] ?? 12;
}

export type Result = SearchResult & {
  /** Set here: the old unit of the same name and seat folded into this one. */
  sameNameBefore?: SearchResult;
};

/** Where a result takes the map: an old unit goes to the unit that replaced it when the results say which. */
export function target(r: SearchResult, all: readonly SearchResult[]): SearchResult {
  if (r.valid_to === null) return r;
  return all.find((s) => s.successor_of?.id === r.id && s.point) ?? r;
}

const seatKey = (r: SearchResult) => `${r.level}|${r.name}|${r.point?.join(',') ?? ''}`;

/**
 * One entry per place: the same unit reached twice (two layers, or as the
 * successor of two old units) once; an old unit with the name and seat of a
 * 2025 unit folded into it ("Mường Nhà" before and after the reform).
 */
export function dedupe(results: readonly SearchResult[]): Result[] {
  const out: Result[] = [];
  const byId = new Map<string, Result>();
  for (const r of results) {
    // Feature ids are per layer (road 2 and project 2 are two features); unit ids are the gazetteer's own.
    const key = r.entity === 'unit' ? `unit|${r.id}` : `feature|${r.layer}|${r.id}`;
    const had = byId.get(key);
    if (had) continue;
    const copy: Result = { ...r };
    byId.set(key, copy);
    out.push(copy);
  }
  const current = new Map(
    out.filter((r) => r.entity === 'unit' && r.valid_to === null && r.point).map((r) => [seatKey(r), r]),
  );
  return out.filter((r) => {
    if (r.entity !== 'unit' || r.valid_to === null || !r.point) return true;
    const now = current.get(seatKey(r));
    if (!now) return true;
    now.sameNameBefore = r;
    return false;
  });
}

function parentText(r: Result): string | null {
  const names = [r.parents?.district, r.parents?.province].flatMap((u) =>
    u ? [unitName(u.name, u.kind)] : [],
  );
  return names.length ? names.join(', ') : r.parent;
}

const dateText = (iso: string): string => {
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(getLang() === 'vi' ? 'vi-VN' : 'en-GB', {
    day: 'numeric',
    month: getLang() === 'vi' ? 'numeric' : 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(d);
};

/** "Đường xã · Đường giao thông", "xã · Điện Biên"…: what a result is, in the page language. */
export function describe(r: Result, all: readonly Result[], atlas: Atlas | null): string {
  const col = r.layer ? atlas?.collections.find((c) => c.id === r.layer) : undefined;
  const parts: string[] = [];
  if (r.entity === 'unit') parts.push(unitKind(r.kind));
  else {
    const kind = labelledValue(r.layer, r.kind);
    if (kind) parts.push(kind);
    const title = col ? layerTitle(col) : null;
    if (title && title.toLowerCase() !== kind?.toLowerCase()) parts.push(title);
  }
  const parent = parentText(r);
  if (parent) parts.push(parent);
  if (r.valid_to) {
    parts.push(`${t('until')} ${dateText(r.valid_to)}`);
    const s = r.successors?.[0] ?? all.find((x) => x.successor_of?.id === r.id);
    if (s) parts.push(`${t('nowIn')} ${s.name}`);
  }
  if (r.successor_of) parts.push(`${t('formerly')} ${r.successor_of.name}`);
  if (r.sameNameBefore?.code) parts.push(t('sameNameBefore', { code: r.sameNameBefore.code }));
  return parts.filter(Boolean).join(' · ');
}

/** A current unit of `layer` at `point`: its area holds the point, or its seat is the point. */
async function unitAt(layer: string, point: [number, number]): Promise<Feature | null> {
  const [x, y] = point;
  const d = 0.0005;
  const fc = await getJson<FeatureCollection>(
    `/ogc/collections/${encodeURIComponent(layer)}/items?bbox=${x - d},${y - d},${x + d},${y + d}&limit=20`,
  );
  const holds = (f: Feature): boolean => {
    const g = f.geometry as { type: string; coordinates: unknown } | null;
    if (!g) return false;
    if (g.type === 'Point') {
      const [px, py] = g.coordinates as [number, number];
      return Math.abs(px - x) < 1e-6 && Math.abs(py - y) < 1e-6;
    }
    const polys =
      g.type === 'Polygon'
        ? [g.coordinates as number[][][]]
        : g.type === 'MultiPolygon'
          ? (g.coordinates as number[][][][])
          : [];
    return polys.some((rings) => rings.filter((ring) => inRing(ring, x, y)).length % 2 === 1);
  };
  return fc.features.find(holds) ?? null;
}

function inRing(ring: number[][], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * What an old unit became, as a result to fly to: the successor the answer
 * names (the gazetteer's `successors`, or a result marked `successor_of`
 * it), else the 2025 unit of its layer that holds its seat.
 */
export async function successorOf(r: Result, all: readonly Result[]): Promise<Result | null> {
  if (r.entity !== 'unit' || r.valid_to === null) return null;
  const named = r.successors?.[0];
  if (named) {
    const inList = all.find(
      (x) =>
        x.valid_to === null &&
        x.entity === 'unit' &&
        (x.id === named.id || (named.code && x.code === named.code)),
    );
    if (inList?.point) return inList;
    const found = (await search(named.name)).find(
      (x) => x.entity === 'unit' && x.valid_to === null && (x.id === named.id || x.code === named.code),
    );
    if (found?.point) return found;
  }
  const marked = all.find((s) => s.successor_of?.id === r.id && s.point);
  if (marked) return marked;
  if (!r.layer || !r.point) return null;
  const f = await unitAt(r.layer, r.point).catch(() => null);
  if (!f || f.id === undefined) return null;
  const p = f.properties;
  const point = (f.geometry?.type === 'Point' ? f.geometry.coordinates : r.point) as [number, number];
  return {
    layer: r.layer,
    entity: 'unit',
    id: Number(f.id),
    name: String(p.name ?? ''),
    kind: String(p.kind ?? ''),
    level: r.level,
    code: (p.code as string | undefined) ?? null,
    parent: (p.province as string | undefined) ?? null,
    valid_to: null,
    point,
    score: r.score,
  };
}

const HIT = 'search-hit';

/** The chosen place, drawn: a marker on it and, for a line or an area, its shape outlined. */
function highlight(map: MlMap): { show(r: SearchResult, shape: Feature | null): void; clear(): void } {
  let marker: Marker | null = null;
  const ensure = (): GeoJSONSource => {
    if (!map.getSource(HIT)) {
      map.addSource(HIT, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      map.addLayer({
        id: `${HIT}:fill`,
        type: 'fill',
        source: HIT,
        filter: ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false],
        paint: { 'fill-color': '#0b5c8a', 'fill-opacity': 0.12 },
      });
      map.addLayer({
        id: `${HIT}:halo`,
        type: 'line',
        source: HIT,
        filter: ['!', ['match', ['geometry-type'], ['Point', 'MultiPoint'], true, false]],
        paint: { 'line-color': '#ffffff', 'line-width': 7, 'line-opacity': 0.9 },
      });
      map.addLayer({
        id: `${HIT}:line`,
        type: 'line',
        source: HIT,
        filter: ['!', ['match', ['geometry-type'], ['Point', 'MultiPoint'], true, false]],
        paint: { 'line-color': '#0b5c8a', 'line-width': 3.5 },
      });
    }
    return map.getSource(HIT) as GeoJSONSource;
  };
  return {
    show(r, shape) {
      marker?.remove();
      if (!r.point) return;
      const el = document.createElement('div');
      el.className = 'search-marker';
      el.setAttribute('role', 'img');
      el.setAttribute('aria-label', `${t('searchHit')}: ${r.name}`);
      marker = new Marker({ element: el, anchor: 'bottom' }).setLngLat(r.point).addTo(map);
      const lines = shape?.geometry && !/Point/.test(shape.geometry.type) ? [shape] : [];
      ensure().setData({ type: 'FeatureCollection', features: lines } as never);
    },
    clear() {
      marker?.remove();
      marker = null;
      if (map.getSource(HIT))
        (map.getSource(HIT) as GeoJSONSource).setData({ type: 'FeatureCollection', features: [] });
    },
  };
}

/** The marker's height: a popup opens above it. */
const MARKER_PX = 34;

/** The popup of a result the map has no layer for (a district): its name, kind, parent and period. */
function unitPopup(atlas: Atlas, r: Result, note: HTMLElement | undefined): void {
  const box = document.createElement('article');
  box.className = 'feature-popup';
  box.tabIndex = -1;
  const h = Object.assign(document.createElement('h3'), {
    id: `popup-title-unit-${r.id}`,
    textContent: r.name,
  });
  box.setAttribute('aria-labelledby', h.id);
  box.append(
    h,
    Object.assign(document.createElement('p'), {
      className: 'layer-name',
      textContent: describe(r, [], atlas),
    }),
  );
  if (note) box.append(note);
  const popup = atlasPopup(atlas.map, MARKER_PX, true).setLngLat(r.point!).setDOMContent(box);
  openPopup(atlas.map, popup);
}

export function searchBox(form: HTMLFormElement, atlas: Atlas): void {
  const { map } = atlas;
  const input = form.querySelector<HTMLInputElement>('input[type=search]')!;
  const list = form.querySelector<HTMLOListElement>('ol')!;
  let results: Result[] = [];
  let ctl: AbortController | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const drawn = highlight(map);

  /** Flies to `to` and shows it; `from` is the old unit the person chose, when it is one. */
  const show = async (to: Result, from: Result | null): Promise<void> => {
    if (!to.point) return;
    const shape = to.layer ? await feature(to.layer, to.id).catch(() => null) : null;
    const note = from ? formerNote(from, to) : undefined;
    const open = () => {
      drawn.show(to, shape);
      if (to.layer && shape) {
        const popup = showFeature(atlas, to.layer, to.id, shape.properties, to.point!, {
          note,
          offset: MARKER_PX,
          keepCentre: true,
        });
        popup.on('close', () => drawn.clear());
      } else unitPopup(atlas, to, note);
    };
    map.once('moveend', open);
    map.flyTo({ center: to.point, zoom: Math.max(zoomFor(to), Math.min(map.getZoom(), 14)), speed: 1.6 });
  };

  const choose = async (r: Result): Promise<void> => {
    list.replaceChildren();
    input.value = r.name;
    if (r.entity === 'unit' && r.valid_to !== null) {
      const next = await successorOf(r, results).catch(() => null);
      if (next?.point) return show(next, r);
      // Nothing known took it over: show where it was, saying so.
      if (r.point) return show(r, r);
      return;
    }
    return show(r, null);
  };

  const render = (): void => {
    list.replaceChildren();
    if (input.value.trim() && results.length === 0) {
      list.append(
        Object.assign(document.createElement('li'), { className: 'none', textContent: t('noResults') }),
      );
      return;
    }
    for (const r of results) {
      const li = document.createElement('li');
      const b = Object.assign(document.createElement('button'), { type: 'button', className: 'result' });
      b.dataset.level = r.level;
      b.dataset.entity = r.entity;
      b.append(
        Object.assign(document.createElement('strong'), { textContent: r.name }),
        Object.assign(document.createElement('span'), {
          className: 'meta',
          textContent: describe(r, results, atlas),
        }),
      );
      b.addEventListener('click', () => void choose(r));
      li.append(b);
      list.append(li);
    }
  };

  const run = async (): Promise<void> => {
    ctl?.abort();
    const q = input.value.trim();
    if (!q) {
      results = [];
      list.replaceChildren();
      return;
    }
    ctl = new AbortController();
    try {
      results = dedupe(await search(q, ctl.signal));
      render();
    } catch (e) {
      if ((e as Error).name !== 'AbortError')
        list.replaceChildren(
          Object.assign(document.createElement('li'), { textContent: (e as Error).message }),
        );
    }
  };

  list.setAttribute('aria-label', t('searchResults'));
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 180);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && list.childElementCount) {
      e.stopPropagation();
      list.replaceChildren();
    }
    // Down arrow: into the list; up and down move through it.
    if (e.key === 'ArrowDown') {
      list.querySelector<HTMLButtonElement>('button.result')?.focus();
      e.preventDefault();
    }
  });
  list.addEventListener('keydown', (e) => {
    const buttons = [...list.querySelectorAll<HTMLButtonElement>('button.result')];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = e.key === 'ArrowDown' ? i + 1 : i - 1;
      (next < 0 ? input : buttons[Math.min(next, buttons.length - 1)])?.focus();
    } else if (e.key === 'Escape') {
      e.stopPropagation();
      list.replaceChildren();
      input.focus();
    }
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearTimeout(timer);
    await run();
    const first = results.find((r) => r.valid_to === null && r.point) ?? results[0];
    if (first) void choose(first);
  });
  onLang(() => {
    list.setAttribute('aria-label', t('searchResults'));
    render();
  });
}

/** "Xã Quảng An (đến 30/6/2025) nay thuộc xã Quảng Tân." */
function formerNote(from: Result, to: Result): HTMLElement {
  const p = document.createElement('p');
  p.className = 'note former-unit';
  p.setAttribute('role', 'note');
  const old = unitName(from.name, from.kind);
  const date = dateText(from.valid_to ?? '');
  const text =
    to === from || to.id === from.id
      ? t('formerUnitUnknown', { old, date })
      : t('formerUnit', { old, date, now: unitName(to.name, to.kind) });
  p.textContent = text.charAt(0).toUpperCase() + text.slice(1);
  return p;
}
