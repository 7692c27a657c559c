/**
 * The band within X km of the land border, drawn as a wide line along the
 * border segments whose width in pixels is 2·X km at every zoom.
 *
 * In Web Mercator a metre spans 2^z times more pixels at zoom z than at zoom
 * 0, so an exponential (base 2) interpolation over zoom is exact; the metres
 * per pixel at zoom 0 depend on latitude (cos φ), so each segment carries
 * its own, computed from its mean latitude (8.5°N to 23.4°N: 7% apart).
 *
 *   width(z) = 2 · X · 1000 / mpp0(φ) · 2^z      mpp0(φ) = 40 075 016.7 · cos φ / 512
 *
 * Tiles clip what they draw to their own square. The border comes in a
 * GeoJSON source cut at zoom 5 and over-zoomed above, whose tiles (about
 * 700 km across) with a one-tile buffer hold every segment within reach of a
 * 100 km band: no seams at tile edges.
 */
import type { ExpressionSpecification, GeoJSONSource } from 'maplibre-gl';
import type { Feature } from './api.ts';
import type { Atlas } from './map.ts';
import { items } from './selection.ts';

export const BAND = 'border-band';
const EQUATOR_M = 40_075_016.686;

function meanLat(f: Feature): number {
  const coords = (f.geometry?.coordinates ?? []) as number[][] | number[][][];
  const flat = (Array.isArray(coords[0]?.[0]) ? (coords as number[][][]).flat() : coords) as number[][];
  return flat.reduce((s, c) => s + (c[1] ?? 0), 0) / Math.max(1, flat.length);
}

export function bandWidth(km: number): ExpressionSpecification {
  const at0: ExpressionSpecification = ['/', 2000 * km, ['get', '_mpp0']];
  return ['interpolate', ['exponential', 2], ['zoom'], 0, at0, 24, ['*', at0, 2 ** 24]];
}

export function borderBand(atlas: Atlas): { show(km: number | null): Promise<void> } {
  const { map } = atlas;
  let loaded = false;
  // Opaque, just above the land and under everything else: translucent
  // segments would darken where they overlap.
  const land = atlas.collections.find((c) => c.style?.kind === 'fill');
  const before = land ? `${land.id}:outline` : undefined;
  map.addSource(BAND, {
    type: 'geojson',
    data: { type: 'FeatureCollection', features: [] },
    maxzoom: 5,
    buffer: 512,
    tolerance: 0.2,
  });
  map.addLayer(
    {
      id: BAND,
      type: 'line',
      source: BAND,
      layout: { 'line-cap': 'round', 'line-join': 'round', visibility: 'none' },
      paint: { 'line-color': '#f6cdb8', 'line-width': bandWidth(0) },
    },
    before && map.getLayer(before) ? before : undefined,
  );
  return {
    async show(km) {
      if (km === null) {
        map.setLayoutProperty(BAND, 'visibility', 'none');
        return;
      }
      if (!loaded) {
        const { features } = await items('border-segments');
        const withScale = features.map((f) => ({
          ...f,
          properties: { _mpp0: (EQUATOR_M * Math.cos((meanLat(f) * Math.PI) / 180)) / 512 },
        }));
        (map.getSource(BAND) as GeoJSONSource).setData({
          type: 'FeatureCollection',
          features: withScale,
        } as never);
        loaded = true;
      }
      map.setPaintProperty(BAND, 'line-width', bandWidth(km));
      map.setLayoutProperty(BAND, 'visibility', 'visible');
    },
  };
}
