/**
 * An items page as a GeoJSON FeatureCollection, written batch by batch as
 * PostgreSQL produces the rows. Returns what was sent (undefined when the
 * client left before the end). The members that depend on what was sent close
 * the document:
 *
 *   {"type":"FeatureCollection","features":[…],"numberMatched":40,
 *    "numberReturned":10,"timeStamp":"…","links":[…]}
 */
import type { Request, Response } from 'express';
import type { LayerDef } from '../layers/index.ts';
import { crsUri } from './crs.ts';
import type { OpenCursor } from './cursor.ts';
import { featureText } from './feature-text.ts';
import type { ItemsParams } from './items-params.ts';
import { MEDIA } from './links.ts';
import { pageLinks } from './page-links.ts';
import { batches, type Sent, write } from './write.ts';

export async function sendGeoJson(
  req: Request,
  res: Response,
  layer: LayerDef,
  p: ItemsParams,
  rows: OpenCursor<unknown[]>,
  matched: number,
): Promise<Sent | undefined> {
  res.status(200);
  res.setHeader('Content-Type', `${MEDIA.geojson}; charset=utf-8`);
  res.setHeader('Content-Crs', `<${crsUri(p.crs)}>`);
  const text = featureText(p.properties);
  let returned = 0;
  let lastId: string | undefined;
  let chunk = '{"type":"FeatureCollection","features":[';
  for await (const batch of batches(rows)) {
    chunk += (returned ? ',' : '') + batch.map(text).join(',');
    returned += batch.length;
    lastId = batch[batch.length - 1]![0] as string;
    if (!(await write(res, chunk))) return undefined;
    chunk = '';
  }
  const links = pageLinks(req, layer, p, matched, returned);
  res.end(
    `${chunk}],"numberMatched":${matched},"numberReturned":${returned},` +
      `"timeStamp":"${new Date().toISOString()}","links":${JSON.stringify(links)}}`,
  );
  return { returned, lastId };
}
