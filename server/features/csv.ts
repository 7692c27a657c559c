/**
 * An items page as an attribute table (f=csv, or Accept: text/csv): id,
 * the requested properties, and lon/lat for point layers, through the shared
 * CSV writer (RFC 4180, UTF-8 with BOM so spreadsheets keep the diacritics).
 * The body cannot carry links, so paging links and numberMatched go in
 * headers: `Link: <…offset=10>; rel="next"; type="text/csv"` and
 * `OGC-NumberMatched: 40`.
 */
import type { Request, Response } from 'express';
import { BOM, CSV_TYPE, csvRow } from '../http/csv.ts';
import type { LayerDef } from '../layers/index.ts';
import { crsUri } from './crs.ts';
import type { OpenCursor } from './cursor.ts';
import type { ItemsParams } from './items-params.ts';
import { csvColumns } from './items-sql.ts';
import { linkHeader, pageLinks } from './page-links.ts';
import { csvCell } from './raw-values.ts';
import { batches, type Sent, write } from './write.ts';

export async function sendCsv(
  req: Request,
  res: Response,
  layer: LayerDef,
  p: ItemsParams,
  rows: OpenCursor<unknown[]>,
  matched: number,
): Promise<Sent | undefined> {
  const expected = Math.max(0, Math.min(p.limit, matched - p.offset));
  res.status(200);
  res.setHeader('Content-Type', CSV_TYPE);
  res.setHeader('Content-Disposition', `attachment; filename="${layer.id}.csv"`);
  res.setHeader('Content-Crs', `<${crsUri(p.crs)}>`);
  res.setHeader('Link', linkHeader(pageLinks(req, layer, p, matched, expected)));
  res.setHeader('OGC-NumberMatched', String(matched));
  // Cells arrive as PostgreSQL's text (raw-values.ts): id, the properties, then lon/lat.
  const types = ['integer', ...p.properties.map((q) => q.type), 'number', 'number'] as const;
  const row = (r: unknown[]) => csvRow(r.map((v, i) => csvCell(types[i]!, v as string | null)));
  let returned = 0;
  let lastId: string | undefined;
  let chunk = BOM + csvRow(csvColumns(layer, p));
  for await (const batch of batches(rows)) {
    chunk += batch.map(row).join('');
    returned += batch.length;
    lastId = batch[batch.length - 1]![0] as string;
    if (!(await write(res, chunk))) return undefined;
    chunk = '';
  }
  res.end(chunk);
  return { returned, lastId };
}
