/**
 * OGC API - Features under /ogc (issue 4): landing page, conformance,
 * collections from the layer registry, queryables, CQL2-filtered
 * and streamed items, single features. Errors go to the app's one handler
 * (problem+json).
 *
 *   app.use(featuresRouter(database, version, { cursorSecret: config.CURSOR_SECRET }))   // version: the app's listener
 */
import { Router } from 'express';
import type { Database } from '../db/connect.ts';
import type { DataVersion } from '../db/data-version.ts';
import { collectionsRoutes } from './collections.ts';
import { conformance } from './conformance.ts';
import { functionsRoute } from './functions.ts';
import { itemRoute } from './item.ts';
import { itemsRoute } from './items.ts';
import { landing } from './landing.ts';
import { queryablesRoute } from './queryables.ts';
import { schemaRoute } from './schema.ts';

export function featuresRouter(
  database: Database,
  version: DataVersion,
  opts: { cursorSecret?: string; largePageRows?: number; pageCacheMb?: number } = {},
): Router {
  const r = Router();
  const collections = collectionsRoutes(database.db, version);
  r.get('/ogc', landing);
  r.get('/ogc/conformance', conformance);
  r.get('/ogc/functions', functionsRoute);
  r.get('/ogc/collections', collections.list);
  r.get('/ogc/collections/:collectionId', collections.one);
  r.get('/ogc/collections/:collectionId/queryables', queryablesRoute);
  r.get('/ogc/collections/:collectionId/schema', schemaRoute);
  r.get('/ogc/collections/:collectionId/items', itemsRoute(database, version, opts));
  r.get('/ogc/collections/:collectionId/items/:featureId', itemRoute(database));
  return r;
}
