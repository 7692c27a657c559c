/**
 * At most N expensive requests at a time per kind, a short queue behind them,
 * and beyond it an immediate 503 problem with Retry-After: under overload the
 * server keeps answering everything else at once instead of letting a queue
 * (and every request's latency) grow without bound.
 *
 *   app.use(limits({ analysis: { concurrency: 4, queue: 32 }, … }, { largePageRows: 1000, … }))
 *
 * Kinds, by path and query, GET and HEAD only:
 *   analysis    /api/analysis/*, /api/stats/* (not the near-border tiles)
 *   large-page  /ogc/collections/{id}/items with limit above largePageRows
 *               (the export pool of server/db/connect.ts, sized to match)
 * A queued request waits at most queueTimeoutMs, then gets the same 503; one
 * whose client went away leaves the queue. Rejections are counted in
 * /metrics (border_atlas_limit_rejected_total{kind,reason}); slots in use and
 * queue lengths are gauges.
 */
import type { Request, RequestHandler, Response } from 'express';
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
): RequestHandler {
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

/** The kind of an expensive request, or undefined for every other. */
export function limitKind(req: Request, largePageRows: number): LimitKind | undefined {
  if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
  const p = req.path;
  if (p.startsWith('/api/analysis/') || p.startsWith('/api/stats/')) {
    return p.includes('/tiles/') ? undefined : 'analysis';
  }
  if (ITEMS.test(p)) {
    const limit = (req.query as Record<string, unknown>).limit;
    // An unreadable limit is the route's 400 to give; a capped one is still large.
    if (typeof limit === 'string' && Number(limit) > largePageRows) return 'large-page';
  }
  return undefined;
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

export function limits(kinds: Record<LimitKind, Limit>, opts: LimitOptions): RequestHandler {
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

  const refuse = (req: Request, res: Response, kind: LimitKind, reason: 'queue-full' | 'queue-timeout') => {
    rejected.inc({ kind, reason });
    const g = gates[kind];
    sendProblem(
      res,
      new ProblemError(
        503,
        'overloaded',
        'Service busy',
        reason === 'queue-full'
          ? `${g.limit.concurrency} ${kind} requests are running and ${g.limit.queue} waiting; try again shortly`
          : `this ${kind} request waited ${opts.queueTimeoutMs} ms for one of ${g.limit.concurrency} slots; try again shortly`,
        { kind },
        { 'Retry-After': String(opts.retryAfterS) },
      ),
      req.originalUrl,
    );
  };

  return (req, res, next) => {
    const kind = limitKind(req, opts.largePageRows);
    if (!kind) return next();
    const gate = gates[kind];
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      gate.release();
    };
    const run = () => {
      res.once('close', release);
      next();
    };
    if (gate.active < gate.limit.concurrency) {
      gate.active++;
      return run();
    }
    if (gate.waiting.length >= gate.limit.queue) return refuse(req, res, kind, 'queue-full');
    const waiter: Waiter = {
      start: () => {
        res.off('close', leave);
        run();
      },
      timer: setTimeout(() => {
        drop();
        refuse(req, res, kind, 'queue-timeout');
      }, opts.queueTimeoutMs),
    };
    const drop = () => {
      const i = gate.waiting.indexOf(waiter);
      if (i >= 0) gate.waiting.splice(i, 1);
      clearTimeout(waiter.timer);
    };
    // The client went away while waiting: its place goes to the next.
    const leave = () => drop();
    res.once('close', leave);
    gate.waiting.push(waiter);
  };
}
