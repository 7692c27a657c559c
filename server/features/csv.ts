/**
 * An items page as an attribute table (f=csv, or Accept: text/csv): id,
 * the requested properties, and lon/lat for point layers, through the shared
 * CSV writer (RFC 4180, UTF-8 with BOM so spreadsheets keep the diacritics).
 * The body cannot carry links, so paging links and numberMatched go in
 * headers: `Link: <…&cursor=…>; rel="next"; type="text/csv"` and
 * `OGC-NumberMatched: 40`.
 */
import type { Response } from 'express';
import { BOM, CSV_TYPE, csvRow } from '../http/csv.ts';
import type { LayerDef } from '../layers/index.ts';
import { crsUri } from './crs.ts';
import type { ItemsParams } from './items-params.ts';
import { csvColumns } from './items-sql.ts';
import { linkHeader, type PageLinks } from './page-links.ts';
import { csvCell } from './raw-values.ts';
import type { OpenCursor } from './sql-cursor.ts';
import { batches, write } from './write.ts';

/**
 * `expected` is the page's size as numberMatched says; the first row carries
 * the sort keys the links need. Returns false when the client left before the end.
 */
export async function sendCsv(
  res: Response,
  layer: LayerDef,
  p: ItemsParams,
  rows: OpenCursor<unknown[]>,
  expected: number,
  matched: number,
  links: PageLinks,
): Promise<boolean> {
  res.status(200);
  res.setHeader('Content-Type', CSV_TYPE);
  res.setHeader('Content-Disposition', `attachment; filename="${layer.id}.csv"`);
  res.setHeader('Content-Crs', `<${crsUri(p.crs)}>`);
  res.setHeader('Link', linkHeader(links(expected, rows.first[0])));
  res.setHeader('OGC-NumberMatched', String(matched));
  // Cells arrive as PostgreSQL's text (raw-values.ts): id, the properties, then lon/lat.
  // The sort keys that follow (items-sql.ts) are left out.
  const columns = csvColumns(layer, p);
  const types = ['integer', ...p.properties.map((q) => q.type), 'number', 'number'] as const;
  const row = (r: unknown[]) =>
    csvRow(r.slice(0, columns.length).map((v, i) => csvCell(types[i]!, v as string | null)));
  let chunk = BOM + csvRow(columns);
  for await (const batch of batches(rows)) {
    chunk += batch.map(row).join('');
    if (!(await write(res, chunk))) return false;
    chunk = '';
  }
  res.end(chunk);
  return true;
}
