/**
 * OGC API - Tiles 1.0 (OGC 20-057) under /ogc: vector tiles in MVT, per
 * collection (each registry layer, and `all`) and for the dataset, in two
 * tile matrix sets (server/tiles/ogc-tms.ts):
 * - WebMercatorQuad, the tiles of /tiles/{layers}/{z}/{x}/{y}.mvt: the same
 *   bytes, cache entry, ETag and headers;
 * - WorldCRS84Quad, the same features cut on the longitude/latitude grid
 *   (server/tiles/grid.ts), which is what GDAL's OGCAPI driver needs to
 *   read every zoom with no option; cached apart from the other set's.
 * Both are served by route.ts's answerTile.
 *
 *   GET /ogc/tileMatrixSets                                   the tile matrix sets
 *   GET /ogc/tileMatrixSets/{tms}                             a definition (TMS 2.0 JSON)
 *   GET /ogc/tiles                                            tilesets of the dataset (all layers)
 *   GET /ogc/tiles/{tms}                                      tileset metadata, with the tile URL template
 *   GET /ogc/tiles/{tms}/{tileMatrix}/{tileRow}/{tileCol}
 *   GET /ogc/collections/{id}/tiles[/{tms}[/{tileMatrix}/{tileRow}/{tileCol}]]
 *
 * The landing page and each collection link here (server/tiles/ogc-links.ts).
 */
import { type Request, Router } from 'express';
import { apiRoot, link, MEDIA, siteRoot } from '../features/links.ts';
import { propertySchema } from '../features/property-schema.ts';
import { sendJson } from '../features/respond.ts';
import type { Input } from '../http/params.ts';
import { onlyJson, readParams } from '../http/params.ts';
import type { LayerDef } from '../layers/index.ts';
import { basemapLayers } from './basemap.ts';
import { REL } from './ogc-links.ts';
import { ALL_ID, ogcTile, tileCollection, tileMatrixSet, tileQuery } from './ogc-params.ts';
import { TILE_MATRIX_SETS, type TileMatrixSetDef, tileMatrixSetDocument } from './ogc-tms.ts';
import type { LayerSet } from './params.ts';
import { MVT_TYPE } from './respond.ts';
import { answerTile, extents } from './route.ts';
import type { TileState } from './state.ts';
import type { Bounds } from './tilejson.ts';

const MAX_LAT = 85.0511287798066;

const GEOMETRY_DIMENSION: Record<LayerDef['geometryType'], number | undefined> = {
  Point: 0,
  LineString: 1,
  MultiPolygon: 2,
  Geometry: undefined,
};

/** Where the tiles of a collection (or, for `dataset`, of the whole dataset) live. */
function tilesRoot(req: Request, id: string | undefined): string {
  return id === undefined ? `${apiRoot(req)}/tiles` : `${apiRoot(req)}/collections/${id}/tiles`;
}

function titleOf(set: LayerSet): string {
  return set.key === ALL_ID ? 'Border Atlas: every layer' : `Border Atlas: ${set.layers[0]!.title}`;
}

/** One bounding box for the set's layers; the world when none has a feature. */
function unionBounds(boxes: readonly (Bounds | undefined)[]): Bounds {
  const present = boxes.filter((b): b is Bounds => b !== undefined);
  if (present.length === 0) return [-180, -MAX_LAT, 180, MAX_LAT];
  return [
    Math.max(-180, Math.min(...present.map((b) => b[0]))),
    Math.max(-MAX_LAT, Math.min(...present.map((b) => b[1]))),
    Math.min(180, Math.max(...present.map((b) => b[2]))),
    Math.min(MAX_LAT, Math.max(...present.map((b) => b[3]))),
  ];
}

const tmsHref = (req: Request, tms: TileMatrixSetDef) => `${apiRoot(req)}/tileMatrixSets/${tms.id}`;

function tilesetSummary(req: Request, root: string, set: LayerSet, tms: TileMatrixSetDef) {
  return {
    title: titleOf(set),
    dataType: 'vector',
    crs: tms.crs,
    tileMatrixSetURI: tms.uri,
    links: [
      link(`${root}/${tms.id}`, 'self', MEDIA.json, `${titleOf(set)} in ${tms.id}`),
      link(tmsHref(req, tms), REL.tilingScheme, MEDIA.json, `Definition of ${tms.id}`),
    ],
  };
}

/** WebMercatorQuad first (the /tiles grid, for MapLibre and the like); GDAL picks WorldCRS84Quad itself. */
function tilesetsList(req: Request, id: string | undefined, set: LayerSet) {
  const root = tilesRoot(req, id);
  return {
    links: [link(root, 'self', MEDIA.json, `Tilesets of ${titleOf(set)}`)],
    tilesets: TILE_MATRIX_SETS.map((tms) => tilesetSummary(req, root, set, tms)),
  };
}

async function tileset(
  state: TileState,
  req: Request,
  id: string | undefined,
  set: LayerSet,
  tms: TileMatrixSetDef,
) {
  const root = tilesRoot(req, id);
  const bounds = unionBounds(await extents(state, set.layers));
  // Layer zooms are /tiles zooms; a set's matrix of the same scale stands for each.
  const matrixOf = (l: LayerDef, zoom: 'minzoom' | 'maxzoom') => tms.matrixOfZoom(l[zoom]);
  const minMatrix = Math.min(...set.layers.map((l) => matrixOf(l, 'minzoom')));
  const maxMatrix = Math.max(...set.layers.map((l) => matrixOf(l, 'maxzoom')));
  const limits = [];
  for (let m = minMatrix; m <= maxMatrix; m++) {
    const nw = tms.tileAt(bounds[0], bounds[3], m);
    const se = tms.tileAt(bounds[2], bounds[1], m);
    limits.push({
      tileMatrix: String(m),
      minTileRow: nw.row,
      maxTileRow: se.row,
      minTileCol: nw.col,
      maxTileCol: se.col,
    });
  }
  const attribution = [...new Set(set.layers.map((l) => l.attribution).filter(Boolean))].join('; ');
  return {
    title: titleOf(set),
    description:
      set.layers.length === 1
        ? set.layers[0]!.description
        : "Vector tiles of every layer of Vietnam's border, mountain and island areas, one MVT layer each.",
    dataType: 'vector',
    crs: tms.crs,
    tileMatrixSetURI: tms.uri,
    tileMatrixSetLimits: limits,
    // In the CRS of the tile matrix set (TMS 2.0, 2DBoundingBox), as the limits above are:
    // a client places it on the matrices without reprojecting.
    boundingBox: { ...tms.box(bounds), crs: tms.crs, orderedAxes: tms.orderedAxes },
    ...(attribution ? { attribution } : {}),
    layers: [
      ...set.layers.map((l) => ({
        id: l.id,
        title: l.title,
        description: l.description,
        dataType: 'vector',
        ...(GEOMETRY_DIMENSION[l.geometryType] === undefined
          ? {}
          : { geometryDimension: GEOMETRY_DIMENSION[l.geometryType] }),
        minTileMatrix: String(matrixOf(l, 'minzoom')),
        maxTileMatrix: String(matrixOf(l, 'maxzoom')),
        propertiesSchema: {
          type: 'object',
          properties: Object.fromEntries(l.properties.map((p) => [p.name, propertySchema(p)])),
        },
      })),
      // The dataset's tiles also carry the basemap's layers (server/tiles/basemap.ts), which are no
      // collection; they are cut on Web Mercator only (geojson-vt), so WorldCRS84Quad tiles have none.
      ...(set.basemap && tms.id === 'WebMercatorQuad'
        ? basemapLayers().map((l) => ({
            id: l.id,
            title: l.title,
            description: l.description,
            dataType: 'vector',
            geometryDimension: l.geometryDimension,
            minTileMatrix: String(tms.matrixOfZoom(l.minzoom)),
            maxTileMatrix: String(tms.matrixOfZoom(l.maxzoom)),
            propertiesSchema: {
              type: 'object',
              properties: Object.fromEntries(l.properties.map((p) => [p.name, propertySchema(p)])),
            },
          }))
        : []),
    ],
    links: [
      link(`${root}/${tms.id}`, 'self', MEDIA.json, 'This tileset'),
      link(tmsHref(req, tms), REL.tilingScheme, MEDIA.json, `Definition of ${tms.id}`),
      {
        ...link(
          `${root}/${tms.id}/{tileMatrix}/{tileRow}/{tileCol}`,
          'item',
          MVT_TYPE,
          'Tiles (Mapbox Vector Tile); empty tiles are answered 204',
        ),
        templated: true,
      },
      ...(tms.id === 'WebMercatorQuad'
        ? [
            link(
              `${siteRoot(req)}/tiles/${set.key}.json`,
              'describedby',
              MEDIA.json,
              'The same tiles as TileJSON 3.0.0',
            ),
          ]
        : []),
    ],
  };
}

export function ogcTilesRouter(state: TileState): Router {
  const r = Router();

  r.get('/ogc/tileMatrixSets', (req, res) => {
    onlyJson(req.query);
    sendJson(res, {
      links: [link(`${apiRoot(req)}/tileMatrixSets`, 'self', MEDIA.json, 'Tile matrix sets')],
      tileMatrixSets: TILE_MATRIX_SETS.map((tms) => {
        const href = tmsHref(req, tms);
        return {
          id: tms.id,
          title: tms.title,
          uri: tms.uri,
          crs: tms.crs,
          links: [link(href, 'self', MEDIA.json, tms.id), link(href, REL.tilingScheme, MEDIA.json, tms.id)],
        };
      }),
    });
  });

  r.get('/ogc/tileMatrixSets/:tileMatrixSetId', (req, res) => {
    onlyJson(req.query);
    const tms = tileMatrixSet(req.params.tileMatrixSetId);
    sendJson(res, tileMatrixSetDocument(tms, tmsHref(req, tms)));
  });

  // The dataset's tiles (every layer) and each collection's, with the same handlers.
  const prefixes: { path: string; set: (req: Request) => [string | undefined, LayerSet] }[] = [
    { path: '/ogc/tiles', set: () => [undefined, tileCollection(ALL_ID)] },
    {
      path: '/ogc/collections/:collectionId/tiles',
      set: (req) => [String(req.params.collectionId), tileCollection(String(req.params.collectionId))],
    },
  ];
  for (const { path, set } of prefixes) {
    r.get(path, (req, res) => {
      onlyJson(req.query);
      const [id, layers] = set(req);
      sendJson(res, tilesetsList(req, id, layers));
    });
    r.get(`${path}/:tileMatrixSetId`, async (req, res) => {
      onlyJson(req.query);
      const [id, layers] = set(req);
      const tms = tileMatrixSet(String(req.params.tileMatrixSetId));
      res.setHeader('Cache-Control', state.cacheControl);
      sendJson(res, await tileset(state, req, id, layers, tms));
    });
    r.get(`${path}/:tileMatrixSetId/:tileMatrix/:tileRow/:tileCol`, async (req, res) => {
      readParams(tileQuery, req.query as Input);
      const [, layers] = set(req);
      const tms = tileMatrixSet(String(req.params.tileMatrixSetId));
      const at = ogcTile(req.params as { tileMatrix: string; tileRow: string; tileCol: string }, tms);
      await answerTile(state, req, res, { ...layers, ...at });
    });
  }
  return r;
}
