/**
 * The one Redis connection of a server process (issue 13), with ioredis (a
 * kept client: reconnection, Lua scripts, pipelining, pub/sub).
 *
 *   const redis = connectRedis(config.REDIS_URL, logger);
 *   if (redisReady(redis)) await redis.get('k');  // else: carry on without Redis
 *   await closeRedis(redis);                         // on shutdown
 *
 * Redis is a helper, never a dependency of an answer: the service must go
 * on when it is down. Hence:
 * - connecting starts at once but never blocks start-up (lazyConnect, then
 *   a background connect());
 * - no offline queue: a command sent while Redis is down fails at once
 *   instead of waiting, so callers fall back (in-process counters, the
 *   in-process tile cache) without a request hanging;
 * - a command in flight when the link drops fails (maxRetriesPerRequest 0),
 *   and one that gets no answer within `commandTimeout` fails too;
 * - reconnection never gives up, with a backoff capped at RETRY_CAP_MS, so
 *   the service recovers by itself when Redis comes back;
 * - "redis down" is logged once per outage and "redis up" once per recovery,
 *   not on every retry.
 *
 * Pub/sub needs its own connection: `redis.duplicate()` inherits all of this.
 */
import { Redis, type RedisOptions } from 'ioredis';

export type { Redis } from 'ioredis';

/** What connectRedis logs through: a pino logger fits. */
export interface RedisLog {
  info(message: string): void;
  warn(message: string): void;
}

/** Longest wait between two reconnection attempts. */
export const RETRY_CAP_MS = 2000;

const defaults: RedisOptions = {
  lazyConnect: true, // the constructor does not connect; we start it below, listeners attached first
  enableOfflineQueue: false, // fail fast while down (callers fall back)
  maxRetriesPerRequest: 0, // a command cut off by a dropped link fails instead of being resent
  connectTimeout: 2000, // a connection attempt that hangs counts as down
  commandTimeout: 1000, // a Redis that accepts but never answers counts as down for that command
  retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 8), RETRY_CAP_MS),
};

/**
 * A client for `url` (redis://[:password@]host:port[/db]) that is already
 * connecting; `options` override the defaults above (tests shorten timeouts).
 * Never throws for an unreachable server; only for a malformed URL.
 */
export function connectRedis(url: string, log: RedisLog, options: RedisOptions = {}): Redis {
  const client = new Redis(url, { ...defaults, ...options });
  const where = redactedUrl(url);
  // undefined: no state seen yet, so the first outcome (up or down) is logged.
  let up: boolean | undefined;
  client.on('ready', () => {
    if (up !== true) log.info(`redis up (${where})`);
    up = true;
  });
  const down = (reason: string) => {
    if (up !== false) log.warn(`redis down (${where}): ${reason}; going on without it, reconnecting`);
    up = false;
  };
  // An 'error' event without a listener would crash the process.
  client.on('error', (e: Error) => down(e.message));
  client.on('close', () => {
    if (client.status !== 'end') down('connection closed');
  });
  client.connect().catch(() => {
    // reported through 'error'; the retry strategy keeps trying
  });
  return client;
}

/** True when commands can be sent now (otherwise they would fail at once). */
export function redisReady(client: Redis): boolean {
  return client.status === 'ready';
}

/** Resolves once the client is ready, or false after `ms` (start-up checks, tests). */
export function waitRedisReady(client: Redis, ms: number): Promise<boolean> {
  if (redisReady(client)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    client.on('ready', onReady);
  });
}

/** QUIT when connected (lets pending replies arrive), else just drop the socket. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (redisReady(client)) {
    try {
      await client.quit();
      return;
    } catch {
      // fall through
    }
  }
  client.disconnect();
}

/** The URL without its password, for logs. */
function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis';
  }
}
