/**
 * Compressed answers (server/http/compress.ts): JSON, GeoJSON and glyph
 * ranges in Brotli or gzip as the client accepts, identity when it accepts
 * neither; tiles gzipped once by the tile routes and never compressed again;
 * the build's .br/.gz copies of the assets sent with the original's type.
 * Read with node:http, which (unlike fetch) shows the bytes as sent.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseEncoding, compressAnswers, precompressedAssets } from '../server/http/compress.ts';
import { useApp } from './helpers.ts';

const app = useApp();

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const decode = (r: Raw): Buffer =>
  r.headers['content-encoding'] === 'br'
    ? brotliDecompressSync(r.body)
    : r.headers['content-encoding'] === 'gzip'
      ? gunzipSync(r.body)
      : r.body;

const isGzip = (b: Buffer) => b[0] === 0x1f && b[1] === 0x8b;

describe('compressed answers', () => {
  for (const path of [
    '/ogc/collections',
    '/styles/atlas.json?lang=vi',
    '/styles/labels.geojson',
    '/tiles/all.json',
  ]) {
    it(`${path}: Brotli or gzip as accepted, identity otherwise, the same document each way`, async () => {
      const plain = await get(`${app.base}${path}`);
      expect(plain.status).toBe(200);
      expect(plain.headers['content-encoding']).toBeUndefined();
      const br = await get(`${app.base}${path}`, { 'accept-encoding': 'gzip, br' });
      const gz = await get(`${app.base}${path}`, { 'accept-encoding': 'gzip' });
      expect(br.headers['content-encoding']).toBe('br');
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
      expect(br.body.length).toBeLessThan(plain.body.length);
      expect(JSON.parse(decode(br).toString())).toEqual(JSON.parse(plain.body.toString()));
      expect(JSON.parse(decode(gz).toString())).toEqual(JSON.parse(plain.body.toString()));
    });
  }

  it('a refused encoding (br;q=0) is not sent', async () => {
    const r = await get(`${app.base}/ogc/collections`, { 'accept-encoding': 'br;q=0, gzip' });
    expect(r.headers['content-encoding']).toBe('gzip');
  });

  it('glyph ranges are compressed (protobuf SDF bitmaps, not marked compressible by mime-db)', async () => {
    const url = `${app.base}/fonts/Noto%20Sans%20Regular/0-255.pbf`;
    const plain = await get(url);
    expect(plain.status).toBe(200);
    const gz = await get(url, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(decode(gz).equals(plain.body)).toBe(true);
  });

  it('a tile is gzipped once, by the tile route, whatever else the client accepts', async () => {
    // z5 tiles over the border provinces: at least one of them has features.
    for (const [x, y] of [
      [25, 14],
      [25, 13],
      [24, 14],
    ]) {
      const url = `${app.base}/tiles/all/5/${x}/${y}.mvt`;
      const plain = await get(url);
      if (plain.status === 204) continue;
      expect(plain.status).toBe(200);
      expect(isGzip(plain.body)).toBe(false);
      for (const ae of ['br, gzip', 'gzip', 'br']) {
        const r = await get(url, { 'accept-encoding': ae });
        const expected = ae === 'br' ? undefined : 'gzip';
        expect(r.headers['content-encoding'], ae).toBe(expected);
        const once = decode(r);
        expect(isGzip(once), ae).toBe(false);
        expect(once.equals(plain.body), ae).toBe(true);
      }
      return;
    }
    throw new Error('no z5 tile with features over the border provinces');
  });
});

describe('precompressed assets', () => {
  const top = mkdtempSync(path.join(tmpdir(), 'border-atlas-assets-'));
  const dir = path.join(top, 'site');
  const script = `export const words = ${JSON.stringify('lorem ipsum '.repeat(500))};\n`;
  let server: Server;
  beforeAll(async () => {
    mkdirSync(path.join(dir, 'assets'), { recursive: true });
    writeFileSync(path.join(top, 'outside.js'), script);
    writeFileSync(path.join(top, 'outside.js.br'), brotliCompressSync(script));
    writeFileSync(path.join(dir, 'assets', 'main-abc.js'), script);
    writeFileSync(path.join(dir, 'assets', 'main-abc.js.br'), brotliCompressSync(script));
    writeFileSync(path.join(dir, 'assets', 'main-abc.js.gz'), gzipSync(script));
    writeFileSync(path.join(dir, 'assets', 'plain.css'), 'body { color: red }\n'.repeat(200));
    const a = express();
    a.use(compressAnswers());
    a.use(precompressedAssets(dir));
    a.use(express.static(dir));
    server = a.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(top, { recursive: true, force: true });
  });
  const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  it('sends the .br copy, else the .gz, with the script type; identity without Accept-Encoding', async () => {
    const br = await get(`${base()}/assets/main-abc.js`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/^text\/javascript/);
    expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
    expect(decode(br).toString()).toBe(script);
    const gz = await get(`${base()}/assets/main-abc.js?v=1`, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(decode(gz).toString()).toBe(script);
    const plain = await get(`${base()}/assets/main-abc.js`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(script);
  });

  it('an asset without copies is compressed on the fly; paths out of the folder are not served', async () => {
    const css = await get(`${base()}/assets/plain.css`, { 'accept-encoding': 'gzip' });
    expect(css.headers['content-encoding']).toBe('gzip');
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    const out = await get(`${base()}/assets/..%2f..%2foutside.js`, { 'accept-encoding': 'br' });
    expect(out.status).not.toBe(200);
    expect(out.headers['content-encoding']).toBeUndefined();
  });
});

describe('small answers compressed at once', () => {
  const small = { results: Array.from({ length: 40 }, (_, i) => ({ id: i, name: `Xã Quảng An ${i}` })) };
  const large = 'Mường Nhà, Điện Biên; '.repeat(8000);
  let server: Server;
  beforeAll(async () => {
    const a = express();
    a.use(compressAnswers());
    a.get('/small', (_req, res) => res.json(small));
    a.get('/tiny', (_req, res) => res.json({ ok: true }));
    a.get('/large', (_req, res) => res.type('text').send(large));
    a.get('/no-transform', (_req, res) => res.set('Cache-Control', 'no-transform').json(small));
    server = a.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  it('sends a small whole answer compressed with its Content-Length, not chunked', async () => {
    for (const [ae, encoding] of [
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
    ] as const) {
      const r = await get(`${base()}/small`, { 'accept-encoding': ae });
      expect(r.headers['content-encoding'], ae).toBe(encoding);
      expect(r.headers['transfer-encoding'], ae).toBeUndefined();
      expect(Number(r.headers['content-length']), ae).toBe(r.body.length);
      expect(String(r.headers.vary)).toMatch(/accept-encoding/i);
      expect(JSON.parse(decode(r).toString())).toEqual(small);
    }
  });

  it('leaves a large answer to the streaming path, and tiny, no-transform or unaccepted ones as they are', async () => {
    const big = await get(`${base()}/large`, { 'accept-encoding': 'br' });
    expect(big.headers['content-encoding']).toBe('br');
    expect(big.headers['transfer-encoding']).toBe('chunked');
    expect(decode(big).toString()).toBe(large);
    const tiny = await get(`${base()}/tiny`, { 'accept-encoding': 'br' });
    expect(tiny.headers['content-encoding']).toBeUndefined();
    const kept = await get(`${base()}/no-transform`, { 'accept-encoding': 'br' });
    expect(kept.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(kept.body.toString())).toEqual(small);
    const plain = await get(`${base()}/small`, { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(plain.body.toString())).toEqual(small);
  });

  it('chooses by q, Brotli on a tie, and honours q=0 and *', () => {
    expect(chooseEncoding(undefined)).toBeNull();
    expect(chooseEncoding('gzip, deflate, br')).toBe('br');
    expect(chooseEncoding('gzip;q=1, br;q=0.5')).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip')).toBe('gzip');
    expect(chooseEncoding('br;q=0, *')).toBe('gzip');
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('*;q=0')).toBeNull();
    expect(chooseEncoding('identity')).toBeNull();
    expect(chooseEncoding('deflate')).toBeNull();
    expect(chooseEncoding('GZIP ; q=0.8')).toBe('gzip');
  });
});
