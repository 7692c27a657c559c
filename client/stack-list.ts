/**
 * Features that share a spot open one by one. A click gathers everything
 * drawn in a small box around it (a point stacked on twelve others, a road
 * through it) and the points a cluster stands for, then:
 *
 *   one feature         → its popup
 *   several             → the top one's popup, with "N more here" listing the rest
 *   a cluster among them → a list popup of every point (each opens its own popup)
 *
 * Our clusters come from the tiles (server/tiles/generalise.ts: one point per
 * 32 px grid cell of the tile), so a cluster's points are read back from the
 * OGC API with the bbox of its cell; a clustered GeoJSON source answers
 * getClusterLeaves instead.
 *
 * The same list, for everything in view, is a map control: the keyboard's
 * way to every feature on the map.
 */
import type {
  GeoJSONSource,
  IControl,
  LngLat,
  LngLatLike,
  MapGeoJSONFeature,
  Map as MlMap,
  PointLike,
} from 'maplibre-gl';
import { type FeatureCollection, getJson, type Props } from './api.ts';
import { onLang, t } from './i18n.ts';
import { type Atlas, OVERLAY_LAYER } from './map.ts';
import { SOURCE } from './map-style.ts';
import {
  atlasPopup,
  closePopup,
  featureName,
  interactiveLayers,
  kindText,
  openPopup,
  showFeature,
} from './popup.ts';

/** One feature under the click (or in view), or a cluster of `count` points. */
export interface Hit {
  layer: string;
  id: number | string;
  props: Props;
  /** Where its popup opens. */
  at: [number, number];
  /** Points a cluster stands for (absent for one feature). */
  count?: number;
  /** The rendered feature (clusters: to read their points back). */
  rendered?: MapGeoJSONFeature;
}

const layerOf = (f: MapGeoJSONFeature): string =>
  f.layer.id === OVERLAY_LAYER ? String(f.properties._layer) : f.layer.id.split(':')[0]!;

const isArea = (f: MapGeoJSONFeature): boolean => /Polygon/.test(f.geometry.type);

/** A point of a rendered geometry to open a popup at: the point itself, a line's middle vertex, else `fallback`. */
function anchorOf(f: MapGeoJSONFeature, fallback: [number, number]): [number, number] {
  const g = f.geometry;
  if (g.type === 'Point') return g.coordinates as [number, number];
  if (g.type === 'LineString') return g.coordinates[Math.floor(g.coordinates.length / 2)] as [number, number];
  if (g.type === 'MultiLineString') {
    const line = g.coordinates[0]!;
    return line[Math.floor(line.length / 2)] as [number, number];
  }
  return fallback;
}

/**
 * Features rendered in `box` (or everywhere in view without one), top first,
 * each once: a market that is also a project is the same feature (same id
 * and name) in two layers, and keeps the layer drawn on top. Areas (a
 * province under a point) only count when nothing else is there.
 */
export function hitsIn(atlas: Atlas, box: [PointLike, PointLike] | undefined, at: [number, number]): Hit[] {
  const { map } = atlas;
  const layers = interactiveLayers(atlas);
  const rendered = box ? map.queryRenderedFeatures(box, { layers }) : map.queryRenderedFeatures({ layers });
  const seen = new Set<string>();
  const out: Hit[] = [];
  for (const f of rendered) {
    const layer = layerOf(f);
    const count = Number(f.properties.point_count ?? 1);
    const id = f.id ?? f.properties.id;
    if (id === undefined || id === null) continue;
    const key = count > 1 ? `cluster|${layer}|${id}` : `${id}|${f.properties.name ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const hit: Hit = { layer, id: id as number, props: f.properties, at: anchorOf(f, at), rendered: f };
    if (count > 1) hit.count = count;
    out.push(hit);
  }
  const some = out.filter((h) => !h.rendered || !isArea(h.rendered));
  return some.length ? some : out.slice(0, 1);
}

const R = 6378137;
const WORLD = 2 * Math.PI * R;
const CLUSTER_CELLS = 16;
const toMerc = ([lon, lat]: [number, number]): [number, number] => [
  (R * lon * Math.PI) / 180,
  R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)),
];
const toLonLat = ([x, y]: [number, number]): [number, number] => [
  ((x / R) * 180) / Math.PI,
  ((2 * Math.atan(Math.exp(y / R)) - Math.PI / 2) * 180) / Math.PI,
];

/** The bbox (lon/lat) of the tile grid cell at zoom `z` that holds `p` (the server's cluster cell). */
export function cellBbox(p: [number, number], z: number): [number, number, number, number] {
  const cell = WORLD / 2 ** z / CLUSTER_CELLS;
  const [x, y] = toMerc(p);
  const ix = Math.floor(x / cell);
  const iy = Math.floor(y / cell);
  const [w, s] = toLonLat([ix * cell, iy * cell]);
  const [e, n] = toLonLat([(ix + 1) * cell, (iy + 1) * cell]);
  return [w, s, e, n];
}

/** The points one cluster stands for. */
export async function clusterLeaves(atlas: Atlas, hit: Hit): Promise<Hit[]> {
  const { map } = atlas;
  const f = hit.rendered;
  const count = hit.count ?? 1;
  const source = f ? map.getSource(f.source) : undefined;
  if (f && source?.type === 'geojson') {
    const leaves = await (source as GeoJSONSource).getClusterLeaves(
      Number(f.properties.cluster_id),
      count,
      0,
    );
    return leaves.map((l) => ({
      layer: hit.layer,
      id: (l.id ?? l.properties?.id) as number,
      props: l.properties ?? {},
      at: (l.geometry as unknown as { coordinates: [number, number] }).coordinates,
    }));
  }
  // A tile cluster: the points of its grid cell, at the zoom of the tiles drawn now.
  const max = (map.getSource(SOURCE) as { maxzoom?: number } | undefined)?.maxzoom ?? 16;
  const z0 = Math.min(Math.floor(map.getZoom()), max);
  let best: Hit[] = [];
  for (const z of [z0, z0 - 1, z0 + 1]) {
    if (z < 0) continue;
    const bbox = cellBbox(hit.at, z)
      .map((v) => v.toFixed(7))
      .join(',');
    const fc = await getJson<FeatureCollection>(
      `/ogc/collections/${encodeURIComponent(hit.layer)}/items?bbox=${bbox}&limit=${Math.min(count + 50, 1000)}`,
    );
    const leaves: Hit[] = fc.features.map((l) => ({
      layer: hit.layer,
      id: l.id as number,
      props: l.properties,
      at: (l.geometry as { coordinates: [number, number] } | null)?.coordinates ?? hit.at,
    }));
    if (leaves.length === count) return leaves;
    if (Math.abs(leaves.length - count) < Math.abs(best.length - count) || !best.length) best = leaves;
  }
  return best;
}

/** One list item: a button naming the feature and what it is. */
function itemButton(h: Hit, onPick: (h: Hit, button: HTMLButtonElement) => void): HTMLLIElement {
  const li = document.createElement('li');
  const b = Object.assign(document.createElement('button'), { type: 'button', className: 'stack-item' });
  b.dataset.layer = h.layer;
  b.dataset.id = String(h.id);
  if (h.count) b.dataset.cluster = String(h.count);
  const name = h.count ? t('clusterOf', { n: h.count }) : featureName(h.props, h.id);
  b.append(
    Object.assign(document.createElement('span'), { className: 'name', textContent: name }),
    Object.assign(document.createElement('span'), {
      className: 'meta',
      textContent: kindText(h.layer, h.props),
    }),
  );
  b.addEventListener('click', () => onPick(h, b));
  li.append(b);
  return li;
}

function itemList(hits: readonly Hit[], onPick: (h: Hit, b: HTMLButtonElement) => void): HTMLOListElement {
  const ol = Object.assign(document.createElement('ol'), { className: 'stack-items' });
  for (const h of hits) ol.append(itemButton(h, onPick));
  return ol;
}

/** Opens one feature of a stack, with the others listed under its title. */
function openOne(atlas: Atlas, h: Hit, all: readonly Hit[], focus: boolean): void {
  const others = all.filter((o) => o !== h);
  const stack = others.length ? stackBlock(atlas, others, all, h.at) : undefined;
  showFeature(atlas, h.layer, h.id, h.props, h.at, { focus, stack });
}

/** "N more here": a disclosure listing the other features at the spot. */
function stackBlock(
  atlas: Atlas,
  others: readonly Hit[],
  all: readonly Hit[],
  at: [number, number],
): HTMLElement {
  const details = Object.assign(document.createElement('details'), { className: 'stack' });
  const summary = Object.assign(document.createElement('summary'), {
    textContent: t('stackOthers', { n: others.length }),
  });
  details.append(
    summary,
    itemList(others, (h) => {
      if (h.count) void openList(atlas, [h], at, true);
      else openOne(atlas, h, all, true);
    }),
  );
  return details;
}

/** A list popup: every feature at the spot (a cluster's points read back first). */
export async function openList(
  atlas: Atlas,
  hits: readonly Hit[],
  at: LngLatLike,
  focus: boolean,
): Promise<void> {
  const expanded: Hit[] = [];
  const seen = new Set<string>();
  for (const h of hits) {
    const leaves = h.count ? await clusterLeaves(atlas, h).catch(() => [h]) : [h];
    for (const l of leaves) {
      const key = l.count ? `cluster|${l.layer}|${l.id}` : `${l.id}|${l.props.name ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      expanded.push(l);
    }
  }
  if (expanded.length === 1 && !expanded[0]!.count) {
    openOne(atlas, expanded[0]!, expanded, focus);
    return;
  }
  const box = document.createElement('article');
  box.className = 'stack-popup';
  box.tabIndex = -1;
  const title = Object.assign(document.createElement('h3'), {
    id: 'stack-popup-title',
    textContent: t('stackHere', { n: expanded.length }),
  });
  box.setAttribute('aria-labelledby', title.id);
  const zoom = Object.assign(document.createElement('button'), {
    type: 'button',
    className: 'link zoom-in',
    textContent: t('zoomHere'),
  });
  zoom.addEventListener('click', () => {
    closePopup();
    atlas.map.easeTo({ center: at, zoom: Math.min(atlas.map.getZoom() + 3, 16) });
  });
  box.append(
    title,
    itemList(expanded, (h) => {
      if (h.count) void openList(atlas, [h], h.at, true);
      else openOne(atlas, h, expanded, true);
    }),
    zoom,
  );
  const popup = atlasPopup(atlas.map).setLngLat(at).setDOMContent(box);
  openPopup(atlas.map, popup, focus);
}

/** What a click at `point` opens (popup.ts). */
export async function openAt(atlas: Atlas, point: { x: number; y: number }, lngLat: LngLat): Promise<void> {
  const pad = 6;
  const hits = hitsIn(
    atlas,
    [
      [point.x - pad, point.y - pad],
      [point.x + pad, point.y + pad],
    ],
    [lngLat.lng, lngLat.lat],
  );
  if (!hits.length) return;
  if (hits.some((h) => h.count)) return openList(atlas, hits, lngLat, false);
  // The top feature opens at once; the others are listed in its popup.
  const top = hits[0]!;
  const others = hits.slice(1);
  showFeature(atlas, top.layer, top.id, top.props, lngLat, {
    stack: others.length ? stackBlock(atlas, others, hits, [lngLat.lng, lngLat.lat]) : undefined,
  });
}

/** Most features the "in view" list shows (zoom in for the rest). */
const IN_VIEW_MAX = 200;

/**
 * A map control: "Features in view", a button that opens a list of what the
 * map draws now; each item opens its popup (with the focus in it, and back
 * to the item on Esc).
 */
export class InViewControl implements IControl {
  private root = document.createElement('div');
  private panel = document.createElement('div');
  private button = document.createElement('button');
  private map: MlMap | undefined;

  constructor(private atlas: Atlas) {}

  onAdd(map: MlMap): HTMLElement {
    this.map = map;
    this.root.className = 'maplibregl-ctrl maplibregl-ctrl-group in-view';
    this.button.type = 'button';
    this.button.className = 'in-view-toggle';
    this.button.setAttribute('aria-expanded', 'false');
    this.button.setAttribute('aria-controls', 'in-view-list');
    this.panel.id = 'in-view-list';
    this.panel.className = 'in-view-panel';
    this.panel.hidden = true;
    this.button.addEventListener('click', () => this.toggle());
    this.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !document.querySelector('.atlas-popup')) {
        e.stopPropagation();
        this.toggle(false);
        this.button.focus();
      }
    });
    map.on('moveend', () => {
      if (!this.panel.hidden) this.render();
    });
    onLang(() => {
      this.button.textContent = t('inViewList');
      if (!this.panel.hidden) this.render();
    });
    this.root.append(this.button, this.panel);
    return this.root;
  }

  onRemove(): void {
    this.root.remove();
  }

  toggle(open = this.panel.hidden): void {
    this.panel.hidden = !open;
    this.button.setAttribute('aria-expanded', String(open));
    if (open) this.render();
  }

  render(): void {
    const map = this.map!;
    const c = map.getCenter();
    const hits = hitsIn(this.atlas, undefined, [c.lng, c.lat]).filter(
      (h) => !h.layer.startsWith('countries'),
    );
    const shown = hits.slice(0, IN_VIEW_MAX);
    const heading = Object.assign(document.createElement('h2'), {
      textContent: `${t('inViewList')} (${hits.length})`,
    });
    const list = itemList(shown, (h) => {
      if (h.count) {
        void openList(this.atlas, [h], h.at, true);
        return;
      }
      openOne(this.atlas, h, [h], true);
    });
    list.setAttribute('aria-label', t('inViewList'));
    this.panel.replaceChildren(heading, list);
    if (hits.length > shown.length)
      this.panel.append(
        Object.assign(document.createElement('p'), {
          className: 'hint',
          textContent: t('inViewMore', { n: hits.length - shown.length }),
        }),
      );
  }
}
