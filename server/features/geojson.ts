/**
 * An items page as a GeoJSON FeatureCollection, written batch by batch as
 * PostgreSQL produces the rows. The members that depend on what was sent
 * (the links need the page's first and last rows) close the document:
 *
 *   {"type":"FeatureCollection","features":[…],"numberMatched":40,
 *    "numberReturned":10,"timeStamp":"…","links":[…]}
 */
import type { Response } from 'express';
import { crsUri } from './crs.ts';
import { featureText } from './feature-text.ts';
import type { ItemsParams } from './items-params.ts';
import { MEDIA } from './links.ts';
import type { PageLinks } from './page-links.ts';
import type { OpenCursor } from './sql-cursor.ts';
import { BATCH, batches, write } from './write.ts';

/** Returns false when the client left before the end. */
/** A page kept by the answer cache, with the headers sendGeoJson gives it. */
export function sendCachedPage(res: Response, p: ItemsParams, body: string): void {
  res.status(200);
  res.setHeader('Content-Type', `${MEDIA.geojson}; charset=utf-8`);
  res.setHeader('Content-Crs', `<${crsUri(p.crs)}>`);
  res.setHeader('Server-Timing', 'cache;desc="hit"');
  res.end(body);
}

export async function sendGeoJson(
  res: Response,
  p: ItemsParams,
  rows: OpenCursor<unknown[]>,
  matched: number,
  links: PageLinks,
  /** Called with the whole body when the page went out in one write (the answer cache keeps it). */
  onWhole?: (body: string) => void,
): Promise<boolean> {
  res.status(200);
  res.setHeader('Content-Type', `${MEDIA.geojson}; charset=utf-8`);
  res.setHeader('Content-Crs', `<${crsUri(p.crs)}>`);
  const text = featureText(p.properties);
  let returned = 0;
  const first = rows.first[0];
  let last: unknown[] | undefined;
  let chunk = '{"type":"FeatureCollection","features":[';
  for await (const batch of batches(rows)) {
    chunk += (returned ? ',' : '') + batch.map(text).join(',');
    returned += batch.length;
    last = batch[batch.length - 1];
    // The last (short) batch goes out with the closing members: a page of one batch is one write, with its length.
    if (batch.length < BATCH) continue;
    if (!(await write(res, chunk))) return false;
    chunk = '';
  }
  const tail =
    `${chunk}],"numberMatched":${matched},"numberReturned":${returned},` +
    `"timeStamp":"${new Date().toISOString()}","links":${JSON.stringify(links(returned, first, last))}}`;
  res.end(tail);
  if (onWhole && tail.startsWith('{"type":"FeatureCollection"')) onWhole(tail);
  return true;
}
