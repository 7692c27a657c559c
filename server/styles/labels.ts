/**
 * One label point per area feature of the registry (countries, provinces,
 * communes...): the centre of the largest circle inside the feature's
 * largest part (ST_MaximumInscribedCircle), so that a province of many
 * islands is named once, on its mainland, and never on its edge; a unit
 * known only by its seat is named at the seat. The `labels` layer of the
 * composite tiles (server/tiles/basemap.ts), which the style's `labels:{id}`
 * layers draw, and served whole as GeoJSON (the choropleth legend reads it):
 *
 *   GET /styles/labels.geojson
 *   { "type": "FeatureCollection", "features": [{ "type": "Feature", "id": 7,
 *     "geometry": { "type": "Point", "coordinates": [107.4, 21.3] },
 *     "properties": { "layer": "provinces", "feature_id": 3, "name": "Quảng Ninh", "name_en": "Quảng Ninh",
 *                     "code": "22", "seat": false, "area_km2": 6178 } }, ...] }
 *
 * `name_en` is the English name where the layer has one (countries), else
 * the Vietnamese name, which keeps its diacritics in both languages.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import { layers } from '../layers/index.ts';
import type { LayerDef } from '../layers/types.ts';

/** Area layers named on the map: fills with a label property. */
export function labelledAreas(): LayerDef[] {
  return layers.filter((l) => l.style.kind === 'fill' && l.style.label);
}

/**
 * The zooms each rank of named area is named at (the first ranks are the
 * most important): the map's label layers show them there, and the tiles'
 * `labels` layer carries a point only at these zooms (server/tiles/basemap.ts).
 */
const RANK_ZOOMS: { minzoom: number; maxzoom: number }[] = [
  // Countries: from afar, until provinces and communes take over.
  { minzoom: 0, maxzoom: 9 },
  // Provinces: from the opening view (zoom 5.6) on.
  { minzoom: 5, maxzoom: 24 },
  // Communes and smaller units: once a few of them fill the screen.
  { minzoom: 8, maxzoom: 24 },
];

export interface LabelZooms {
  /** 0 for the most important (countries). */
  rank: number;
  minzoom: number;
  /** Exclusive, as a style layer's maxzoom. */
  maxzoom: number;
}

/** Where each labelled area layer is named, by layer id. */
export function labelZooms(): Map<string, LabelZooms> {
  return new Map(
    labelledAreas().map((l, rank) => {
      const z = RANK_ZOOMS[Math.min(rank, RANK_ZOOMS.length - 1)]!;
      return [l.id, { rank, minzoom: Math.max(z.minzoom, l.minzoom), maxzoom: z.maxzoom }];
    }),
  );
}

/** The label's Vietnamese and English columns: `name_vi` pairs with `name`; a plain `name` is both. */
export function labelColumns(l: LayerDef): { vi: string; en: string } {
  const vi = l.style.label!;
  const en = vi.endsWith('_vi') ? vi.slice(0, -3) : vi;
  return { vi, en: l.properties.some((p) => p.name === en) ? en : vi };
}

interface Row {
  layer: string;
  id: string | number;
  name: string | null;
  name_en: string | null;
  code: string | null;
  x: number;
  y: number;
  seat: boolean;
  area_km2: number | null;
}

function layerSelect(l: LayerDef) {
  const { vi, en } = labelColumns(l);
  const code = l.properties.some((p) => p.name === 'code') ? sql`v.code::text` : sql`NULL::text`;
  return sql<Row>`
    SELECT ${l.id}::text AS layer, v.id, v.${sql.ref(vi)}::text AS name, v.${sql.ref(en)}::text AS name_en,
           ${code} AS code,
           ST_X(p) AS x, ST_Y(p) AS y, NOT area AS seat,
           CASE WHEN area THEN round((ST_Area(v.geom::geography) / 1e6)::numeric, 1)::float8 END AS area_km2
    FROM ${sql.table(l.view)} v
    CROSS JOIN LATERAL (SELECT ST_Dimension(v.geom) = 2 AS area) k
    CROSS JOIN LATERAL (
      SELECT CASE WHEN area THEN (ST_MaximumInscribedCircle(
               -- The largest part, simplified to ~1 km first: the circle's centre
               -- moves by less than that, and a country's outline has thousands of vertices.
               (SELECT ST_SimplifyPreserveTopology(d.geom, 0.01) FROM ST_Dump(v.geom) d
                ORDER BY ST_Area(d.geom) DESC LIMIT 1))).center
             ELSE ST_PointOnSurface(v.geom) END AS p
    ) q
    WHERE v.geom IS NOT NULL AND NOT ST_IsEmpty(v.geom)`;
}

const round = (v: number) => Math.round(v * 1e5) / 1e5;

export interface LabelPoint {
  type: 'Feature';
  id: number;
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: {
    layer: string;
    feature_id: string | number;
    name: string;
    name_en: string;
    code?: string;
    seat: boolean;
    area_km2: number | null;
  };
}

export async function labelPoints(
  db: Kysely<DB>,
): Promise<{ type: 'FeatureCollection'; features: LabelPoint[] }> {
  const features: LabelPoint[] = [];
  for (const l of labelledAreas()) {
    const { rows } = await layerSelect(l).execute(db);
    for (const r of rows) {
      if (!r.name) continue;
      features.push({
        type: 'Feature',
        id: features.length + 1,
        geometry: { type: 'Point', coordinates: [round(r.x), round(r.y)] },
        properties: {
          layer: r.layer,
          feature_id: r.id,
          name: r.name,
          name_en: r.name_en ?? r.name,
          ...(r.code === null ? {} : { code: r.code }),
          seat: r.seat,
          area_km2: r.area_km2,
        },
      });
    }
  }
  return { type: 'FeatureCollection', features };
}
