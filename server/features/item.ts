/**
 * GET /ogc/collections/{id}/items/{featureId}: one feature, its `id` equal
 * to {featureId} (the numeric id of the layer's view); anything else is 404.
 */
import type { RequestHandler } from 'express';
import { type CompiledQuery, sql } from 'kysely';
import type pg from 'pg';
import { z } from 'zod';
import type { Database } from '../db/connect.ts';
import { format, readParams } from '../http/params.ts';
import { notFound } from '../http/problem.ts';
import { crsUri } from './crs.ts';
import { etagSql } from './edit-support.ts';
import { featureText } from './feature-text.ts';
import { findLayer } from './find-layer.ts';
import { offsetParam, tolerance, zoomParam } from './generalise.ts';
import { crsParam } from './items-params.ts';
import { featureSql } from './items-sql.ts';
import { apiRoot, link, MEDIA } from './links.ts';
import { RAW_TEXT } from './raw-values.ts';

/** The query of /collections/{id}/items/{featureId}. */
export const itemQuery = z.object({
  f: format(['json', 'geojson'] as const, 'json or geojson'),
  crs: crsParam('crs', 'CRS of the geometry'),
  zoom: zoomParam,
  'max-allowable-offset': offsetParam,
});

export function itemRoute(database: Database): RequestHandler {
  // A replica's when DATABASE_READ_URL names one (server/db/replica.ts).
  const { db, pool } = database.read;
  return async (req, res) => {
    const layer = findLayer(req.params.collectionId);
    const fid = String(req.params.featureId);
    const q = readParams(itemQuery, req.query);
    const srid = q.crs;
    const tol = tolerance(srid, { zoom: q.zoom, offset: q['max-allowable-offset'] });
    const id = /^\d{1,15}$/.test(fid) ? Number(fid) : undefined;
    // The ETag (edit-support.ts: md5 of the view's row) in the same statement, so of the same snapshot.
    const row =
      id === undefined
        ? undefined
        : await firstRow(
            pool,
            sql`SELECT q.*, ${etagSql(layer, id)} AS etag FROM (${featureSql(layer, id, srid, tol)}) q`.compile(
              db,
            ),
          );
    if (!row) throw notFound(`no feature ${JSON.stringify(fid)} in ${layer.id}`);
    const text = featureText(layer.properties)(row);
    const self = `${apiRoot(req)}/collections/${layer.id}`;
    const links = [
      link(`${self}/items/${id}`, 'self', MEDIA.geojson, 'This feature'),
      link(`${self}`, 'collection', MEDIA.json, layer.title),
    ];
    res.status(200);
    res.setHeader('Content-Type', `${MEDIA.geojson}; charset=utf-8`);
    res.setHeader('Content-Crs', `<${crsUri(srid)}>`);
    // Strong: the md5 of the feature's row, the If-Match of PUT, PATCH and DELETE (edit.ts).
    const etag = row[row.length - 1];
    if (typeof etag === 'string') res.setHeader('ETag', `"${etag}"`);
    res.send(`${text.slice(0, -1)},"links":${JSON.stringify(links)}}`);
  };
}

async function firstRow(pool: pg.Pool, q: CompiledQuery): Promise<unknown[] | undefined> {
  const r = await pool.query({
    text: q.sql,
    values: q.parameters as unknown[],
    rowMode: 'array',
    types: RAW_TEXT,
  });
  return r.rows[0] as unknown[] | undefined;
}
