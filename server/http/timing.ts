/**
 * Server-Timing on every response that goes through Express: `db` (time in
 * PostgreSQL for this request, the queries' durations summed, timed by
 * server/db/connect.ts), `app` (the rest) and `total`, so a slow answer
 * says where its milliseconds went without a profiler.
 *
 *   app.use(serverTiming())   // first, so that `total` counts every middleware
 *   // Server-Timing: db;dur=1.8;desc="3 queries", app;dur=0.9, total;dur=2.7
 *
 * The header goes out with the head of the response: a streamed page (items,
 * CSV) reports what was known then (its count and first batch, which are
 * fetched before anything is sent), not the batches that follow. A route
 * that sets Server-Timing itself (tiles: db and gzip) keeps its own entries
 * and gets `total` appended.
 */
import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { type QueryTime, queryTime } from '../db/connect.ts';

/**
 * Express requests between their start and their response's close. When
 * none is, the store is switched off (AsyncLocalStorage's disable()):
 * while any AsyncLocalStorage is on, Node runs a hook at every async
 * resource and promise it creates, tile cache hits answered before Express
 * included (several per request, most of what a hit cost beyond a bare
 * node:http server). The next request's run() switches it on again; work
 * of a closed request that runs on finds no store and is not timed, as its
 * header has left.
 */
let inFlight = 0;

export function serverTiming(): RequestHandler {
  return (_req, res, next) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0) queryTime.disable();
    });
    const t0 = performance.now();
    const store: QueryTime = { ms: 0, queries: 0 };
    const writeHead = res.writeHead;
    res.writeHead = function timedWriteHead(this: ServerResponse, ...args: unknown[]) {
      if (!this.headersSent) {
        const total = performance.now() - t0;
        const own = this.getHeader('Server-Timing');
        this.setHeader(
          'Server-Timing',
          own === undefined
            ? `db;dur=${store.ms.toFixed(1)};desc="${store.queries} ${store.queries === 1 ? 'query' : 'queries'}", app;dur=${Math.max(0, total - store.ms).toFixed(1)}, total;dur=${total.toFixed(1)}`
            : `${own}, total;dur=${total.toFixed(1)}`,
        );
      }
      return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as typeof res.writeHead;
    queryTime.run(store, next);
  };
}
