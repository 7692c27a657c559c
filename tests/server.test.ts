import { describe, expect, it } from 'vitest';
import { useApp } from './helpers.ts';

const app = useApp();

describe('server basics', () => {
  it('/health answers 200 while the process runs', async () => {
    const res = await fetch(`${app.base}/health`);
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe('ok');
  });

  it('/ready answers 200 with the data version when the database answers', async () => {
    const res = await fetch(`${app.base}/ready`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe('ready');
    expect(body.data_version).toBeGreaterThan(0);
  });

  it('/metrics exposes Prometheus text with request durations', async () => {
    await fetch(`${app.base}/health`);
    const res = await fetch(`${app.base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toContain('border_atlas_http_request_duration_seconds_bucket');
    expect(text).toContain('border_atlas_process_resident_memory_bytes');
  });

  it('an unknown path is a 404 problem+json', async () => {
    const res = await fetch(`${app.base}/no/such/thing`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await res.json()).title).toBe('Not found');
  });

  it('sends security headers and open CORS for GET', async () => {
    const res = await fetch(`${app.base}/health`, { headers: { Origin: 'https://qgis.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('answers a CORS preflight from another origin', async () => {
    const res = await fetch(`${app.base}/api/search?q=x`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://qgis.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-methods')).toContain('GET');
  });

  // On a path no route serves: a read-only route answers POST 405 before reading the body (bad-input.test.ts).
  it('rejects a body over the size limit with 413, and malformed JSON with 400', async () => {
    const big = await fetch(`${app.base}/api/no-such-endpoint`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ x: 'a'.repeat(200_000) }),
    });
    expect(big.status).toBe(413);
    const bad = await fetch(`${app.base}/api/no-such-endpoint`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"unclosed": ',
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).parameter).toBe('body');
  });

  it('keeps serving after bad requests, each answered 400 naming the parameter', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => fetch(`${app.base}/api/search?q=x&limit=${i}x`)),
    );
    for (const r of answers) {
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect((await r.json()).parameter).toBe('limit');
    }
    expect((await fetch(`${app.base}/health`)).status).toBe(200);
  });
});
