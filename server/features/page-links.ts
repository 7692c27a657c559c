/**
 * Links of an items page: self, the other format, next (while more remain),
 * prev, and the collection. next/prev keep every parameter of the request
 * and change only offset (limit is written as served, after capping).
 */
import type { Request } from 'express';
import type { LayerDef } from '../layers/index.ts';
import type { ItemsParams } from './items-params.ts';
import { apiRoot, type Link, link, MEDIA, withQuery } from './links.ts';

export function pageLinks(
  req: Request,
  layer: LayerDef,
  p: ItemsParams,
  matched: number,
  returned: number,
): Link[] {
  const items = `${apiRoot(req)}/collections/${layer.id}/items`;
  const given = Object.entries(req.query as Record<string, string>).filter(
    ([k]) => k !== 'offset' && k !== 'limit' && k !== 'f',
  );
  const at = (offset: number, f: 'json' | 'csv') =>
    withQuery(items, [
      ...given,
      ...(f === 'csv' ? [['f', 'csv'] as [string, string]] : []),
      ['limit', String(p.limit)],
      ['offset', String(offset)],
    ]);
  const f = p.format === 'csv' ? 'csv' : 'json';
  const other = f === 'csv' ? 'json' : 'csv';
  const type = f === 'csv' ? MEDIA.csv : MEDIA.geojson;
  const links = [
    link(at(p.offset, f), 'self', type, 'This page'),
    link(
      at(p.offset, other),
      'alternate',
      other === 'csv' ? MEDIA.csv : MEDIA.geojson,
      other === 'csv' ? 'This page as CSV' : 'This page as GeoJSON',
    ),
  ];
  if (p.offset + returned < matched) links.push(link(at(p.offset + p.limit, f), 'next', type, 'Next page'));
  if (p.offset > 0) links.push(link(at(Math.max(0, p.offset - p.limit), f), 'prev', type, 'Previous page'));
  links.push(link(`${apiRoot(req)}/collections/${layer.id}`, 'collection', MEDIA.json, layer.title));
  return links;
}

/** RFC 8288 Link header, for CSV where the body cannot carry links. */
export function linkHeader(links: Link[]): string {
  return links.map((l) => `<${l.href}>; rel="${l.rel}"; type="${l.type}"`).join(', ');
}
