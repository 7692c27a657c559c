/**
 * Who may call the API from a web page of another origin. Reads are open
 * to every origin (GIS clients and other sites' maps fetch our tiles and
 * features); writes only from the service's own origin (the web map, which
 * needs no CORS at all) and from the origins CORS_WRITE_ORIGINS lists.
 *
 *   app.use(corsPolicy(config.CORS_WRITE_ORIGINS ?? []));
 *
 *   OPTIONS from a listed origin asking for PATCH → 204, Access-Control-Allow-Origin: <it>,
 *     Allow-Methods: GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE,
 *     Allow-Headers: Authorization, If-Match, Content-Type, X-CSRF-Token
 *   OPTIONS from any other origin asking for PATCH → 204 with no Access-Control-Allow-*:
 *     the browser does not send the write
 *   GET from anywhere → Access-Control-Allow-Origin: *
 *
 * No credentials mode: session cookies are SameSite=Strict and never travel
 * with another site's request; pages of listed origins write with a bearer
 * token. `auth.require` checks the Origin of every write again (writeOrigin
 * below), for clients that skip preflights.
 */
import cors, { type CorsOptions } from 'cors';
import type { Request, RequestHandler } from 'express';

const READ_METHODS = ['GET', 'HEAD', 'OPTIONS'];
const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];
const WRITE_HEADERS = ['Authorization', 'If-Match', 'Content-Type', 'X-CSRF-Token', 'Accept'];
const EXPOSED = [
  'ETag',
  'Content-Crs',
  'Link',
  'Location',
  'RateLimit',
  'RateLimit-Policy',
  'Retry-After',
  'Allow',
];

/** The service's own origin as the client sees it (behind a trusted proxy: its X-Forwarded-Proto and Host). */
export function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.host}`;
}

/** Whether a write that says it comes from `origin` may: ours, or listed. */
export function writeOrigin(req: Request, origin: string, listed: readonly string[]): boolean {
  return origin === ownOrigin(req) || listed.includes(origin);
}

export function corsPolicy(writeOrigins: readonly string[]): RequestHandler {
  const reads: CorsOptions = { origin: '*', methods: READ_METHODS, exposedHeaders: EXPOSED };
  const writes: CorsOptions = {
    origin: true, // reflects the (listed) origin
    methods: [...READ_METHODS, ...WRITE_METHODS],
    allowedHeaders: WRITE_HEADERS,
    exposedHeaders: EXPOSED,
    maxAge: 600,
  };
  const refused: CorsOptions = { origin: false };
  return cors((req, cb) => {
    const r = req as Request;
    const origin = r.headers.origin;
    if (origin && writeOrigins.includes(origin)) return cb(null, writes);
    const asks = r.method === 'OPTIONS' ? r.headers['access-control-request-method'] : undefined;
    if (asks && !READ_METHODS.includes(asks.toUpperCase())) return cb(null, refused);
    cb(null, reads);
  });
}
