/**
 * Read replicas (DATABASE_READ_URL, issue 13): tiles, feature pages,
 * analysis and search read on a streaming standby; writes, imports,
 * seeding, migrations, the audit, sessions and tokens, and the data-version
 * listener stay on the primary (DATABASE_URL). docs/replicas.md tells the
 * operator's side.
 *
 * A read pool looks like a pg.Pool (Kysely, pg-cursor and the tile renderer
 * take it as they take the primary's), but each `connect()` picks where the
 * connection comes from:
 *
 *   connect() ──▶ floor known? ──no──────────────────────────────▶ primary
 *                    │yes
 *                    ▼
 *   replicas, least busy first (round-robin among equals), skipping the down ones
 *                    │
 *   checkout fails ──▶ mark it down for retryMs, log once ─▶ next replica ─▶ primary
 *                    │
 *   this session has seen data_version ≥ floor? ──yes──▶ the replica's connection
 *                    │no
 *   SELECT version FROM data_version (on that connection)
 *                    ├── ≥ floor ──▶ the replica's connection
 *                    └── < floor (lagging) ──▶ release it ─▶ next replica ─▶ primary
 *
 * Why this keeps lag from filing old data under a new version's key: every
 * cache (tiles, pages, reports, search) keys its answer with the version the
 * app's listener knows when the request starts, and the floor is that
 * listener's version at the moment the connection is taken, so it is at
 * least the key's. A standby replays WAL in commit order and its snapshots
 * only move forward, so once one session has seen data_version ≥ floor,
 * every later statement of that session sees the data of that version or
 * newer (data_version is bumped in the same transaction as the data it
 * versions). Newer data under an older key can happen, as on the primary
 * alone; older under a newer cannot. Tiles read data_version in their own
 * statement too (server/tiles/sql.ts) and are filed under what they read.
 *
 *   const replicas = new ReplicaSet(['postgres://standby:5432/atlas'], { onDown, onUp });
 *   const read = replicas.pool(primaryPool, (url) => new pg.Pool({ connectionString: url }));
 *   replicas.follow(dataVersion);      // createApp does this
 *   await read.query('SELECT …');      // on the standby when it has caught up, else on the primary
 */

import pg from 'pg';
import { Counter, type Metric } from 'prom-client';
import type { DataVersion } from './data-version.ts';

export interface ReplicaOptions {
  /** How long a replica that failed is left alone before a request tries it again, ms. */
  retryMs?: number;
  /** A replica stopped answering (logged once per outage). */
  onDown?: (url: string, e: Error) => void;
  /** It answers again. */
  onUp?: (url: string) => void;
}

interface Replica {
  url: string;
  /** The URL without credentials, for logs and metrics. */
  label: string;
  down: boolean;
  retryAt: number;
}

/** The data_version each replica session was last seen at: it only moves forward while the session lives. */
const seen = new WeakMap<pg.PoolClient, number>();

/** `postgres://user:secret@host:port/db` → `host:port/db`. */
export function replicaLabel(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return 'replica';
  }
}

/** DATABASE_READ_URL → the list of URLs (comma-separated, blanks dropped). */
export function readUrls(value: string | readonly string[] | undefined): string[] {
  const list = typeof value === 'string' ? value.split(',') : (value ?? []);
  return list.map((s) => s.trim()).filter((s) => s !== '');
}

/** The replicas of one primary, their health and the version reads must reach; shared by every read pool. */
export class ReplicaSet {
  readonly replicas: Replica[];
  /** The data version a read must see (the app's listener, `follow`); undefined: every read goes to the primary. */
  floor: number | undefined;
  /** Connections handed out, by where they came from: `to` replica or primary, and why the primary. */
  readonly reads: Counter<'to' | 'reason'>;
  private turn = 0;
  private readonly retryMs: number;

  constructor(
    urls: readonly string[],
    private readonly opts: ReplicaOptions = {},
  ) {
    this.replicas = urls.map((url) => ({
      url,
      label: replicaLabel(url),
      down: false,
      retryAt: 0,
    }));
    this.retryMs = opts.retryMs ?? 5000;
    this.reads = new Counter({
      name: 'border_atlas_read_connections_total',
      help: 'Read connections taken (DATABASE_READ_URL): to a replica, or to the primary and why (behind, down, no-version)',
      labelNames: ['to', 'reason'],
      registers: [],
    });
  }

  /** For the app's /metrics registry. */
  get metrics(): Metric[] {
    return [this.reads];
  }

  /** Keeps `floor` at `version`'s current value; returns the unsubscribe function. */
  follow(version: DataVersion): () => void {
    if (version.current !== undefined) this.floor = version.current;
    return version.onChange((v) => {
      this.floor = v;
    });
  }

  /**
   * A pool that hands out replica connections (one child pool per replica,
   * made by `make`) and falls back to `primary`. `ownsPrimary`: `end()` ends
   * it too (the tile pool's primary half is the tile service's own).
   */
  pool(primary: pg.Pool, make: (url: string) => pg.Pool, ownsPrimary = false): pg.Pool {
    return new ReadPool(
      this,
      primary,
      this.replicas.map((r) => make(r.url)),
      ownsPrimary,
    );
  }

  /** Replica indexes to try now, least busy first, equals in turn; down ones only once their wait is over. */
  order(children: readonly pg.Pool[]): number[] {
    const now = Date.now();
    const n = this.replicas.length;
    const start = this.turn++ % n;
    const candidates: number[] = [];
    for (let k = 0; k < n; k++) {
      const i = (start + k) % n;
      const r = this.replicas[i]!;
      if (r.down && now < r.retryAt) continue;
      candidates.push(i);
    }
    const busy = (p: pg.Pool) => p.totalCount - p.idleCount + p.waitingCount;
    // A stable sort keeps the round-robin order among equally busy replicas.
    return candidates.sort((a, b) => busy(children[a]!) - busy(children[b]!));
  }

  markDown(i: number, e: Error): void {
    const r = this.replicas[i]!;
    r.retryAt = Date.now() + this.retryMs;
    if (r.down) return;
    r.down = true;
    this.opts.onDown?.(r.label, e);
  }

  markUp(i: number): void {
    const r = this.replicas[i]!;
    if (!r.down) return;
    r.down = false;
    this.opts.onUp?.(r.label);
  }
}

type ConnectCallback = (err: Error | undefined, client: pg.PoolClient | undefined, done: () => void) => void;

/**
 * pg.Pool's interface over replica pools and the primary. Only `connect`
 * is routed: pg-pool's own `query` calls `this.connect`, so one-off queries
 * (tiles, single features) are routed too, and released where they belong.
 */
class ReadPool extends pg.Pool {
  constructor(
    private readonly set: ReplicaSet,
    private readonly primary: pg.Pool,
    private readonly children: pg.Pool[],
    private readonly ownsPrimary: boolean,
  ) {
    // Never connects itself; the options are the primary's for anyone who reads them.
    super(primary.options);
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | undefined {
    const client = this.route();
    if (!callback) return client;
    client.then(
      (c) => callback(undefined, c, () => c.release()),
      (e: Error) => callback(e, undefined, () => {}),
    );
    return undefined;
  }

  override end(): Promise<void>;
  override end(callback: () => void): void;
  override end(callback?: () => void): Promise<void> | undefined {
    const ended = Promise.all([
      ...this.children.map((p) => p.end()),
      ...(this.ownsPrimary ? [this.primary.end()] : []),
    ]).then(() => {});
    if (!callback) return ended;
    void ended.then(callback, callback);
    return undefined;
  }

  private async route(): Promise<pg.PoolClient> {
    const floor = this.set.floor;
    if (floor === undefined) return this.fromPrimary('no-version');
    for (const i of this.set.order(this.children)) {
      const got = await this.fromReplica(i, floor);
      if (got === 'down' || got === 'behind') continue;
      this.set.reads.inc({ to: 'replica' });
      return got;
    }
    // A replica that is up and still not chosen was behind the floor.
    return this.fromPrimary(this.set.replicas.some((r) => !r.down) ? 'behind' : 'down');
  }

  private fromPrimary(reason: string): Promise<pg.PoolClient> {
    this.set.reads.inc({ to: 'primary', reason });
    return this.primary.connect();
  }

  /**
   * A connection of replica `i` whose session has reached `floor`, or why
   * not. Any failure before the read begins (refused, starting up, a wrong
   * database) marks the replica down: a replica must not take reads down.
   */
  private async fromReplica(i: number, floor: number): Promise<pg.PoolClient | 'down' | 'behind'> {
    let client: pg.PoolClient;
    try {
      client = await this.children[i]!.connect();
    } catch (e) {
      this.set.markDown(i, e as Error);
      return 'down';
    }
    let version = seen.get(client);
    if (version === undefined || version < floor) {
      try {
        const { rows } = await client.query<{ version: string | number }>('SELECT version FROM data_version');
        version = Number(rows[0]?.version ?? -1);
        seen.set(client, version);
      } catch (e) {
        client.release(true);
        this.set.markDown(i, e as Error);
        return 'down';
      }
    }
    this.set.markUp(i);
    if (version >= floor) return client;
    client.release();
    return 'behind';
  }
}
