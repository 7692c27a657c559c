/**
 * GET /ogc/collections and /ogc/collections/{id}: one collection per layer
 * of the registry. Besides the standard members (id, title, description,
 * itemType, extent, crs, storageCrs, links), each carries the registry's
 * hints for our own map client as foreign members: title_vi, style,
 * minzoom/maxzoom, attribution and `properties` (each as in the queryables:
 * type, enum, and the titles and value labels in Vietnamese and English), so
 * the client keeps no layer list, value list or label of its own.
 */
import type { Request, RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import type { DataVersion } from '../db/data-version.ts';
import type { DB } from '../db/types.ts';
import { onlyJson } from '../http/params.ts';
import { type LayerDef, layers } from '../layers/index.ts';
import { collectionTileLinks } from '../tiles/ogc-links.ts';
import { CRS84, SUPPORTED_CRS } from './crs.ts';
import { type ExtentReader, extentReader } from './extent.ts';
import { findLayer } from './find-layer.ts';
import { apiRoot, link, MEDIA, siteRoot } from './links.ts';
import { propertySchema } from './property-schema.ts';
import { sendJson } from './respond.ts';

export async function collectionDoc(req: Request, layer: LayerDef, extent: ExtentReader, version: number) {
  const root = apiRoot(req);
  const self = `${root}/collections/${layer.id}`;
  return {
    id: layer.id,
    title: layer.title,
    description: layer.description,
    itemType: 'feature',
    extent: await extent(layer, version),
    crs: [...SUPPORTED_CRS],
    storageCrs: CRS84,
    links: [
      link(self, 'self', MEDIA.json, 'This collection'),
      link(`${self}/items`, 'items', MEDIA.geojson, `${layer.title} (GeoJSON)`),
      link(`${self}/items?f=csv`, 'items', MEDIA.csv, `${layer.title} attribute table (CSV)`),
      link(
        `${self}/queryables`,
        'http://www.opengis.net/def/rel/ogc/1.0/queryables',
        MEDIA.schema,
        'Queryables',
      ),
      link(`${self}/queryables`, 'queryables', MEDIA.schema, 'Queryables'),
      link(`${self}/schema`, 'describedby', MEDIA.schema, 'Schema of the features'),
      // GDAL 3.6 compares rels case-sensitively and looks for this spelling.
      link(`${self}/schema`, 'describedBy', MEDIA.schema, 'Schema of the features'),
      link(
        `${self}/schema`,
        'http://www.opengis.net/def/rel/ogc/1.0/schema',
        MEDIA.schema,
        'Schema of the features',
      ),
      link(
        `${siteRoot(req)}/tiles/${layer.id}.json`,
        'tiles',
        MEDIA.json,
        'Vector tiles of this layer (TileJSON 3.0.0)',
      ),
      ...collectionTileLinks(self, layer.title),
    ],
    title_vi: layer.title_vi,
    ...(layer.description_vi ? { description_vi: layer.description_vi } : {}),
    geometryType: layer.geometryType,
    timeField: layer.timeField ?? null,
    minzoom: layer.minzoom,
    maxzoom: layer.maxzoom,
    style: layer.style,
    properties: Object.fromEntries(layer.properties.map((p) => [p.name, propertySchema(p)])),
    ...(layer.attribution ? { attribution: layer.attribution } : {}),
  };
}

export function collectionsRoutes(
  db: Kysely<DB>,
  dataVersion: DataVersion,
): { list: RequestHandler; one: RequestHandler } {
  const extent = extentReader(db);
  return {
    list: async (req, res) => {
      onlyJson(req.query);
      const version = await dataVersion.read();
      const root = apiRoot(req);
      const collections = await Promise.all(layers.map((l) => collectionDoc(req, l, extent, version)));
      sendJson(res, {
        links: [link(`${root}/collections`, 'self', MEDIA.json, 'The feature collections')],
        collections,
      });
    },
    one: async (req, res) => {
      onlyJson(req.query);
      const layer = findLayer(req.params.collectionId);
      sendJson(res, await collectionDoc(req, layer, extent, await dataVersion.read()));
    },
  };
}
