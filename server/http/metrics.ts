/**
 * Prometheus metrics on a registry of the app's own (tests build many apps).
 * Request durations are labelled by route pattern, never by raw URL, so the
 * label set stays bounded.
 */
import type { RequestHandler } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { cacheSizes } from './caches.ts';

export interface Metrics {
  registry: Registry;
  middleware: RequestHandler;
  dbUnavailable: Counter;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'border_atlas_' });
  const duration = new Histogram({
    name: 'border_atlas_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const dbUnavailable = new Counter({
    name: 'border_atlas_db_unavailable_total',
    help: 'Requests answered 503 because the database was unreachable',
    registers: [registry],
  });
  new Gauge({
    name: 'border_atlas_cache_entries',
    help: 'Entries held by each in-process cache keyed by requests (server/http/caches.ts)',
    labelNames: ['cache'],
    registers: [registry],
    collect() {
      for (const [cache, n] of Object.entries(cacheSizes())) this.set({ cache }, n);
    },
  });
  const middleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      const route =
        (req.route?.path as string | undefined) ??
        (res.statusCode === 404 ? 'unmatched' : req.path.split('/').slice(0, 2).join('/'));
      end({ method: req.method, route: `${req.baseUrl}${route}`, status: String(res.statusCode) });
      if (res.statusCode === 503) dbUnavailable.inc();
    });
    next();
  };
  return { registry, middleware, dbUnavailable };
}
