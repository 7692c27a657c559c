/**
 * `server/main.ts --workers 2` as a child process (server/cluster.ts): the
 * primary prepares the database once and two workers serve one port; a
 * worker killed is replaced; SIGTERM lets a request in flight finish.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionsPerWorker, poolBudget, workerCount } from '../server/cluster.ts';
import { ConfigError } from '../server/config.ts';
import { scratchDatabase, waitFor } from './helpers.ts';

const root = path.join(import.meta.dirname, '..');
let child: ChildProcess;
let out = '';
let port = 0;
let exited: Promise<number | null>;
let drop: (() => Promise<void>) | undefined;

interface Line {
  msg?: string;
  worker?: number;
  workerPid?: number;
  port?: number;
  pid?: number;
}
const lines = (): Line[] =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => {
      try {
        return JSON.parse(l) as Line;
      } catch {
        return {};
      }
    });
const started = () => lines().filter((l) => l.msg === 'worker started');

/** GET on a fresh connection (no keep-alive), so the primary hands each to the next worker. */
function get(p: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: p, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

describe('npm start -- --workers 2', () => {
  beforeAll(async () => {
    // A database of its own (migrated, empty): the primary seeds it, and no other test's
    // server/main.ts prepares the same database at the same time.
    const scratch = await scratchDatabase();
    drop = scratch.drop;
    child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['server/main.ts', '--workers', '2'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: scratch.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.stderr?.on('data', (d) => {
      out += d;
    });
    exited = new Promise((r) => child.on('exit', (c) => r(c)));
    const up = await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${out}`);
      return lines().filter((l) => l.msg?.startsWith('Border Atlas listening') && l.worker).length === 2;
    }, 240_000);
    if (!up) throw new Error(`two workers did not start:\n${out}`);
    port = lines().find((l) => l.msg?.endsWith('(2 workers)'))?.port ?? 0;
  }, 300_000);

  afterAll(async () => {
    // After a failure: the primary and its workers too, not only tsx in front of them.
    const pids = started().flatMap((l) => [l.pid, l.workerPid]);
    for (const pid of new Set(pids))
      try {
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    await drop?.();
  });

  it('prepares the database once in the primary, then two workers answer on one port', async () => {
    expect(port).toBeGreaterThan(0);
    // migrateAndSeed ran in the primary only (the workers have SKIP_PREPARE=1).
    expect(lines().filter((l) => l.msg?.startsWith('seed data loaded'))).toHaveLength(1);
    const pids = started().map((l) => l.workerPid);
    expect(new Set(pids).size).toBe(2);
    for (let i = 0; i < 6; i++) expect(await get('/ready')).toBe(200);
    // Both workers served some of them (the request log names the worker).
    const served = new Set(
      lines()
        .filter((l) => l.msg === 'GET /ready 200')
        .map((l) => l.worker),
    );
    expect([...served].sort()).toEqual([1, 2]);
  });

  it('starts another worker when one dies, and keeps answering', async () => {
    const victim = started()[0]?.workerPid as number;
    process.kill(victim, 'SIGKILL');
    expect(await waitFor(async () => started().length === 3, 60_000)).toBe(true);
    expect(lines().some((l) => l.msg === 'worker exited; starting another' && l.workerPid === victim)).toBe(
      true,
    );
    // The other worker answers meanwhile; then the new one has its port too.
    expect(await get('/ready')).toBe(200);
    expect(
      await waitFor(
        async () => lines().some((l) => l.msg?.startsWith('Border Atlas listening') && l.worker === 3),
        90_000,
      ),
    ).toBe(true);
    const fresh = started()[2]?.workerPid as number;
    expect(() => process.kill(fresh, 0)).not.toThrow();
    for (let i = 0; i < 4; i++) expect(await get('/ready')).toBe(200);
  }, 180_000);

  it('drains on SIGTERM: a request in flight is answered, then every process exits 0', async () => {
    // A sign-in whose body is still coming when SIGTERM arrives.
    const body = JSON.stringify({ token: `ba_000000000000_${'C'.repeat(43)}` });
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    socket.on('data', (d) => {
      reply += d;
    });
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write(
      `POST /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );
    // Sequencing only (not an assertion on time): let a worker take the connection.
    await new Promise((r) => setTimeout(r, 1000));
    child.kill('SIGTERM');
    expect(
      await waitFor(
        async () =>
          lines().filter((l) => l.msg === 'draining requests' && l.worker !== undefined).length === 2,
        30_000,
      ),
    ).toBe(true);
    // Not end(): a half-close would abort the request (Node's http servers do not allow half-open).
    socket.write(body.slice(10));
    expect(await waitFor(async () => reply.includes('\r\n\r\n') || socket.destroyed, 30_000)).toBe(true);
    // Answered (a wrong token: 401), not cut off.
    expect(reply).toMatch(/^HTTP\/1\.1 401 /);
    socket.end();
    await closed;
    expect(await exited).toBe(0);
    expect(lines().filter((l) => l.msg === 'stopped')).toHaveLength(3); // two workers and the primary
  }, 60_000);
});

describe('workerCount (--workers and WORKERS)', () => {
  it('is null without either, so npm start stays one process', () => {
    expect(workerCount([], '')).toBeNull();
  });
  it('takes --workers N, --workers=N, and one per core for --workers alone or 0; the flag beats WORKERS', () => {
    expect(workerCount(['--workers', '3'], '')).toBe(3);
    expect(workerCount(['--workers=2'], '5')).toBe(2);
    expect(workerCount(['--workers'], '')).toBe(availableParallelism());
    expect(workerCount(['--workers', '--other'], '')).toBe(availableParallelism());
    expect(workerCount([], '0')).toBe(availableParallelism());
    expect(workerCount([], '4')).toBe(4);
  });
  it.each([
    [['--workers', 'two'], '', '--workers="two"'],
    [['--workers=-1'], '', '--workers="-1"'],
    [['--workers', '1000'], '', '--workers="1000"'],
    [[], '300', 'WORKERS="300"'],
  ])('refuses %j (WORKERS=%j) naming it', (argv, env, named) => {
    expect(() => workerCount(argv, env)).toThrow(ConfigError);
    expect(() => workerCount(argv, env)).toThrow(named);
  });
  it('a bad --workers stops server/main.ts with status 2 and the message', async () => {
    const bad = spawn(path.join(root, 'node_modules/.bin/tsx'), ['server/main.ts', '--workers', 'many'], {
      cwd: root,
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    bad.stderr?.on('data', (d) => {
      err += d;
    });
    expect(await new Promise((r) => bad.on('exit', r))).toBe(2);
    expect(err).toContain('--workers="many"');
  });
});

describe('poolBudget', () => {
  const defaults = { PG_POOL_MAX: 10, TILE_PG_POOL_MAX: 4, LIMIT_LARGE_PAGE_CONCURRENCY: 2 };
  it('leaves the pools alone when every worker fits', () => {
    expect(connectionsPerWorker(defaults)).toBe(17);
    expect(poolBudget(defaults, 2, 87)).toEqual({});
  });
  it('cuts the API and tile pools so that N workers fit in what the server allows', () => {
    const cut = poolBudget(defaults, 8, 87);
    const per = Number(cut.PG_POOL_MAX) + Number(cut.TILE_PG_POOL_MAX) + 2 + 1;
    expect(per * 8).toBeLessThanOrEqual(87);
    expect(Number(cut.PG_POOL_MAX)).toBeGreaterThanOrEqual(2);
    expect(Number(cut.TILE_PG_POOL_MAX)).toBeGreaterThanOrEqual(1);
  });
});
