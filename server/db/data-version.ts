/**
 * The current data version, known in memory without a query per request.
 *
 * Seeding, imports and writes run `UPDATE data_version SET version = version + 1`
 * in their transaction; a trigger NOTIFYs `data_version` at commit
 * (migration 2026-11-22T1400). One dedicated connection LISTENs. When it
 * breaks (database restart, network cut, a pooler that forbids LISTEN), we
 * poll every `pollMs` and keep trying to listen again.
 *
 * The app makes one (server/app.ts) and hands it to tiles, features and
 * analysis; each subscribes to changes with `onChange`.
 *
 *   const version = new DataVersion(database.pool, { pollMs: 3000 });
 *   await version.ready();     // first call starts listening
 *   cacheKey = `${version.current}:${path}`;
 *   const v = await version.read();   // for a request that must not be stale (see read())
 *
 *   listening ──(error/end)──▶ polling ──(LISTEN succeeds)──▶ listening
 *       ▲                                                         │
 *       └─────────────────────────────────────────────────────────┘
 */
import pg from 'pg';

export const CHANNEL = 'data_version';

export interface DataVersionOptions {
  /** How often to poll (and retry LISTEN) while not listening, ms. */
  pollMs: number;
  /** Called on every change, with the old and new version (the tile cache empties itself). */
  onChange?: (version: number, previous: number | undefined) => void;
  onError?: (e: Error) => void;
  /**
   * Where to LISTEN, when not where the pool connects: behind a pooler in
   * transaction mode (PgBouncer), LISTEN needs a direct connection.
   */
  listenConfig?: pg.ClientConfig;
}

export class DataVersion {
  /** The last version seen; undefined until the first read succeeds. */
  current: number | undefined;
  /** 'listening' while the LISTEN connection is up, 'polling' otherwise. */
  mode: 'idle' | 'listening' | 'polling' = 'idle';
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private started: Promise<void> | undefined;
  private stopped = false;
  private ticking = false;
  private waiters: { version: number; resolve: () => void }[] = [];
  private readonly listeners = new Set<(version: number, previous: number | undefined) => void>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly opts: DataVersionOptions,
  ) {}

  /**
   * Starts listening on first call; resolves once a version is known or the
   * first attempt failed (then polling goes on in the background).
   */
  ready(): Promise<void> {
    this.started ??= this.tick();
    return this.started;
  }

  /**
   * A tile query read `version` in the same snapshot as its data: if it is
   * newer than ours, the notification is on its way; take it now.
   */
  observe(version: number): void {
    if (this.current === undefined || version > this.current) this.set(version);
  }

  /**
   * The version a request should use. While listening, `current` (no query:
   * a bump is announced at its commit). While not listening, polling alone
   * could answer a version up to `pollMs` old, so the database is asked (and
   * its answer shared with every subscriber); that query fails like any
   * other when the database is away.
   */
  async read(): Promise<number> {
    await this.ready();
    if (this.mode === 'listening' && this.current !== undefined) return this.current;
    const { rows } = await this.pool.query<{ version: string | number }>('SELECT version FROM data_version');
    const version = Number(rows[0]?.version ?? 0);
    // LISTEN may have come back meanwhile: then a notification may be newer than this answer.
    if (this.mode === 'listening') this.observe(version);
    else this.set(version);
    return this.current ?? version;
  }

  /** Calls `listener` on every change of version; returns the unsubscribe function. */
  onChange(listener: (version: number, previous: number | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once `current` has reached `version` (tests, scripts that wrote and want to read back). */
  waitFor(version: number): Promise<void> {
    if (this.current !== undefined && this.current >= version) return Promise.resolve();
    void this.ready();
    return new Promise((resolve) => this.waiters.push({ version, resolve }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const c = this.client;
    this.client = undefined;
    this.mode = 'idle';
    await c?.end().catch(() => {});
  }

  private set(version: number): void {
    const previous = this.current;
    if (version === previous) return;
    this.current = version;
    this.opts.onChange?.(version, previous);
    for (const l of this.listeners) l(version, previous);
    this.waiters = this.waiters.filter((w) => {
      if (version < w.version) return true;
      w.resolve();
      return false;
    });
  }

  /**
   * One round: (re)LISTEN when not listening, else a safety read through the
   * pool (a half-open connection can lose notifications without an error).
   */
  private async tick(): Promise<void> {
    if (this.stopped || this.ticking) return;
    this.ticking = true;
    try {
      await this.round();
    } finally {
      this.ticking = false;
    }
    this.schedule(this.client ? this.opts.pollMs * 10 : this.opts.pollMs);
  }

  private async round(): Promise<void> {
    if (this.client) {
      await this.poll(false);
    } else {
      try {
        await this.listen();
      } catch (e) {
        this.mode = 'polling';
        this.opts.onError?.(e as Error);
        await this.poll(true);
      }
    }
  }

  /**
   * While polling, the database's answer is the truth (it may even go back,
   * when the database was re-created). While listening, notifications are,
   * and a poll may only move forward: it can race a newer notification.
   */
  private async poll(authoritative: boolean): Promise<void> {
    try {
      const { rows } = await this.pool.query<{ version: string | number }>(
        'SELECT version FROM data_version',
      );
      if (!rows[0]) return;
      if (authoritative) this.set(Number(rows[0].version));
      else this.observe(Number(rows[0].version));
    } catch {
      // The database is unreachable; tiles already cached keep being served.
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({
      ...(this.opts.listenConfig ?? this.pool.options),
      application_name: 'border-atlas-data-version',
      keepAlive: true,
    });
    const lost = (e?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      if (e) this.opts.onError?.(e);
      this.mode = 'polling';
      client.end().catch(() => {});
      // Reconnect at once; polling takes over if that fails.
      void this.tick();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (m) => {
      if (m.channel === CHANNEL && m.payload) this.set(Number(m.payload));
    });
    try {
      await client.connect();
      // LISTEN before reading, so no bump falls between the two.
      await client.query(`LISTEN ${CHANNEL}`);
      const { rows } = await client.query<{ version: string | number }>('SELECT version FROM data_version');
      if (this.stopped) {
        await client.end();
        return;
      }
      // Listening must not keep a process alive on its own (a script that
      // builds an app and returns); pg has no option for it, so unref the socket.
      (
        client as unknown as { connection?: { stream?: { unref?: () => void } } }
      ).connection?.stream?.unref?.();
      this.client = client;
      this.mode = 'listening';
      if (rows[0]) this.set(Number(rows[0].version));
    } catch (e) {
      client.removeAllListeners('end');
      client.on('error', () => {});
      await client.end().catch(() => {});
      throw e;
    }
  }
}
