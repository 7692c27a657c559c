/**
 * Links of an items page: self, the other format, next (while more remain),
 * prev, and the collection. Every link keeps the request's parameters
 * (limit as served, after capping) and says where its page starts: by
 * `cursor` (cursor.ts) for next and prev, as the request did for self and
 * alternate (its cursor, else its offset).
 */
import type { Request } from 'express';
import type { LayerDef } from '../layers/index.ts';
import type { ItemsParams } from './items-params.ts';
import { apiRoot, type Link, link, MEDIA, withQuery } from './links.ts';

/** Where the page sits in the result set, and the cursors of its neighbours. */
export interface PagePlace {
  /** Row of the result set the page starts at. */
  start: number;
  matched: number;
  returned: number;
  /** Cursor of the next page; none on the last page. */
  next?: string;
  /**
   * Cursor of the previous page. Without it (a page past the end, which has
   * no first row to count back from) and past row 0, prev goes by offset.
   */
  prev?: string;
}

/**
 * The links of a page, once its size and edge rows are known (the route
 * makes it, the writers call it): `first` and `last` are the page's first
 * and last rows (CSV gives only the first, whose trailing columns carry the
 * last row's sort keys).
 */
export type PageLinks = (returned: number, first?: unknown[], last?: unknown[]) => Link[];

type Position = ['cursor' | 'offset', string] | undefined;

export function pageLinks(req: Request, layer: LayerDef, p: ItemsParams, place: PagePlace): Link[] {
  const f = p.format === 'csv' ? 'csv' : 'json';
  const other = f === 'csv' ? 'json' : 'csv';
  const type = f === 'csv' ? MEDIA.csv : MEDIA.geojson;
  const here: Position = p.cursor ? ['cursor', p.cursor] : ['offset', String(p.offset)];
  const links = [
    link(pageHref(req, layer, p, here, f), 'self', type, 'This page'),
    link(
      pageHref(req, layer, p, here, other),
      'alternate',
      other === 'csv' ? MEDIA.csv : MEDIA.geojson,
      other === 'csv' ? 'This page as CSV' : 'This page as GeoJSON',
    ),
  ];
  if (place.next !== undefined) {
    links.push(link(pageHref(req, layer, p, ['cursor', place.next], f), 'next', type, 'Next page'));
  }
  const prev: Position =
    place.prev !== undefined
      ? ['cursor', place.prev]
      : place.start > 0
        ? ['offset', String(Math.max(0, place.start - p.limit))]
        : undefined;
  if (prev) links.push(link(pageHref(req, layer, p, prev, f), 'prev', type, 'Previous page'));
  links.push(link(`${apiRoot(req)}/collections/${layer.id}`, 'collection', MEDIA.json, layer.title));
  return links;
}

/** The request's first page: its parameters without cursor or offset. */
export function firstPageHref(req: Request, layer: LayerDef, p: ItemsParams): string {
  return pageHref(req, layer, p, undefined, p.format === 'csv' ? 'csv' : 'json');
}

function pageHref(
  req: Request,
  layer: LayerDef,
  p: ItemsParams,
  position: Position,
  f: 'json' | 'csv',
): string {
  const given = Object.entries(req.query as Record<string, string>).filter(
    ([k]) => k !== 'offset' && k !== 'cursor' && k !== 'limit' && k !== 'f',
  );
  return withQuery(`${apiRoot(req)}/collections/${layer.id}/items`, [
    ...given,
    ...(f === 'csv' ? [['f', 'csv'] as [string, string]] : []),
    ['limit', String(p.limit)],
    ...(position ? [position] : []),
  ]);
}

/** RFC 8288 Link header, for CSV where the body cannot carry links. */
export function linkHeader(links: Link[]): string {
  return links.map((l) => `<${l.href}>; rel="${l.rel}"; type="${l.type}"`).join(', ');
}
