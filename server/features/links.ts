/**
 * Links and media types of the feature API. Every link carries `rel` and
 * `type`; hrefs are absolute, built from the request's own origin (behind a
 * proxy, X-Forwarded-Proto/Host are honoured through Express's trust proxy).
 */
import type { Request } from 'express';

export const MEDIA = {
  json: 'application/json',
  geojson: 'application/geo+json',
  openapi: 'application/vnd.oai.openapi+json;version=3.0',
  schema: 'application/schema+json',
  csv: 'text/csv',
  html: 'text/html',
} as const;

export interface Link {
  href: string;
  rel: string;
  type: string;
  title?: string;
}

/** Root of the feature API for this request, e.g. `http://127.0.0.1:8080/ogc`. */
export function apiRoot(req: Request): string {
  return `${siteRoot(req)}/ogc`;
}

export function siteRoot(req: Request): string {
  return `${req.protocol}://${req.get('host')}`;
}

export function link(href: string, rel: string, type: string, title?: string): Link {
  return title === undefined ? { href, rel, type } : { href, rel, type, title };
}

/** `href` with `params` as its query string (parameters in the given order). */
export function withQuery(href: string, params: Iterable<[string, string]>): string {
  const qs = new URLSearchParams([...params]).toString();
  return qs ? `${href}?${qs}` : href;
}
