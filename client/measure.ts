/**
 * Measuring on the map, and bands of N km around any feature.
 *
 * - Distance or area: click points on the map; the line's geodesic length
 *   (km) or the polygon's geodesic area (km² and ha) is shown as you go
 *   (turf: great-circle distances and the spherical area on the WGS84 mean
 *   radius). Clicks measure instead of opening popups while this is on.
 * - Band: pick any feature on the map (a gate, a road, a market, a unit),
 *   choose N km: the band is drawn and the features of the table's layers
 *   (projects, markets, industrial parks, border gates) that pass the
 *   page's filters and lie within N km of it are listed, nearest first.
 *
 * The band is computed here rather than by the server: the server has no
 * primitive for "within N km of this feature" (near-border measures to the
 * border only), the features are already in the browser (selection.ts reads
 * them unclipped from the OGC API), and the distances are those turf gives
 * on the sphere, within about 0.5 % of PostGIS's geography (spheroid).
 */
import turfArea from '@turf/area';
import turfBuffer from '@turf/buffer';
import turfDistance from '@turf/distance';
import turfLength from '@turf/length';
import pointToLineDistance from '@turf/point-to-line-distance';
import pointToPolygonDistance from '@turf/point-to-polygon-distance';
import type { Geometry, Feature as GjFeature, LineString, MultiPolygon, Point, Polygon } from 'geojson';
import type { GeoJSONSource, MapMouseEvent } from 'maplibre-gl';
import { type Feature, feature as fetchFeature } from './api.ts';
import { num } from './format.ts';
import { onLang, t } from './i18n.ts';
import { OVERLAY_LAYER } from './map.ts';
import { pausePopups } from './popup.ts';
import { filteredFeatures, toRows } from './table.ts';
import type { Tool, ToolsContext } from './tools.ts';

const SRC = 'tools:measure';

export function lengthKm(points: readonly [number, number][]): number {
  if (points.length < 2) return 0;
  return turfLength({
    type: 'Feature',
    properties: {},
    geometry: { type: 'LineString', coordinates: [...points] },
  });
}

export function areaM2(points: readonly [number, number][]): number {
  if (points.length < 3) return 0;
  const ring = [...points, points[0]!];
  return turfArea({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } });
}

/** Distance in km from a point to a geometry (0 inside a polygon). */
export function kmTo(pt: [number, number], g: Geometry): number {
  const p: GjFeature<Point> = {
    type: 'Feature',
    properties: {},
    geometry: { type: 'Point', coordinates: pt },
  };
  switch (g.type) {
    case 'Point':
      return turfDistance(p, g.coordinates as [number, number]);
    case 'MultiPoint':
      return Math.min(...g.coordinates.map((c) => turfDistance(p, c as [number, number])));
    case 'LineString':
      return pointToLineDistance(p, g as LineString);
    case 'MultiLineString':
      return Math.min(
        ...g.coordinates.map((c) => pointToLineDistance(p, { type: 'LineString', coordinates: c })),
      );
    case 'Polygon':
    case 'MultiPolygon':
      return Math.max(0, pointToPolygonDistance(p, g as Polygon | MultiPolygon));
    case 'GeometryCollection':
      return Math.min(...g.geometries.map((x) => kmTo(pt, x)));
  }
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: object = {}): HTMLElementTagNameMap[K] =>
  Object.assign(document.createElement(tag), props);

type Mode = 'off' | 'distance' | 'area' | 'pick';

export function mount(body: HTMLElement, ctx: ToolsContext): Tool {
  const { atlas } = ctx;
  const { map } = atlas;
  const dist = el('button', { type: 'button', className: 'measure-distance' });
  const area = el('button', { type: 'button', className: 'measure-area' });
  const clear = el('button', { type: 'button', className: 'measure-clear' });
  const modes = el('div', { className: 'tool-row' });
  modes.append(dist, area, clear);
  const result = el('p', { className: 'measure-result' });
  result.setAttribute('role', 'status');
  const hint = el('p', { className: 'tool-hint' });

  const bandHead = el('h3');
  const pick = el('button', { type: 'button', className: 'band-pick' });
  const kmInput = el('input', {
    type: 'number',
    id: 'band-km',
    min: '0.1',
    max: '500',
    step: 'any',
    value: '10',
  });
  const kmLabel = el('label', { htmlFor: 'band-km' });
  const bandRow = el('div', { className: 'tool-row' });
  bandRow.append(pick, kmLabel, kmInput);
  const bandResult = el('p', { className: 'band-result' });
  bandResult.setAttribute('role', 'status');
  const list = el('ol', { className: 'band-list' });
  body.append(modes, result, hint, bandHead, bandRow, bandResult, list);

  let mode: Mode = 'off';
  let points: [number, number][] = [];
  let picked: { layer: string; id: number | string; name: string; geometry: Geometry } | null = null;

  map.addSource(SRC, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({
    id: `${SRC}:band`,
    type: 'fill',
    source: SRC,
    filter: ['==', ['get', 'role'], 'band'],
    paint: { 'fill-color': '#0b57d0', 'fill-opacity': 0.12, 'fill-outline-color': '#0b57d0' },
  });
  map.addLayer({
    id: `${SRC}:area`,
    type: 'fill',
    source: SRC,
    filter: ['==', ['get', 'role'], 'area'],
    paint: { 'fill-color': '#b3261e', 'fill-opacity': 0.15 },
  });
  map.addLayer({
    id: `${SRC}:line`,
    type: 'line',
    source: SRC,
    filter: ['==', ['get', 'role'], 'line'],
    paint: { 'line-color': '#b3261e', 'line-width': 2.5, 'line-dasharray': [2, 1] },
  });
  map.addLayer({
    id: `${SRC}:points`,
    type: 'circle',
    source: SRC,
    filter: ['==', ['get', 'role'], 'vertex'],
    paint: {
      'circle-radius': 4,
      'circle-color': '#fff',
      'circle-stroke-color': '#b3261e',
      'circle-stroke-width': 2,
    },
  });

  let band: GjFeature | null = null;
  const draw = (): void => {
    const fs: GjFeature[] = points.map((c) => ({
      type: 'Feature',
      properties: { role: 'vertex' },
      geometry: { type: 'Point', coordinates: c },
    }));
    if (points.length >= 2) {
      const coords = mode === 'area' && points.length >= 3 ? [...points, points[0]!] : points;
      fs.push({
        type: 'Feature',
        properties: { role: 'line' },
        geometry: { type: 'LineString', coordinates: coords },
      });
    }
    if (mode === 'area' && points.length >= 3)
      fs.push({
        type: 'Feature',
        properties: { role: 'area' },
        geometry: { type: 'Polygon', coordinates: [[...points, points[0]!]] },
      });
    if (band) fs.push(band);
    (map.getSource(SRC) as GeoJSONSource).setData({ type: 'FeatureCollection', features: fs });
  };

  const texts = (): void => {
    dist.textContent = t('measureDistance');
    area.textContent = t('measureArea');
    clear.textContent = t('measureClear');
    dist.setAttribute('aria-pressed', String(mode === 'distance'));
    area.setAttribute('aria-pressed', String(mode === 'area'));
    hint.textContent =
      mode === 'distance' || mode === 'area' ? t('measureHint') : mode === 'pick' ? t('bandPickHint') : '';
    if (mode === 'distance' || (mode === 'off' && points.length && !areaShown))
      result.textContent = points.length >= 2 ? t('measureKm', { km: num(lengthKm(points), 2) }) : '';
    else if (mode === 'area' || areaShown) {
      const m2 = areaM2(points);
      result.textContent =
        points.length >= 3 ? t('measureAreaValue', { km2: num(m2 / 1e6, 2), ha: num(m2 / 1e4, 1) }) : '';
    }
    result.dataset.km = String(lengthKm(points));
    result.dataset.m2 = String(areaM2(points));
    bandHead.textContent = t('bandTitle');
    pick.textContent = picked ? t('bandPicked', { name: picked.name }) : t('bandPick');
    pick.setAttribute('aria-pressed', String(mode === 'pick'));
    kmLabel.textContent = t('bandKm');
  };
  let areaShown = false;

  const setMode = (m: Mode): void => {
    mode = m;
    pausePopups(m !== 'off');
    if (m === 'off') map.doubleClickZoom.enable();
    else map.doubleClickZoom.disable();
    map.getCanvas().style.cursor = m === 'off' ? '' : 'crosshair';
    texts();
  };

  const listBand = async (): Promise<void> => {
    if (!picked) return;
    const km = Number(kmInput.value);
    if (!Number.isFinite(km) || km <= 0 || km > 500) {
      bandResult.textContent = t('bandBadKm');
      kmInput.setAttribute('aria-invalid', 'true');
      return;
    }
    kmInput.removeAttribute('aria-invalid');
    try {
      band = {
        ...(turfBuffer(picked.geometry, km, { units: 'kilometers', steps: 32 }) as GjFeature),
        properties: { role: 'band' },
      };
    } catch {
      band = null;
    }
    draw();
    const rows = toRows(atlas, await filteredFeatures(atlas));
    const inside = rows
      .filter((r) => !(r.layers.includes(picked!.layer) && String(r.id) === String(picked!.id)))
      .map((r) => {
        const g = r.feature.geometry;
        const pt = g?.type === 'Point' ? (g.coordinates as [number, number]) : null;
        return { r, d: pt ? kmTo(pt, picked!.geometry) : Number.POSITIVE_INFINITY };
      })
      .filter((x) => x.d <= km)
      .sort((a, b) => a.d - b.d);
    bandResult.textContent = t('bandCount', { n: inside.length, km: num(km, 1), name: picked.name });
    list.replaceChildren(
      ...inside.map(({ r, d }) => {
        const li = el('li');
        li.dataset.layer = r.layer;
        li.dataset.id = String(r.id);
        li.dataset.km = String(d);
        li.textContent = `${r.name} · ${r.kind} · ${num(d, 1)} ${t('km')}`;
        return li;
      }),
    );
    body.dataset.band = String(Date.now());
  };

  const onClick = async (e: MapMouseEvent): Promise<void> => {
    if (mode === 'distance' || mode === 'area') {
      points.push([e.lngLat.lng, e.lngLat.lat]);
      draw();
      texts();
      return;
    }
    if (mode !== 'pick') return;
    const layers = [OVERLAY_LAYER, ...[...atlas.roles.values()].flatMap((r) => r.interactive)].filter((l) =>
      map.getLayer(l),
    );
    const top = map.queryRenderedFeatures(e.point, { layers })[0];
    if (!top || Number(top.properties.point_count ?? 1) > 1) return;
    const layer =
      top.layer.id === OVERLAY_LAYER ? String(top.properties._layer) : top.layer.id.split(':')[0]!;
    const id = (top.id ?? top.properties.id) as number | string | undefined;
    if (id === undefined) return;
    setMode('off');
    bandResult.textContent = t('loading');
    const full: Feature = await fetchFeature(layer, id).catch(
      () =>
        ({
          type: 'Feature',
          id,
          properties: top.properties,
          geometry: top.geometry,
        }) as Feature,
    );
    const p = full.properties;
    picked = {
      layer,
      id,
      name: String(p.name ?? p.name_vi ?? p.ref ?? p.name_en ?? `#${id}`),
      geometry: full.geometry as Geometry,
    };
    texts();
    await listBand();
  };
  const handler = (e: MapMouseEvent) => void onClick(e);
  map.on('click', handler);

  dist.addEventListener('click', () => {
    areaShown = false;
    points = [];
    setMode(mode === 'distance' ? 'off' : 'distance');
    draw();
  });
  area.addEventListener('click', () => {
    areaShown = true;
    points = [];
    setMode(mode === 'area' ? 'off' : 'area');
    draw();
  });
  clear.addEventListener('click', () => {
    points = [];
    band = null;
    picked = null;
    list.replaceChildren();
    bandResult.textContent = '';
    setMode('off');
    draw();
  });
  pick.addEventListener('click', () => setMode(mode === 'pick' ? 'off' : 'pick'));
  kmInput.addEventListener('change', () => void listBand());
  onLang(() => {
    texts();
    void listBand();
  });
  texts();
  return {
    hide() {
      setMode('off');
      for (const id of ['band', 'area', 'line', 'points'])
        map.setLayoutProperty(`${SRC}:${id}`, 'visibility', 'none');
    },
    show() {
      for (const id of ['band', 'area', 'line', 'points'])
        map.setLayoutProperty(`${SRC}:${id}`, 'visibility', 'visible');
    },
  };
}
