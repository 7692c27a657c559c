/**
 * At most N expensive requests at a time per kind, a short queue behind them,
 * and beyond it an immediate 503 problem with Retry-After: under overload the
 * server keeps answering everything else at once instead of letting a queue
 * (and every request's latency) grow without bound.
 *
 *   const limiter = limits({ analysis: { concurrency: 4, queue: 32 }, … }, { largePageRows: 1000, … });
 *   app.use(limiter.middleware);                       // large pages
 *   const release = await limiter.acquire('analysis');  // throws the 503 problem
 *   try { … } finally { release(); }
 *
 Kinds:
 *   analysis    a report that must run: server/analysis/route.ts takes a
 *               slot with `acquire('analysis')` on a cache miss only, so an
 *               answer already computed for this data version is never
 *               queued behind slow ones
 *   large-page  GET/HEAD /ogc/collections/{id}/items with limit above
 *               largePageRows, by the middleware (the export pool of
 *               server/db/connect.ts, sized to match)
 * A queued request waits at most queueTimeoutMs, then gets the same 503; a
 * large page whose client went away leaves the queue. Rejections are counted in
 * /metrics (border_atlas_limit_rejected_total{kind,reason}); slots in use and
 * queue lengths are gauges.
 */
import type { Request, RequestHandler } from 'express';
import { Counter, Gauge, type Registry } from 'prom-client';
import { type Config, defaults } from '../config.ts';
import { sendProblem } from './errors.ts';
import { ProblemError } from './problem.ts';

export type LimitKind = 'analysis' | 'large-page';

export interface Limit {
  /** Requests of the kind running at once. */
  concurrency: number;
  /** Requests waiting for a slot; one more is refused. */
  queue: number;
}

export interface LimitOptions {
  largePageRows: number;
  queueTimeoutMs: number;
  retryAfterS: number;
  registry?: Registry;
}

export type LimitsConfig = Pick<
  Config,
  | 'LIMIT_ANALYSIS_CONCURRENCY'
  | 'LIMIT_ANALYSIS_QUEUE'
  | 'LARGE_PAGE_ROWS'
  | 'LIMIT_LARGE_PAGE_CONCURRENCY'
  | 'LIMIT_LARGE_PAGE_QUEUE'
  | 'LIMIT_QUEUE_TIMEOUT_MS'
>;

/** The limiter of an app built with `config` (config.ts's defaults for what it leaves out). */
export function limitsFromConfig(
  config: Partial<LimitsConfig> & { RETRY_AFTER_S: number },
  registry?: Registry,
): Limiter {
  const n = (k: keyof LimitsConfig) => config[k] ?? Number(defaults[k]);
  return limits(
    {
      analysis: { concurrency: n('LIMIT_ANALYSIS_CONCURRENCY'), queue: n('LIMIT_ANALYSIS_QUEUE') },
      'large-page': { concurrency: n('LIMIT_LARGE_PAGE_CONCURRENCY'), queue: n('LIMIT_LARGE_PAGE_QUEUE') },
    },
    {
      largePageRows: n('LARGE_PAGE_ROWS'),
      queueTimeoutMs: n('LIMIT_QUEUE_TIMEOUT_MS'),
      retryAfterS: config.RETRY_AFTER_S,
      registry,
    },
  );
}

const ITEMS = /^\/ogc\/collections\/[^/]+\/items\/?$/;

/** Whether a request is a large page, which the middleware gates. */
export function isLargePage(req: Request, largePageRows: number): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (ITEMS.test(req.path)) {
    const limit = (req.query as Record<string, unknown>).limit;
    // An unreadable limit is the route's 400 to give; a capped one is still large.
    if (typeof limit === 'string' && Number(limit) > largePageRows) return true;
  }
  return false;
}

export interface Limiter {
  /** Gates large pages; everything else passes straight on. */
  middleware: RequestHandler;
  /**
   * A slot of `kind`, waiting in its queue if need be: resolves to the
   * release function (call it once), or rejects with the 503 problem when
   * the queue is full or the wait runs out.
   */
  acquire(kind: LimitKind): Promise<() => void>;
}

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
}

/** One counting semaphore with a bounded FIFO queue. */
class Gate {
  active = 0;
  readonly waiting: Waiter[] = [];
  constructor(readonly limit: Limit) {}

  release(): void {
    const w = this.waiting.shift();
    if (w) {
      clearTimeout(w.timer);
      w.start(); // the slot passes to it: active stays the same
    } else this.active--;
  }
}

export function limits(kinds: Record<LimitKind, Limit>, opts: LimitOptions): Limiter {
  const gates = {
    analysis: new Gate(kinds.analysis),
    'large-page': new Gate(kinds['large-page']),
  } satisfies Record<LimitKind, Gate>;
  const registers = opts.registry ? [opts.registry] : [];
  const rejected = new Counter({
    name: 'border_atlas_limit_rejected_total',
    help: 'Expensive requests answered 503 by the concurrency limiter, by kind and reason (queue full, waited too long)',
    labelNames: ['kind', 'reason'],
    registers,
  });
  new Gauge({
    name: 'border_atlas_limit_active',
    help: 'Expensive requests running, by kind',
    labelNames: ['kind'],
    registers,
    collect() {
      for (const [kind, g] of Object.entries(gates)) this.set({ kind }, g.active);
    },
  });
  new Gauge({
    name: 'border_atlas_limit_queued',
    help: 'Expensive requests waiting for a slot, by kind',
    labelNames: ['kind'],
    registers,
    collect() {
      for (const [kind, g] of Object.entries(gates)) this.set({ kind }, g.waiting.length);
    },
  });

  const refusal = (kind: LimitKind, reason: 'queue-full' | 'queue-timeout'): ProblemError => {
    rejected.inc({ kind, reason });
    const g = gates[kind];
    return new ProblemError(
      503,
      'overloaded',
      'Service busy',
      reason === 'queue-full'
        ? `${g.limit.concurrency} ${kind} requests are running and ${g.limit.queue} waiting; try again shortly`
        : `this ${kind} request waited ${opts.queueTimeoutMs} ms for one of ${g.limit.concurrency} slots; try again shortly`,
      { kind },
      { 'Retry-After': String(opts.retryAfterS) },
    );
  };

  /** Takes a slot now or queues; `gone` (the client left) takes a queued request out. */
  const take = (kind: LimitKind, gone?: (leave: () => void) => void): Promise<() => void> => {
    const gate = gates[kind];
    const releaser = () => {
      let released = false;
      return () => {
        if (released) return;
        released = true;
        gate.release();
      };
    };
    if (gate.active < gate.limit.concurrency) {
      gate.active++;
      return Promise.resolve(releaser());
    }
    if (gate.waiting.length >= gate.limit.queue) return Promise.reject(refusal(kind, 'queue-full'));
    return new Promise((resolve, reject) => {
      const drop = () => {
        const i = gate.waiting.indexOf(waiter);
        if (i >= 0) gate.waiting.splice(i, 1);
        clearTimeout(waiter.timer);
      };
      const waiter: Waiter = {
        start: () => resolve(releaser()),
        timer: setTimeout(() => {
          drop();
          reject(refusal(kind, 'queue-timeout'));
        }, opts.queueTimeoutMs),
      };
      gate.waiting.push(waiter);
      gone?.(drop);
    });
  };

  const middleware: RequestHandler = (req, res, next) => {
    if (!isLargePage(req, opts.largePageRows)) return next();
    let left = false;
    let leave: (() => void) | undefined;
    // The client went away while waiting: its place goes to the next.
    const onClose = () => {
      left = true;
      leave?.();
    };
    res.once('close', onClose);
    take('large-page', (drop) => {
      leave = drop;
    }).then(
      (release) => {
        res.off('close', onClose);
        if (left || res.destroyed) return release();
        res.once('close', release);
        next();
      },
      (problem: ProblemError) => {
        res.off('close', onClose);
        sendProblem(res, problem, req.originalUrl);
      },
    );
  };

  return { middleware, acquire: (kind) => take(kind) };
}
