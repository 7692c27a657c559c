/**
 * One compact log line per request, written when its response closes:
 * method, URL, status, milliseconds, bytes; the request's headers only at
 * debug. pino-http logged every request with all its headers and response
 * headers at info and made a child logger per request, a measurable part of
 * what a small page cost (docs/benchmarks.md, small pages).
 *
 *   app.use(requestLog(logger))   // req.log is `logger` for the handlers
 *   // {"level":30,"msg":"GET /ogc/collections 200","ms":1.9,"bytes":2311}
 */
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

declare module 'node:http' {
  interface IncomingMessage {
    /** The app's logger (errors.ts logs through it). */
    log: Logger;
  }
}

export function requestLog(logger: Logger, skip: (url: string) => boolean = () => false): RequestHandler {
  return (req, res, next) => {
    req.log = logger;
    if (skip(req.url) || !logger.isLevelEnabled('info')) return next();
    const t0 = performance.now();
    res.once('close', () => {
      const line = {
        ms: Math.round((performance.now() - t0) * 10) / 10,
        bytes: Number(res.getHeader('Content-Length')) || undefined,
        aborted: res.writableFinished ? undefined : true,
        headers: logger.isLevelEnabled('debug') ? req.headers : undefined,
      };
      const msg = `${req.method} ${req.originalUrl} ${res.statusCode}`;
      if (res.statusCode >= 500) logger.warn(line, msg);
      else logger.info(line, msg);
    });
    next();
  };
}
