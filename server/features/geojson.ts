/**
 * An items page as a GeoJSON FeatureCollection, written as PostgreSQL
 * produces the features. The members that depend on what was sent close
 * the document:
 *
 *   {"type":"FeatureCollection","features":[…],"numberMatched":40,
 *    "numberReturned":10,"timeStamp":"…","links":[…]}
 */
import type { Request, Response } from 'express';
import type { LayerDef } from '../layers/index.ts';
import { crsUri } from './crs.ts';
import type { OpenCursor } from './cursor.ts';
import type { ItemsParams } from './items-params.ts';
import { MEDIA } from './links.ts';
import { pageLinks } from './page-links.ts';
import { more, write } from './write.ts';

export async function sendGeoJson(
  req: Request,
  res: Response,
  layer: LayerDef,
  p: ItemsParams,
  rows: OpenCursor<{ f: string }>,
  matched: number,
): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', `${MEDIA.geojson}; charset=utf-8`);
  res.setHeader('Content-Crs', `<${crsUri(p.crs)}>`);
  let returned = 0;
  let chunk = '{"type":"FeatureCollection","features":[';
  for (let batch = rows.first; batch.length; batch = await more(rows, batch)) {
    chunk += (returned ? ',' : '') + batch.map((r) => r.f).join(',');
    returned += batch.length;
    if (!(await write(res, chunk))) return;
    chunk = '';
  }
  const links = pageLinks(req, layer, p, matched, returned);
  res.end(
    `${chunk}],"numberMatched":${matched},"numberReturned":${returned},` +
      `"timeStamp":"${new Date().toISOString()}","links":${JSON.stringify(links)}}`,
  );
}
