/**
 * How a layer's features become tile features at a zoom: the SQL for one
 * MVT layer. Three rules keep every tile small without a per-zoom table:
 *
 * 1. Lines and polygons are simplified to about one pixel (a tile is drawn
 *    512 CSS pixels wide by MapLibre), and features whose bounding box is
 *    under a pixel both ways are dropped: they would not be seen.
 * 2. Point layers are clustered below their `tile.clusterBelowZoom`, and at
 *    any zoom below their maxzoom when a tile holds more than
 *    `MAX_POINTS` of them: points are grouped on a grid of 32 × 32 pixel
 *    cells aligned to tiles; each group is one point at its members'
 *    centroid with `point_count` (1 for a lone point, which keeps its
 *    properties; a cluster carries only `point_count`, and the id of its
 *    smallest member).
 * 3. Below their maxzoom, line and polygon layers keep at most `MAX_SHAPES`
 *    features per tile, the largest first (tippecanoe's "drop the smallest
 *    as needed"). At maxzoom nothing is dropped, so overzooming shows all.
 *
 *   tile (extent 4096, buffer 64)       cluster grid: 16 × 16 cells a tile
 *   ┌────────────────┐                  ┌──┬──┬──┬──┐
 *   │  ST_AsMVTGeom  │ ◀─ clip at 64    │3 │  │1 │  │  one point per
 *   │  snaps to 1/4096 units outside    ├──┼──┼──┼──┤  non-empty cell
 *   └────────────────┘                  │  │12│  │  │
 */
import { type RawBuilder, sql } from 'kysely';
import type { LayerDef, LayerProperty } from '../layers/index.ts';
import {
  gridSrid,
  type TileAt,
  tileEnvelope,
  toGrid,
  unitsPerDegree,
  worldEnvelope,
  worldWidth,
} from './grid.ts';

export type { TileAt } from './grid.ts';

export const EXTENT = 4096;
export const BUFFER = 64;
/** CSS pixels across a tile as MapLibre draws it: "a pixel" for simplification. */
export const PIXELS_PER_TILE = 512;
/** Cluster cells across a tile (16 → 32 px cells, close to supercluster's 40 px radius). */
export const CLUSTER_CELLS = 16;
/** Densest a point layer may be in one tile before it is clustered. */
export const MAX_POINTS = 1000;
/** Most features a line or polygon layer keeps in one tile below its maxzoom. */
export const MAX_SHAPES = 2000;

const CASTS: Record<LayerProperty['type'], string> = {
  string: 'text',
  integer: 'bigint',
  number: 'float8',
  boolean: 'boolean',
};

/** Pixel size at zoom z in Mercator metres, or in degrees for a tile of WorldCRS84Quad (server/tiles/grid.ts). */
export function pixelMetres(z: number, t: TileAt = { z, x: 0, y: 0 }): number {
  return worldWidth(t) / 2 ** z / PIXELS_PER_TILE;
}

/** The properties the registry declares, cast to their declared types (numeric would become text in MVT). */
function properties(layer: LayerDef, alias: string, whenSingle?: RawBuilder<unknown>): RawBuilder<unknown>[] {
  return layer.properties.map((p) => {
    const value = sql`${sql.ref(`${alias}.${p.name}`)}::${sql.raw(CASTS[p.type])}`;
    return whenSingle
      ? sql`CASE WHEN ${whenSingle} THEN ${value} END AS ${sql.id(p.name)}`
      : sql`${value} AS ${sql.id(p.name)}`;
  });
}

/**
 * The buffered tile in EPSG:4326, for the index: `geom && this`. The buffer
 * is cut at the world's edges first: a tile of the first or last column
 * buffered past ±180° came back from ST_Transform wrapped to the other side
 * (z1 x=1 gave -177°…-3°, z2 x=3 gave -179°…89°), so the index missed every
 * feature in it (Vietnam was empty at zooms 1 and 2).
 */
function area(t: TileAt, margin: number): RawBuilder<unknown> {
  const cut = sql`ST_ClipByBox2D(${tileEnvelope(t, margin)}, ${worldEnvelope(t)})`;
  return gridSrid(t) === 4326 ? cut : sql`ST_Transform(${cut}, 4326)`;
}

function mvtGeom(geom: RawBuilder<unknown>, t: TileAt): RawBuilder<unknown> {
  return sql`ST_AsMVTGeom(${geom}, ${tileEnvelope(t)}, ${EXTENT}, ${BUFFER}, true)`;
}

/** `ST_AsMVT(...)` of one layer: a bytea, empty when the tile has none of it. */
export function layerMvt(layer: LayerDef, t: TileAt): RawBuilder<unknown> {
  const rows = layer.geometryType === 'Point' ? pointRows(layer, t) : shapeRows(layer, t);
  return sql`COALESCE((SELECT ST_AsMVT(f, ${layer.id}, ${EXTENT}, 'geom', 'id') FROM (${rows}) f WHERE f.geom IS NOT NULL), ''::bytea)`;
}

/**
 * Rules 1 and 3: simplified, sub-pixel features dropped, the largest kept.
 * The size is the longer side of the feature's bounding box in degrees, read
 * from the box stored with the geometry (no vertex is touched), once a row.
 */
function shapeRows(layer: LayerDef, t: TileAt): RawBuilder<unknown> {
  const view = sql.table(layer.view);
  const buffered = area(t, BUFFER / EXTENT);
  const props = sql.join(properties(layer, 'v'));
  if (!layer.tile.simplify) {
    return sql`SELECT v.id::bigint AS id, ${mvtGeom(toGrid(sql`v.geom`, t), t)} AS geom, ${props}
      FROM ${view} v WHERE v.geom && ${buffered}`;
  }
  const px = pixelMetres(t.z, t);
  // Mercator stretches latitude, so a degree of latitude is at least as long
  // as this: "under a pixel" errs towards keeping.
  const pxDegrees = px / unitsPerDegree(t);
  // Layers of mixed geometry (communes: a boundary, or a seat point when no
  // boundary is known) keep their points: a point has no size.
  const small =
    layer.geometryType === 'Geometry'
      ? sql`(s.size >= ${pxDegrees}::float8 OR GeometryType(v.geom) = 'POINT')`
      : sql`s.size >= ${pxDegrees}::float8`;
  const cap = t.z < layer.maxzoom ? sql`ORDER BY s.size DESC, v.id LIMIT ${MAX_SHAPES}` : sql``;
  // A shape more than twice the tile's size (a country has 29,000 vertices)
  // is cut to the buffered tile first, in degrees: one cheap pass, after
  // which only the part in the tile is projected and simplified. (Cutting
  // shapes barely larger than the tile cost more than it saved, measured on
  // the benchmark data.)
  const tileDegrees = (2 * 360) / 2 ** t.z;
  const clipped = sql`CASE WHEN s.size > ${tileDegrees}::float8 THEN ST_ClipByBox2D(v.geom, box2d(${buffered})) ELSE v.geom END`;
  return sql`SELECT v.id::bigint AS id,
      ${mvtGeom(sql`ST_Simplify(${toGrid(clipped, t)}, ${px}::float8)`, t)} AS geom,
      ${props}
    FROM ${view} v
    CROSS JOIN LATERAL (SELECT greatest(ST_XMax(b) - ST_XMin(b), ST_YMax(b) - ST_YMin(b)) AS size FROM box2d(v.geom) b) s
    WHERE v.geom && ${buffered} AND ${small}
    ${cap}`;
}

/**
 * Rule 2: every point with point_count 1, or clusters when the layer is
 * dense here (always below `clusterBelowZoom`; above it, when the tile holds
 * more than MAX_POINTS). Cells lie whole inside one tile, so only points of
 * this tile (not of its buffer) are grouped: a cell cut by the buffer edge
 * would count part of its points.
 *
 *   WITH pts AS MATERIALIZED (SELECT id, geom in 3857[, properties] FROM view WHERE in buffered tile)
 *   SELECT each point FROM pts WHERE NOT dense
 *   UNION ALL
 *   SELECT one point per grid cell FROM pts WHERE dense   -- dense: count(pts) > MAX_POINTS
 */
function pointRows(layer: LayerDef, t: TileAt): RawBuilder<unknown> {
  const view = sql.table(layer.view);
  const buffered = area(t, BUFFER / EXTENT);
  const names = sql.join(layer.properties.map((p) => sql.ref(`p.${p.name}`)));
  const withProps = sql`SELECT v.id::bigint AS id, ${toGrid(sql`v.geom`, t)} AS g, ${sql.join(properties(layer, 'v'))}
    FROM ${view} v WHERE v.geom && ${buffered}`;
  const single = sql`SELECT p.id, ${mvtGeom(sql`p.g`, t)} AS geom, 1::bigint AS point_count, ${names} FROM pts p`;
  if (t.z >= layer.maxzoom) return sql`WITH pts AS (${withProps}) ${single}`;

  const cell = worldWidth(t) / 2 ** t.z / CLUSTER_CELLS;
  const grouped = sql`SELECT min(p.id) AS id, count(*) AS n,
        ST_SetSRID(ST_MakePoint(avg(ST_X(p.g)), avg(ST_Y(p.g))), ${sql.raw(String(gridSrid(t)))}) AS g
      FROM pts p WHERE p.g && ${tileEnvelope(t)}
      GROUP BY floor(ST_X(p.g) / ${cell}::float8), floor(ST_Y(p.g) / ${cell}::float8)`;

  if (layer.tile.clusterBelowZoom !== undefined && t.z < layer.tile.clusterBelowZoom) {
    // Mostly clusters: read only ids and points, and the properties of lone
    // points one by one (the view may be a join; reading it whole costs more).
    return sql`WITH pts AS MATERIALIZED (
        SELECT v.id::bigint AS id, ${toGrid(sql`v.geom`, t)} AS g FROM ${view} v WHERE v.geom && ${area(t, 0)})
      SELECT c.id, ${mvtGeom(sql`c.g`, t)} AS geom, c.n AS point_count, ${sql.join(layer.properties.map((p) => sql.ref(`s.${p.name}`)))}
      FROM (${grouped}) c
      LEFT JOIN LATERAL (SELECT ${sql.join(properties(layer, 'v'))} FROM ${view} v WHERE c.n = 1 AND v.id = c.id) s ON true`;
  }
  const clusters = sql`SELECT c.id, ${mvtGeom(sql`c.g`, t)} AS geom, c.n AS point_count,
      ${sql.join(layer.properties.map((p) => sql`CASE WHEN c.n = 1 THEN ${sql.ref(`p.${p.name}`)} END AS ${sql.id(p.name)}`))}
    FROM (${grouped}) c LEFT JOIN pts p ON c.n = 1 AND p.id = c.id`;
  const dense = sql`(SELECT count(*) > ${MAX_POINTS} FROM pts)`;
  return sql`WITH pts AS MATERIALIZED (${withProps})
    ${single} WHERE NOT ${dense}
    UNION ALL
    SELECT * FROM (${clusters}) k WHERE ${dense}`;
}
