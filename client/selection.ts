/**
 * "The current selection": the features of the visible investment layers
 * (those with a `category`) that pass the filters, and, while the border
 * slider is on, lie within its distance. Export writes it; while points are
 * grouped into clusters (which cannot be filtered) it is drawn in their place.
 *
 * Features come unclipped from the OGC API (one request per layer, cached).
 */
import type { GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import { allItems, type Feature } from './api.ts';
import { appliesTo, isActive, matches } from './filters.ts';
import { type Atlas, OVERLAY_LAYER } from './map.ts';
import { isCluster, SOURCE } from './map-style.ts';
import type { Filters } from './url-state.ts';

const cache = new Map<string, Promise<{ features: Feature[]; complete: boolean }>>();

export function items(layer: string): Promise<{ features: Feature[]; complete: boolean }> {
  let p = cache.get(layer);
  if (!p) {
    p = allItems(layer);
    p.catch(() => cache.delete(layer));
    cache.set(layer, p);
  }
  return p;
}

/** Forgets the features read so far (after an edit: the next selection reads them again). */
export function forgetItems(): void {
  cache.clear();
}

export interface Selection {
  layer: string;
  features: Feature[];
  /** False when the layer had more features than a browser is asked to hold. */
  complete: boolean;
}

/** Layers a selection is made of: visible, with a category (the investment kinds). */
export function selectable(atlas: Atlas): string[] {
  return atlas.collections
    .map((c) => c.id)
    .filter((id) => atlas.isVisible(id) && atlas.fields.get(id)?.has('category'));
}

export async function select(
  atlas: Atlas,
  filters: Filters,
  near: ReadonlyMap<string, number> | null,
  layers = selectable(atlas),
): Promise<Selection[]> {
  return Promise.all(
    layers.map(async (layer) => {
      const { features, complete } = await items(layer);
      const fields = atlas.fields.get(layer) ?? new Set<string>();
      const kept = features
        .filter((f) => matches(filters, f.properties, fields))
        .filter((f) => !near || near.has(String(f.id)))
        .map((f) =>
          near ? { ...f, properties: { ...f.properties, distance_km: near.get(String(f.id)) } } : f,
        );
      return { layer, features: kept, complete };
    }),
  );
}

/** True when the loaded tiles of `layer` hold clusters at the current zoom. */
function clustered(map: MlMap, layer: string): boolean {
  return map.querySourceFeatures(SOURCE, { sourceLayer: layer, filter: isCluster }).length > 0;
}

export const OVERLAY = 'selection';

/**
 * Keeps the overlay in step: filtered points of the layers whose tiles are
 * clustered at this zoom, coloured as their layer colours them.
 */
export function selectionOverlay(atlas: Atlas): { update(f: Filters): Promise<void> } {
  const { map } = atlas;
  map.addSource(OVERLAY, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({
    id: OVERLAY_LAYER,
    type: 'circle',
    source: OVERLAY,
    paint: {
      'circle-color': ['to-color', ['get', '_color']],
      'circle-radius': 6,
      'circle-stroke-color': '#fff',
      'circle-stroke-width': 1.5,
    },
  });
  let seq = 0;
  return {
    async update(filters) {
      const mine = ++seq;
      // Tests and scripts wait for this before counting what the map shows.
      document.body.dataset.selection = 'loading';
      try {
        await draw(filters, mine);
      } finally {
        if (mine === seq) document.body.dataset.selection = 'ready';
      }
    },
  };
  async function draw(filters: Filters, mine: number): Promise<void> {
    const layers = isActive(filters)
      ? selectable(atlas).filter(
          (l) => appliesTo(filters, atlas.fields.get(l) ?? new Set()) && clustered(map, l),
        )
      : [];
    const chosen = layers.length ? await select(atlas, filters, null, layers) : [];
    if (mine !== seq) return;
    const features = chosen.flatMap((s) => {
      const style = atlas.collections.find((c) => c.id === s.layer)?.style;
      return s.features.map((f) => {
        const by = style?.colorBy;
        const color = by?.colors[String(f.properties[by.property])] || style?.color || '#555';
        return { ...f, properties: { ...f.properties, _layer: s.layer, _color: color } };
      });
    });
    (map.getSource(OVERLAY) as GeoJSONSource).setData({ type: 'FeatureCollection', features } as never);
  }
}
