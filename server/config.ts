/**
 * Configuration from environment variables, validated once at start-up.
 * Every variable is documented in docs/configuration.md; the defaults
 * below are the same block.
 */
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const defaults = {
  PORT: '3000', // HTTP port; 0 picks a free one
  HOST: '0.0.0.0', // interface to listen on
  DATABASE_URL: '', // empty: 127.0.0.1:5432, else a private cluster under .data/
  DATABASE_NAME: 'border_atlas', // database created on the local server when DATABASE_URL is empty
  PRIVATE_PG_PORT: '54329', // port of the private cluster under .data/
  AUTO_INSTALL_POSTGIS: 'true', // as root with apt: install postgresql-<major>-postgis-3 when missing
  PG_POOL_MAX: '10', // connections per server process
  PG_STATEMENT_TIMEOUT_MS: '10000', // an API read's statement running longer is cancelled (503 statement-timeout)
  RETRY_AFTER_S: '5', // Retry-After sent with 503 (database unreachable, statement timeout, server busy)
  BODY_LIMIT: '1mb', // largest accepted request body
  LOG_LEVEL: 'info', // pino level: fatal, error, warn, info, debug, trace, silent
  SHUTDOWN_GRACE_MS: '10000', // SIGTERM: time allowed to drain requests
  HTTP_HEADERS_TIMEOUT_MS: '10000', // a request head not received within this is answered 408 and closed
  HTTP_REQUEST_TIMEOUT_MS: '60000', // a whole request (head and body) not received within this: 408; 0 for none
  HTTP_KEEP_ALIVE_TIMEOUT_MS: '5000', // an idle keep-alive connection is closed after this
  TILE_CACHE_MB: '64', // in-process tile cache, compressed tiles, in megabytes
  TILE_CACHE_CONTROL: 'public, max-age=300', // Cache-Control sent with tiles and TileJSON
  TILE_PG_POOL_MAX: '4', // connections that render tiles (apart from PG_POOL_MAX, so tiles cannot starve the API)
  DATA_VERSION_POLL_MS: '3000', // how often to re-read data_version while LISTEN is down
  CURSOR_SECRET: '', // signs the cursors of next links; empty: a random key kept in the database (app_secrets)
  PG_ANALYSIS_TIMEOUT_MS: '30000', // statement timeout of analysis and statistics (/api/analysis, /api/stats)
  PG_EXPORT_TIMEOUT_MS: '60000', // statement timeout of each batch of a large page or export (limit above LARGE_PAGE_ROWS)
  PG_TILE_TIMEOUT_MS: '15000', // statement timeout of a tile render (the tile pool)
  LIMIT_ANALYSIS_CONCURRENCY: '4', // analysis and statistics requests running at once
  LIMIT_ANALYSIS_QUEUE: '64', // analysis requests waiting for a slot; one more is answered 503 at once
  LARGE_PAGE_ROWS: '1000', // a page of features with a larger limit counts as large (its own limit and pool)
  LIMIT_LARGE_PAGE_CONCURRENCY: '2', // large pages served at once (also the size of the export pool)
  LIMIT_LARGE_PAGE_QUEUE: '64', // large pages waiting for a slot; one more is answered 503 at once
  LIMIT_QUEUE_TIMEOUT_MS: '10000', // a request waiting this long for a slot is answered 503
  WRITE_RATE_LIMIT: '120', // writes per token per minute, per server process (429 beyond); 0: no limit
  CORS_WRITE_ORIGINS: '', // other origins whose pages may write (comma-separated https://host[:port]); reads are open to all
  IMPORT_MAX_BYTES: '104857600', // largest file POST /api/import takes (100 MiB)
  REPORT_CACHE_MB: '32', // answers of the analysis and statistics reports kept until the data version changes, in megabytes
  ANSWER_CACHE_MB: '32', // small feature pages and search answers kept until the data version changes, in megabytes each; 0: off
  DATABASE_READ_URL: '', // read replicas (comma-separated postgres:// URLs) for tiles, features, analysis, search; empty: the primary
  PMTILES_ORIGINS: '', // other origins the web map may read PMTiles archives from (comma-separated https://host[:port]; Content-Security-Policy connect-src)
  REDIS_URL: '', // redis://host:port shared by all instances (rate-limit counters, tile cache); empty: each process on its own
  WORKERS: '', // server processes behind one port (node:cluster); empty: one process, no cluster; 0: one per core; --workers N overrides
  REDIS_TILE_TTL_S: '86400', // seconds a tile stays in Redis (keys of older data versions are never read again and expire)
  REDIS_TILE_LOCK_MS: '3000', // a tile's render lock in Redis, and the longest another instance waits on it before rendering itself
};

const schema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535),
    HOST: z.string().min(1),
    DATABASE_URL: z.string().refine((s) => s === '' || /^postgres(ql)?:\/\//.test(s), {
      message: 'must be a postgres:// or postgresql:// URL',
    }),
    DATABASE_NAME: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lower-case letters, digits and _'),
    PRIVATE_PG_PORT: z.coerce.number().int().min(1024).max(65535),
    AUTO_INSTALL_POSTGIS: bool,
    PG_POOL_MAX: z.coerce.number().int().min(1).max(500),
    PG_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100),
    RETRY_AFTER_S: z.coerce.number().int().min(1).max(3600),
    BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'a size such as 100kb or 1mb'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0),
    HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600000),
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(0).max(3600000),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(0).max(600000),
    TILE_CACHE_MB: z.coerce.number().min(1).max(65536),
    TILE_CACHE_CONTROL: z
      .string()
      .regex(/^[\x20-\x7e]{1,200}$/, 'a header value: printable ASCII, at most 200 characters'),
    TILE_PG_POOL_MAX: z.coerce.number().int().min(1).max(100),
    DATA_VERSION_POLL_MS: z.coerce.number().int().min(100).max(600000),
    CURSOR_SECRET: z
      .string()
      .refine((s) => s === '' || s.length >= 32, { message: 'empty, or at least 32 characters' }),
    PG_ANALYSIS_TIMEOUT_MS: z.coerce.number().int().min(0),
    PG_EXPORT_TIMEOUT_MS: z.coerce.number().int().min(0),
    PG_TILE_TIMEOUT_MS: z.coerce.number().int().min(0),
    LIMIT_ANALYSIS_CONCURRENCY: z.coerce.number().int().min(1).max(1000),
    LIMIT_ANALYSIS_QUEUE: z.coerce.number().int().min(0).max(10000),
    LARGE_PAGE_ROWS: z.coerce.number().int().min(1),
    LIMIT_LARGE_PAGE_CONCURRENCY: z.coerce.number().int().min(1).max(100),
    LIMIT_LARGE_PAGE_QUEUE: z.coerce.number().int().min(0).max(10000),
    LIMIT_QUEUE_TIMEOUT_MS: z.coerce.number().int().min(1).max(600000),
    WRITE_RATE_LIMIT: z.coerce.number().int().min(0).max(1_000_000),
    CORS_WRITE_ORIGINS: z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((o) => o.trim())
          .filter((o) => o !== ''),
      )
      .refine((list) => list.every(isOrigin), {
        message: 'origins such as https://maps.example.org, separated by commas (scheme, host and port only)',
      }),
    IMPORT_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(10 * 1024 ** 3),
    REPORT_CACHE_MB: z.coerce.number().min(1).max(65536),
    ANSWER_CACHE_MB: z.coerce.number().min(0).max(65536),
    DATABASE_READ_URL: z
      .string()
      .refine((s) => s.split(',').every((u) => u.trim() === '' || /^postgres(ql)?:\/\/\S+$/.test(u.trim())), {
        message: 'empty, or postgres:// or postgresql:// URLs separated by commas',
      }),
    PMTILES_ORIGINS: z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((o) => o.trim())
          .filter((o) => o !== ''),
      )
      .refine((list) => list.every(isOrigin), {
        message:
          'origins such as https://tiles.example.org, separated by commas (scheme, host and port only)',
      }),
    REDIS_URL: z.string().refine((s) => s === '' || /^rediss?:\/\/[^\s]+$/.test(s), {
      message: 'empty, or a redis:// or rediss:// URL',
    }),
    WORKERS: z.string().regex(/^(|\d{1,3})$/, 'empty, or a number of processes (0: one per core)'),
    REDIS_TILE_TTL_S: z.coerce
      .number()
      .int()
      .min(1)
      .max(365 * 86400),
    REDIS_TILE_LOCK_MS: z.coerce.number().int().min(10).max(600000),
  })
  // Node refuses a head timeout longer than the request's (the head is part of the request).
  .refine((c) => c.HTTP_REQUEST_TIMEOUT_MS === 0 || c.HTTP_HEADERS_TIMEOUT_MS <= c.HTTP_REQUEST_TIMEOUT_MS, {
    message: 'at most HTTP_REQUEST_TIMEOUT_MS (unless that is 0)',
    path: ['HTTP_HEADERS_TIMEOUT_MS'],
  });

export type Config = z.infer<typeof schema>;

/** `https://host[:port]` and nothing more: what a browser sends as Origin. */
function isOrigin(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === s;
  } catch {
    return false;
  }
}

export class ConfigError extends Error {}

/** Reads the environment (or `env`), applies defaults, and throws one message naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(defaults)) raw[k] = env[k] ?? v;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `  ${i.path.join('.')}=${JSON.stringify(raw[String(i.path[0])])}: ${i.message}`,
    );
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
