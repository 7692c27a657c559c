/**
 * OGC API - Tiles 1.0 (OGC 20-057) under /ogc, over the same tiles as
 * /tiles/{layers}/{z}/{x}/{y}.mvt: one tile matrix set (WebMercatorQuad),
 * vector tiles in MVT, per collection (each registry layer, and `all`) and
 * for the dataset. A tile is served by route.ts's answerTile, so the bytes,
 * the cache entry, the ETag and the headers are the ones /tiles gives.
 *
 *   GET /ogc/tileMatrixSets                                   the tile matrix sets
 *   GET /ogc/tileMatrixSets/WebMercatorQuad                   its definition (TMS 2.0 JSON)
 *   GET /ogc/tiles                                            tilesets of the dataset (all layers)
 *   GET /ogc/tiles/WebMercatorQuad                            tileset metadata, with the tile URL template
 *   GET /ogc/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}
 *   GET /ogc/collections/{id}/tiles[/WebMercatorQuad[/{tileMatrix}/{tileRow}/{tileCol}]]
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
import { CRS_3857, mercator, TMS_ID, TMS_URI, tileAt, webMercatorQuad } from './ogc-tms.ts';
import type { LayerSet } from './params.ts';
import { MVT_TYPE } from './respond.ts';
import { answerTile, extents } from './route.ts';
import type { TileState } from './state.ts';
import type { Bounds } from './tilejson.ts';

const MAX_LAT = 85.0511287798066;

/** To the centimetre, outwards (the box still holds the data). */
const down = (v: number) => Math.floor(v * 100) / 100;
const up = (v: number) => Math.ceil(v * 100) / 100;

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

function tilesetSummary(root: string, set: LayerSet, tmsHref: string) {
  return {
    title: titleOf(set),
    dataType: 'vector',
    crs: CRS_3857,
    tileMatrixSetURI: TMS_URI,
    links: [
      link(`${root}/${TMS_ID}`, 'self', MEDIA.json, `${titleOf(set)} in ${TMS_ID}`),
      link(tmsHref, REL.tilingScheme, MEDIA.json, `Definition of ${TMS_ID}`),
    ],
  };
}

function tilesetsList(req: Request, id: string | undefined, set: LayerSet) {
  const root = tilesRoot(req, id);
  const tmsHref = `${apiRoot(req)}/tileMatrixSets/${TMS_ID}`;
  return {
    links: [link(root, 'self', MEDIA.json, `Tilesets of ${titleOf(set)}`)],
    tilesets: [tilesetSummary(root, set, tmsHref)],
  };
}

async function tileset(state: TileState, req: Request, id: string | undefined, set: LayerSet) {
  const root = tilesRoot(req, id);
  const bounds = unionBounds(await extents(state, set.layers));
  const minzoom = Math.min(...set.layers.map((l) => l.minzoom));
  const maxzoom = Math.max(...set.layers.map((l) => l.maxzoom));
  const limits = [];
  for (let z = minzoom; z <= maxzoom; z++) {
    const nw = tileAt(bounds[0], bounds[3], z);
    const se = tileAt(bounds[2], bounds[1], z);
    limits.push({
      tileMatrix: String(z),
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
    crs: CRS_3857,
    tileMatrixSetURI: TMS_URI,
    tileMatrixSetLimits: limits,
    // In the CRS of the tile matrix set (TMS 2.0, 2DBoundingBox), as the limits above are:
    // a client places it on the matrices without reprojecting.
    boundingBox: {
      lowerLeft: mercator(bounds[0], bounds[1]).map(down),
      upperRight: mercator(bounds[2], bounds[3]).map(up),
      crs: CRS_3857,
      orderedAxes: ['X', 'Y'],
    },
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
        minTileMatrix: String(l.minzoom),
        maxTileMatrix: String(l.maxzoom),
        propertiesSchema: {
          type: 'object',
          properties: Object.fromEntries(l.properties.map((p) => [p.name, propertySchema(p)])),
        },
      })),
      // The dataset's tiles also carry the basemap's layers (server/tiles/basemap.ts), which are no collection.
      ...(set.basemap
        ? basemapLayers().map((l) => ({
            id: l.id,
            title: l.title,
            description: l.description,
            dataType: 'vector',
            geometryDimension: l.geometryDimension,
            minTileMatrix: String(l.minzoom),
            maxTileMatrix: String(l.maxzoom),
            propertiesSchema: {
              type: 'object',
              properties: Object.fromEntries(l.properties.map((p) => [p.name, propertySchema(p)])),
            },
          }))
        : []),
    ],
    links: [
      link(`${root}/${TMS_ID}`, 'self', MEDIA.json, 'This tileset'),
      link(
        `${apiRoot(req)}/tileMatrixSets/${TMS_ID}`,
        REL.tilingScheme,
        MEDIA.json,
        `Definition of ${TMS_ID}`,
      ),
      {
        ...link(
          `${root}/${TMS_ID}/{tileMatrix}/{tileRow}/{tileCol}`,
          'item',
          MVT_TYPE,
          'Tiles (Mapbox Vector Tile); empty tiles are answered 204',
        ),
        templated: true,
      },
      link(
        `${siteRoot(req)}/tiles/${set.key}.json`,
        'describedby',
        MEDIA.json,
        'The same tiles as TileJSON 3.0.0',
      ),
    ],
  };
}

export function ogcTilesRouter(state: TileState): Router {
  const r = Router();

  r.get('/ogc/tileMatrixSets', (req, res) => {
    onlyJson(req.query);
    const href = `${apiRoot(req)}/tileMatrixSets/${TMS_ID}`;
    sendJson(res, {
      links: [link(`${apiRoot(req)}/tileMatrixSets`, 'self', MEDIA.json, 'Tile matrix sets')],
      tileMatrixSets: [
        {
          id: TMS_ID,
          title: 'Google Maps Compatible for the World',
          uri: TMS_URI,
          crs: CRS_3857,
          links: [link(href, 'self', MEDIA.json, TMS_ID), link(href, REL.tilingScheme, MEDIA.json, TMS_ID)],
        },
      ],
    });
  });

  r.get('/ogc/tileMatrixSets/:tileMatrixSetId', (req, res) => {
    onlyJson(req.query);
    tileMatrixSet(req.params.tileMatrixSetId);
    sendJson(res, webMercatorQuad(`${apiRoot(req)}/tileMatrixSets/${TMS_ID}`));
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
      tileMatrixSet(String(req.params.tileMatrixSetId));
      res.setHeader('Cache-Control', state.cacheControl);
      sendJson(res, await tileset(state, req, id, layers));
    });
    r.get(`${path}/:tileMatrixSetId/:tileMatrix/:tileRow/:tileCol`, async (req, res) => {
      readParams(tileQuery, req.query as Input);
      const [, layers] = set(req);
      tileMatrixSet(String(req.params.tileMatrixSetId));
      const at = ogcTile(req.params as { tileMatrix: string; tileRow: string; tileCol: string });
      await answerTile(state, req, res, { ...layers, ...at });
    });
  }
  return r;
}
