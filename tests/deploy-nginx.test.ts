/**
 * deploy/nginx.conf, as shipped, run by Debian's nginx in front of two
 * instances of the app on one (scratch) database, with the tile
 * Cache-Control of deploy/border-atlas.env: tiles pass through with their
 * gzip bytes, the second read is a cache HIT, a write on instance 1 reaches
 * instance 2 and, once nginx's freshness (s-maxage) is over, the next read
 * through nginx. Skipped only when /usr/sbin/nginx is missing (.ci/run
 * installs it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokens as editTokens, getFeature, seedWithTokens, send } from './edit-support.ts';
import { freePort, useApp, waitFor } from './helpers.ts';
import { rawGet, tileOf } from './tiles-helpers.ts';

const NGINX = '/usr/sbin/nginx';
const root = path.join(import.meta.dirname, '..');
const env = readFileSync(path.join(root, 'deploy/border-atlas.env'), 'utf8');
const TILE_CACHE_CONTROL = /^TILE_CACHE_CONTROL=(.+)$/m.exec(env)?.[1] ?? '';
const sMaxAge = Number(/s-maxage=(\d+)/.exec(TILE_CACHE_CONTROL)?.[1]);

const app = useApp({
  database: 'scratch',
  setup: seedWithTokens,
  instances: 2,
  config: { TILE_CACHE_CONTROL },
});

let dir = '';
let nginx: ChildProcess | undefined;
let proxy = '';

/** deploy/nginx.conf with its placeholders filled for this run. */
function nginxConf(listen: string, upstreams: string[]): string {
  return readFileSync(path.join(root, 'deploy/nginx.conf'), 'utf8')
    .replaceAll('@PREFIX@', dir)
    .replaceAll('@LISTEN@', listen)
    .replaceAll('@UPSTREAMS@', upstreams.map((u) => `server ${u};`).join(' '));
}

beforeAll(async () => {
  if (!existsSync(NGINX)) return;
  dir = mkdtempSync(path.join(tmpdir(), 'ba-nginx-'));
  for (const d of ['tmp', 'cache']) mkdirSync(path.join(dir, d));
  const port = await freePort();
  const upstreams = app.bases.map((b) => new URL(b).host);
  writeFileSync(path.join(dir, 'nginx.conf'), nginxConf(`127.0.0.1:${port}`, upstreams));
  // As root, nginx's workers would switch to nobody, who cannot write this directory.
  const globals = `daemon off;${process.getuid?.() === 0 ? ' user root;' : ''}`;
  nginx = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', globals], { stdio: 'pipe' });
  let err = '';
  nginx.stderr?.on('data', (d) => {
    err += d;
  });
  proxy = `http://127.0.0.1:${port}`;
  const up = await waitFor(async () => {
    if (nginx?.exitCode !== null) throw new Error(`nginx exited ${nginx?.exitCode}: ${err}`);
    return fetch(`${proxy}/health`).then(
      (r) => r.ok,
      () => false,
    );
  }, 20_000);
  if (!up) throw new Error(`nginx did not answer: ${err}`);
}, 60_000);

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((r) => nginx?.once('exit', r));
    nginx.kill('SIGQUIT'); // graceful: workers finish, then exit
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A project with a precise point, its z10 tile, and its name. */
async function aProject() {
  const { rows } = await sql<{ id: number; name: string; lon: number; lat: number }>`
    SELECT id, name, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM projects
    WHERE geom IS NOT NULL AND GeometryType(geom) = 'POINT' ORDER BY id LIMIT 1`.execute(app.database.db);
  const p = rows[0];
  if (!p) throw new Error('no project with a point in the seed data');
  const t = tileOf(p.lon, p.lat, 10);
  return { ...p, tile: `/tiles/all/${t.z}/${t.x}/${t.y}.mvt` };
}

const gz = { 'Accept-Encoding': 'gzip' };

describe.skipIf(!existsSync(NGINX))('nginx (deploy/nginx.conf) in front of two instances', () => {
  it('passes tiles through with their gzip bytes and headers; the second read is a cache HIT', async () => {
    const { tile } = await aProject();
    const direct = await rawGet(`${app.bases[0]}${tile}`, gz);
    expect(direct.status).toBe(200);

    const first = await rawGet(`${proxy}${tile}`, gz);
    expect(first.status).toBe(200);
    expect(first.headers['x-cache-status']).toBe('MISS');
    expect(first.headers['content-encoding']).toBe('gzip');
    expect(first.headers.vary).toBe('Accept-Encoding');
    expect(first.headers['cache-control']).toBe(TILE_CACHE_CONTROL);
    expect(first.headers.etag).toBe(direct.headers.etag);
    expect(first.body.equals(direct.body)).toBe(true);

    const second = await rawGet(`${proxy}${tile}`, gz);
    expect(second.headers['x-cache-status']).toBe('HIT');
    expect(second.body.equals(direct.body)).toBe(true);

    // A client without gzip gets the same tile uncompressed (its own cached variant), not gzip bytes.
    const plain = await rawGet(`${proxy}${tile}`, {});
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(gunzipSync(direct.body))).toBe(true);
    // If-None-Match answered 304 from the cache.
    const again = await rawGet(`${proxy}${tile}`, { ...gz, 'If-None-Match': String(direct.headers.etag) });
    expect(again.status).toBe(304);
  });

  it('spreads requests over both instances (upstream keep-alive, round robin)', async () => {
    const count = async (base: string) => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return text
        .split('\n')
        .filter((l) => l.includes('_count{') && l.includes('/api/sources'))
        .reduce((s, l) => s + Number(l.split(' ').pop()), 0);
    };
    const before = await Promise.all(app.bases.map(count));
    for (let i = 0; i < 6; i++) expect((await fetch(`${proxy}/api/sources`)).status).toBe(200);
    const after = await Promise.all(app.bases.map(count));
    expect(after[0]! - before[0]!).toBeGreaterThan(0);
    expect(after[1]! - before[1]!).toBeGreaterThan(0);
    expect(after[0]! - before[0]! + after[1]! - before[1]!).toBe(6);
  });

  it('a write on instance 1: instance 2 and, after s-maxage, nginx serve the new tile and feature', async () => {
    const p = await aProject();
    const cachedBefore = await rawGet(`${proxy}${p.tile}`, gz);
    expect(['MISS', 'HIT', 'REVALIDATED', 'EXPIRED']).toContain(cachedBefore.headers['x-cache-status']);
    const feature = await getFeature(app.bases[0]!, 'projects', p.id);
    const renamed = `${p.name} (đã đổi tên ${Date.now()})`;
    const patched = await send(
      app.bases[0]!,
      'PATCH',
      `/ogc/collections/projects/items/${p.id}`,
      'editor',
      { properties: { name: renamed, source: { id: 'art-que-phong-infrastructure' } } },
      { 'If-Match': feature.etag },
    );
    expect(patched.status, patched.text).toBe(200);
    expect(editTokens.editor).not.toBe('');

    // Instance 2 hears of it through LISTEN/NOTIFY and renders anew.
    const { rows } = await sql<{ v: number }>`SELECT version::int AS v FROM data_version`.execute(
      app.database.db,
    );
    await app.versions[1]!.waitFor(rows[0]!.v);
    const fresh = await rawGet(`${app.bases[1]}${p.tile}`, gz);
    expect(fresh.headers.etag).not.toBe(cachedBefore.headers.etag);
    expect(gunzipSync(fresh.body).includes(Buffer.from(renamed))).toBe(true);

    // nginx: its copy is fresh for s-maxage seconds at most (sequencing, not a timed assertion).
    // nginx counts in whole seconds (valid_sec = stored second + s-maxage, stale only once
    // now > valid_sec), so a copy stored just after a second began is fresh for up to s-maxage + 1 s:
    // CI saw a HIT after s-maxage + 0.5 s.
    await new Promise((r) => setTimeout(r, (sMaxAge + 2) * 1000));
    const through = await rawGet(`${proxy}${p.tile}`, gz);
    expect(through.headers['x-cache-status']).toBe('EXPIRED');
    expect(through.headers.etag).toBe(fresh.headers.etag);
    expect(through.body.equals(fresh.body)).toBe(true);
    expect((await rawGet(`${proxy}${p.tile}`, gz)).headers['x-cache-status']).toBe('HIT');

    // Features are not cached by nginx: two reads (one per instance, round robin) both show the new name.
    for (let i = 0; i < 2; i++) {
      const r = await getFeature(proxy, 'projects', p.id);
      expect(r.body.properties?.name).toBe(renamed);
    }
  });
});

describe('docs/deploy.md', () => {
  it.each(['deploy/nginx.conf', 'deploy/border-atlas.service', 'deploy/border-atlas.env'])(
    'shows %s as it is',
    (file) => {
      const doc = readFileSync(path.join(root, 'docs/deploy.md'), 'utf8');
      expect(doc).toContain(readFileSync(path.join(root, file), 'utf8'));
    },
  );
});
