/**
 * Rate limits on writes, per token, with express-rate-limit (a kept
 * library: the IETF RateLimit headers, Retry-After, a store interface).
 *
 *   const limit = writeRateLimit(120);                // per token per minute; 0: none
 *   limit(req, res, next)                            // after auth put the Actor in res.locals
 *   // RateLimit: "writes"; r=119; t=60   RateLimit-Policy: "writes"; q=120; w=60; pk=:…:
 *   // beyond: 429 problem `rate-limited` with Retry-After
 *
 * `auth.require` applies it to unsafe methods after the role and CSRF
 * checks, so refused requests do not count. Without Redis the store is the
 * library's memory store: each server process counts on its own, so N
 * instances behind a proxy allow up to N times the limit. With REDIS_URL
 * (issue 13) the counters live in Redis (`SharedStore` below), so every
 * instance and worker counts against the same number; while Redis is down
 * each process falls back to its own memory counters (logged once per
 * outage), and a write is never refused or failed because of Redis.
 *
 * `loginRateLimit` bounds POST /api/session per client address with the
 * same number: a wrong secret costs an scrypt check, so guessing must not
 * be free.
 */
import type { RequestHandler } from 'express';
import {
  type IncrementResponse,
  ipKeyGenerator,
  MemoryStore,
  type Options,
  rateLimit,
  type Store,
} from 'express-rate-limit';
import { ProblemError } from '../http/problem.ts';
import { type Redis, type RedisLog, redisReady } from '../redis.ts';

const WINDOW_MS = 60_000;

function limited(what: string): ProblemError {
  return new ProblemError(
    429,
    'rate-limited',
    'Too many requests',
    `more than the allowed ${what} per minute; wait for the time in Retry-After`,
  );
}

const pass: RequestHandler = (_req, _res, next) => next();

/** Where the counters go: Redis shared by all instances, or (null) this process's memory. */
export type SharedCounters = { redis: Redis; log: RedisLog } | null;

/**
 * A fixed window in one Redis key: the first hit of a window sets its
 * expiry, later hits only count. One EVAL (atomic, one round trip); the
 * script is sent each time rather than loaded once, so a restarted Redis
 * (empty script cache) needs no reload step. Writes are rare, 150 bytes is nothing.
 */
const INCREMENT = `local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {hits, ttl}`;

/**
 * express-rate-limit's Store over Redis, falling back to a MemoryStore per
 * process when Redis is down or slow (redis.ts fails such commands at once
 * or after its command timeout).
 *
 *   rateLimit({ store: new SharedStore(redis, log, 'ba:rl:writes:'), ... })
 *   // Redis: GET ba:rl:writes:token:7 → "3" (TTL the rest of the minute)
 *
 * Rejected: rate-limit-redis, express-rate-limit's own Redis store. It loads
 * its Lua scripts once in init() and keeps that promise: when Redis is down
 * while the server starts, every later call awaits the same rejection and
 * the store never recovers without a restart. Ours has no such state.
 */
export class SharedStore implements Store {
  readonly localKeys = false;
  private windowMs = WINDOW_MS;
  private readonly memory = new MemoryStore();
  private fallingBack = false;

  constructor(
    private readonly redis: Redis,
    private readonly log: RedisLog,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
    this.memory.init(options);
  }

  async increment(key: string): Promise<IncrementResponse> {
    if (redisReady(this.redis)) {
      try {
        const [hits, ttl] = (await this.redis.eval(INCREMENT, 1, this.prefix + key, this.windowMs)) as [
          number,
          number,
        ];
        if (this.fallingBack) this.log.info(`rate limits shared through Redis again (${this.prefix})`);
        this.fallingBack = false;
        return { totalHits: hits, resetTime: new Date(Date.now() + ttl) };
      } catch (e) {
        this.fallBack(e instanceof Error ? e.message : String(e));
      }
    } else this.fallBack(`redis ${this.redis.status}`);
    return this.memory.increment(key);
  }

  async decrement(key: string): Promise<void> {
    await this.both(
      key,
      (k) => this.redis.decr(k),
      (k) => this.memory.decrement(k),
    );
  }

  async resetKey(key: string): Promise<void> {
    await this.both(
      key,
      (k) => this.redis.del(k),
      (k) => this.memory.resetKey(k),
    );
  }

  shutdown(): void {
    this.memory.shutdown();
  }

  /** Best effort on both sides: a count may have been taken in either. */
  private async both(
    key: string,
    inRedis: (k: string) => Promise<unknown>,
    inMemory: (k: string) => Promise<void> | void,
  ): Promise<void> {
    await inMemory(key);
    if (redisReady(this.redis)) await inRedis(this.prefix + key).catch(() => {});
  }

  private fallBack(reason: string): void {
    if (!this.fallingBack)
      this.log.warn(
        `rate limits counted in this process while Redis is unavailable (${this.prefix}): ${reason}`,
      );
    this.fallingBack = true;
  }
}

/** The store of one limiter: shared when there is Redis, else the library's default (memory). */
function store(shared: SharedCounters, name: string): { store?: Store } {
  return shared ? { store: new SharedStore(shared.redis, shared.log, `ba:rl:${name}:`) } : {};
}

/** Per token (res.locals.actor.tokenId); `perMinute` 0 turns it off. */
export function writeRateLimit(perMinute: number, shared: SharedCounters = null): RequestHandler {
  if (perMinute <= 0) return pass;
  return rateLimit({
    ...store(shared, 'writes'),
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: 'writes',
    keyGenerator: (_req, res) => `token:${(res.locals.actor as { tokenId: number }).tokenId}`,
    handler: (_req, _res, next) => next(limited(`${perMinute} writes of one token`)),
  });
}

/** Per client address, for POST /api/session. */
export function loginRateLimit(perMinute: number, shared: SharedCounters = null): RequestHandler {
  if (perMinute <= 0) return pass;
  return rateLimit({
    ...store(shared, 'sign-in'),
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: 'sign-in',
    keyGenerator: (req) => `ip:${ipKeyGenerator(req.ip ?? '')}`,
    handler: (_req, _res, next) => next(limited(`${perMinute} sign-ins from one address`)),
  });
}
