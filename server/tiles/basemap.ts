/**
 * The basemap's two layers of the composite tiles (`/tiles/all`): `labels`,
 * one point per named area (server/styles/labels.ts), and `rivers`, the
 * basemap's rivers (data/basemap/rivers.geojson, scripts/basemap-rivers.ts).
 * Neither is a registry layer (no collection, no view): they are computed
 * or read once, cut with geojson-vt and encoded with vt-pbf, and their MVT
 * layers are appended to the PostGIS tile's bytes (a tile is a sequence of
 * layer messages). So the one style draws them from the tiles, in MapLibre
 * and in QGIS's vector tile connection, which cannot read a GeoJSON source.
 *
 *   renderTile(db, pool, present, t, (v) => basemap.tile(v, t))
 *     PostGIS bytes ‖ vt-pbf({ labels: cut filtered to the zoom, rivers: cut })
 *
 * Label points are read once per data version (the version the tile
 * statement read, or older data never filed under a newer version: the
 * points are loaded after it); rivers once per process. geojson-vt
 * simplifies the rivers per zoom (to 0.375 of a pixel of a 512-pixel tile,
 * MapLibre's own GeoJSON tolerance) and drops pieces shorter than that.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FeatureCollection } from 'geojson';
import GeoJSONVT, { type LegacyTile } from 'geojson-vt';
import type { Kysely } from 'kysely';
import vtpbf from 'vt-pbf';
import type { DataVersion } from '../db/data-version.ts';
import type { DB } from '../db/types.ts';
import type { LayerProperty } from '../layers/index.ts';
import { projectRoot } from '../prepare.ts';
import { type LabelZooms, labelPoints, labelZooms } from '../styles/labels.ts';
import { BUFFER, EXTENT, PIXELS_PER_TILE } from './generalise.ts';

/**
 * Rivers are simplified to 0.375 of a pixel, as MapLibre's GeoJSON source did
 * when the style read them from rivers.geojson: the map draws them as it did
 * (a pixel, as rule 1 of generalise.ts, moved their bends visibly at zoom 5).
 */
const TOLERANCE = (0.375 * EXTENT) / PIXELS_PER_TILE;

export const riversFile = path.join(projectRoot, 'data', 'basemap', 'rivers.geojson');

/** A basemap layer as TileJSON's `vector_layers` and the OGC tileset metadata declare it. */
export interface BasemapLayer {
  id: 'labels' | 'rivers';
  title: string;
  description: string;
  geometryDimension: 0 | 1;
  minzoom: number;
  maxzoom: number;
  properties: LayerProperty[];
}

/** Deepest zoom of the basemap layers: the composite tileset's (registry maxzooms), so that no zoom lacks them. */
export const BASEMAP_MAXZOOM = 16;

const LABELS: BasemapLayer = {
  id: 'labels',
  title: 'Area names',
  description:
    'One label point per named area (country, province, commune), at the centre of its largest part, or at its seat when only the seat is known. Countries up to zoom 8, provinces from zoom 5, communes from zoom 8.',
  geometryDimension: 0,
  minzoom: 0,
  maxzoom: BASEMAP_MAXZOOM,
  properties: [
    {
      name: 'layer',
      type: 'string',
      description: 'The area layer the point names (countries, provinces, communes)',
    },
    { name: 'feature_id', type: 'integer', description: "The named feature's id in its layer" },
    { name: 'name', type: 'string', description: 'Name (Vietnamese)' },
    {
      name: 'name_en',
      type: 'string',
      description: 'Name in English where the layer has one, else the Vietnamese name',
    },
    { name: 'code', type: 'string', description: 'Administrative code, where the layer has one' },
    {
      name: 'seat',
      type: 'boolean',
      description: 'True when the point is the seat of a unit whose boundary is not known',
    },
    { name: 'area_km2', type: 'number', description: 'Area in km² (absent for a seat)' },
  ],
};

const RIVERS: BasemapLayer = {
  id: 'rivers',
  title: 'Rivers',
  description:
    'Rivers of the basemap (GSHHG/WDBII, LGPL-3), simplified per zoom. level: 1 major, 2 secondary, 3 minor.',
  geometryDimension: 1,
  minzoom: 0,
  maxzoom: BASEMAP_MAXZOOM,
  properties: [{ name: 'level', type: 'integer', description: '1 major, 2 secondary, 3 minor river' }],
};

/** The ids of the basemap's layers, which exist only inside the composite tiles (`all`). */
export const BASEMAP_LAYER_IDS: readonly string[] = [LABELS.id, RIVERS.id];

/** The basemap layers the tiles carry: labels always, rivers when data/basemap has them. */
export function basemapLayers(): BasemapLayer[] {
  return existsSync(riversFile) ? [LABELS, RIVERS] : [LABELS];
}

const cut = (fc: FeatureCollection) =>
  new GeoJSONVT(fc, {
    maxZoom: BASEMAP_MAXZOOM,
    indexMaxZoom: 5,
    extent: EXTENT,
    buffer: BUFFER,
    tolerance: TOLERANCE,
  });

export interface Basemap {
  layers: BasemapLayer[];
  /** The MVT bytes of the basemap layers in tile t at data version v (empty when none is in it). */
  tile(version: number, t: { z: number; x: number; y: number }): Promise<Buffer>;
  /** The label points of data version v (the /styles/labels.geojson answer is read from these). */
  labels(version: number): Promise<FeatureCollection>;
}

export function createBasemap(db: Kysely<DB>, version: DataVersion): Basemap {
  const layers = basemapLayers();
  const rivers = layers.includes(RIVERS)
    ? cut(JSON.parse(readFileSync(riversFile, 'utf8')) as FeatureCollection)
    : undefined;
  const zooms: Map<string, LabelZooms> = labelZooms();
  // The points and index of the versions asked lately (at most two: a tile of the version
  // before may still be rendering when the next one is read); older ones are dropped.
  const byVersion = new Map<number, { points: Promise<FeatureCollection>; index: Promise<GeoJSONVT> }>();
  const at = (v: number) => {
    let entry = byVersion.get(v);
    if (!entry) {
      const points = labelPoints(db) as Promise<FeatureCollection>;
      const made = { points, index: points.then(cut) };
      // A failure (database away) is not remembered.
      points.catch(() => {
        if (byVersion.get(v) === made) byVersion.delete(v);
      });
      byVersion.set(v, made);
      for (const old of byVersion.keys()) if (byVersion.size > 2) byVersion.delete(old);
      entry = made;
    }
    return entry;
  };
  // Made as soon as a version is known (the listener's first read, every edit's notification),
  // not when its first tile has read it: on the benchmark data (3,295 commune polygons) the points
  // and their index take about 1.6 s, which the first tile after every edit waited for in full
  // after its own statement. A failure is left to the tile that asks again.
  version.onChange((now) => {
    for (const v of byVersion.keys()) if (v < now) byVersion.delete(v);
    at(now).index.catch(() => {});
  });
  return {
    layers,
    labels: (v) => at(v).points,
    async tile(v, t) {
      const out: Record<string, LegacyTile> = {};
      const named = (await at(v).index).getTile(t.z, t.x, t.y);
      if (named) {
        // Each rank of area at its own zooms: no commune point in a zoom-6 tile, no country in a zoom-10 one.
        const features = named.features.filter((f) => {
          const r = zooms.get(String(f.tags?.layer));
          return r !== undefined && r.minzoom <= t.z && t.z < r.maxzoom;
        });
        if (features.length > 0) out.labels = { ...named, features };
      }
      const lines = rivers?.getTile(t.z, t.x, t.y);
      if (lines && lines.features.length > 0) out.rivers = lines;
      if (Object.keys(out).length === 0) return Buffer.alloc(0);
      return Buffer.from(vtpbf.fromGeojsonVt(out, { version: 2, extent: EXTENT }));
    },
  };
}
