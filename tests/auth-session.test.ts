/**
 * Accounts at the HTTP door (server/auth): 401 and 403 problems, the
 * session cookie and its flags, CSRF for cookie writes (not for bearer
 * ones), the Origin check, the per-token write rate limit with its
 * headers, CORS preflights for writes, and no token in the log. The write
 * routes used are POST /api/import and DELETE /api/session, which go
 * through `auth.require` like every write. A scratch database: tokens are
 * written.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createToken } from '../server/auth/tokens.ts';
import { ConfigError, loadConfig } from '../server/config.ts';
import { useApp } from './helpers.ts';

const LISTED = 'https://maps.example.org';
const LIMIT = 20;
const logLines: string[] = [];
const app = useApp({
  database: 'scratch',
  config: { WRITE_RATE_LIMIT: LIMIT, CORS_WRITE_ORIGINS: [LISTED] },
  // debug: the request log then carries every request's headers, credentials included (redacted).
  logger: pino({ level: 'debug' }, { write: (s: string) => void logLines.push(s) }),
});

const token = async (role: 'viewer' | 'editor' | 'admin', name = `${role} ${Math.random()}`) =>
  (await createToken(app.database.db, { name, role })).token;

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

/** Signs in with `t`; the cookies as a Cookie header, the CSRF token, and the Set-Cookie lines. */
async function signIn(t: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${app.base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ token: t }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const setCookies = res.headers.getSetCookie();
  const cookie = setCookies.map((c) => c.split(';')[0]).join('; ');
  const body = (await res.json()) as { name: string; role: string; csrf: string };
  return { cookie, csrf: body.csrf, body, setCookies };
}

async function problem(res: Response, status: number, code: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as { type: string; status: number; detail: string };
  expect(body.type).toMatch(new RegExp(`/${code}$`));
  expect(body.status).toBe(status);
  return body;
}

const signOut = (headers: Record<string, string>) =>
  fetch(`${app.base}/api/session`, { method: 'DELETE', headers });

describe('who may write', () => {
  it('401 without credentials or with a bad token, 403 with too low a role, as problems', async () => {
    const r401 = await fetch(`${app.base}/api/import`, { method: 'POST' });
    await problem(r401, 401, 'unauthorized');
    expect(r401.headers.get('www-authenticate')).toMatch(/^Bearer /);
    const forged = `ba_000000000000_${'A'.repeat(43)}`;
    await problem(
      await fetch(`${app.base}/api/import`, { method: 'POST', headers: bearer(forged) }),
      401,
      'unauthorized',
    );
    await problem(
      await fetch(`${app.base}/api/import`, { method: 'POST', headers: { authorization: 'Basic eDp5' } }),
      401,
      'unauthorized',
    );
    const viewer = await token('viewer');
    const body = await problem(
      await fetch(`${app.base}/api/import`, { method: 'POST', headers: bearer(viewer) }),
      403,
      'forbidden',
    );
    expect(body.detail).toMatch(/editor role/);
  });
});

describe('sessions', () => {
  it('signs in with a token: httpOnly SameSite=Strict cookie, a readable CSRF cookie, GET tells who', async () => {
    const t = await token('editor', 'Lan, Sở KH&ĐT Lào Cai');
    const { cookie, csrf, body, setCookies } = await signIn(t);
    expect(body).toEqual({ name: 'Lan, Sở KH&ĐT Lào Cai', role: 'editor', csrf });
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const session = setCookies.find((c) => c.startsWith('ba_session='))!;
    const csrfCookie = setCookies.find((c) => c.startsWith('ba_csrf='))!;
    expect(session).toContain(`ba_session=${t};`);
    expect(session).toMatch(/; HttpOnly/i);
    expect(session).toMatch(/; SameSite=Strict/i);
    expect(session).toMatch(/; Path=\//);
    expect(session).not.toMatch(/; Secure/i); // plain http here
    expect(csrfCookie).toContain(`ba_csrf=${csrf};`);
    expect(csrfCookie).not.toMatch(/HttpOnly/i);
    expect(csrfCookie).toMatch(/; SameSite=Strict/i);

    const who = await fetch(`${app.base}/api/session`, { headers: { cookie } });
    expect(who.status).toBe(200);
    expect(who.headers.get('cache-control')).toBe('no-store');
    expect(await who.json()).toEqual({ name: 'Lan, Sở KH&ĐT Lào Cai', role: 'editor', csrf });
    await problem(await fetch(`${app.base}/api/session`), 401, 'unauthorized');
  });

  it('sets Secure when the request came over https (through a trusted proxy)', async () => {
    const { setCookies } = await signIn(await token('viewer'), { 'x-forwarded-proto': 'https' });
    expect(setCookies).toHaveLength(2);
    for (const c of setCookies) expect(c).toMatch(/; Secure/i);
  });

  it('refuses a bad sign-in: 400 naming token, 401 for an unknown one', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${app.base}/api/session`, { method: 'POST', headers: { 'content-type': type }, body });
    const b = await problem(await post('{"tok": "x"}'), 400, 'bad-parameter');
    expect((b as unknown as { parameter: string }).parameter).toBe('token');
    await problem(await post('{"token": 5}'), 400, 'bad-parameter');
    const r = await post(JSON.stringify({ token: `ba_000000000000_${'B'.repeat(43)}` }));
    await problem(r, 401, 'unauthorized');
    expect(r.headers.getSetCookie()).toEqual([]);
  });

  it('a revoked token ends its session at once', async () => {
    const { id, token: t } = await createToken(app.database.db, { name: 'short-lived', role: 'editor' });
    const { cookie } = await signIn(t);
    expect((await fetch(`${app.base}/api/session`, { headers: { cookie } })).status).toBe(200);
    await app.database.db
      .updateTable('api_tokens')
      .set({ revoked_at: new Date() })
      .where('id', '=', id)
      .execute();
    await problem(await fetch(`${app.base}/api/session`, { headers: { cookie } }), 401, 'unauthorized');
    // Signing out of a dead session still clears the cookies.
    const out = await signOut({ cookie });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join('\n')).toMatch(/ba_session=;.*Expires=Thu, 01 Jan 1970/);
  });
});

describe('CSRF and Origin on cookie writes', () => {
  it('a cookie write needs X-CSRF-Token equal to the ba_csrf cookie; a bearer write does not', async () => {
    const t = await token('editor');
    const { cookie, csrf } = await signIn(t);
    await problem(await signOut({ cookie }), 403, 'csrf');
    await problem(await signOut({ cookie, 'x-csrf-token': `${csrf.slice(0, -1)}x` }), 403, 'csrf');
    // Another session's CSRF token does not fit this one.
    const other = await signIn(await token('editor'));
    await problem(await signOut({ cookie, 'x-csrf-token': other.csrf }), 403, 'csrf');
    // The same checks on the import (an editor's write): refused before the body is read.
    await problem(
      await fetch(`${app.base}/api/import`, { method: 'POST', headers: { cookie } }),
      403,
      'csrf',
    );
    // Still signed in: nothing above signed out.
    expect((await fetch(`${app.base}/api/session`, { headers: { cookie } })).status).toBe(200);

    const out = await signOut({ cookie, 'x-csrf-token': csrf });
    expect(out.status).toBe(204);
    const cleared = out.headers.getSetCookie();
    expect(cleared.some((c) => c.startsWith('ba_session=;'))).toBe(true);
    expect(cleared.some((c) => c.startsWith('ba_csrf=;'))).toBe(true);

    // Bearer: no CSRF token needed.
    expect((await signOut(bearer(t))).status).toBe(204);
  });

  it('refuses writes whose Origin is neither ours nor listed, and cross-site cookie writes', async () => {
    const t = await token('editor');
    const { cookie, csrf } = await signIn(t);
    const ok = { cookie, 'x-csrf-token': csrf };
    const b = await problem(await signOut({ ...ok, origin: 'https://evil.example' }), 403, 'origin');
    expect(b.detail).toContain('https://evil.example');
    await problem(await signOut({ ...ok, 'sec-fetch-site': 'cross-site' }), 403, 'origin');
    await problem(await signOut({ ...bearer(t), origin: 'https://evil.example' }), 403, 'origin');
    // A sign-in from another site's page is refused too.
    const login = await fetch(`${app.base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ token: t }),
    });
    await problem(login, 403, 'origin');
    // A listed origin with a bearer token, and our own origin with the cookie, may.
    expect((await signOut({ ...bearer(t), origin: LISTED })).status).toBe(204);
    const own = new URL(app.base).origin;
    expect((await signOut({ ...ok, origin: own, 'sec-fetch-site': 'same-origin' })).status).toBe(204);
  });
});

describe('rate limits on writes', () => {
  it(`allows ${LIMIT} writes a minute per token with RateLimit headers, then 429 with Retry-After`, async () => {
    const t = await token('editor');
    for (let i = 0; i < LIMIT; i++) {
      const r = await signOut(bearer(t));
      expect(r.status).toBe(204);
      expect(r.headers.get('ratelimit')).toMatch(new RegExp(`^"writes"; r=${LIMIT - 1 - i}; t=\\d+$`));
      expect(r.headers.get('ratelimit-policy')).toMatch(new RegExp(`^"writes"; q=${LIMIT}; w=60; pk=:`));
    }
    const over = await signOut(bearer(t));
    await problem(over, 429, 'rate-limited');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(over.headers.get('ratelimit')).toMatch(/^"writes"; r=0; t=\d+$/);
    // Per token: another token still writes.
    expect((await signOut(bearer(await token('editor')))).status).toBe(204);
    // Reads and refused requests are not counted or limited.
    expect((await fetch(`${app.base}/api/session`, { headers: bearer(t) })).status).toBe(200);
  });
});

describe('CORS', () => {
  const preflight = (origin: string, method: string) =>
    fetch(`${app.base}/api/import`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization,content-type,if-match',
      },
    });

  it('lets a listed origin preflight writes with Authorization, If-Match and Content-Type', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const r = await preflight(LISTED, method);
      expect(r.status).toBe(204);
      expect(r.headers.get('access-control-allow-origin')).toBe(LISTED);
      expect(r.headers.get('access-control-allow-methods')).toContain(method);
      const allowed = r.headers.get('access-control-allow-headers')!.toLowerCase().split(',');
      expect(allowed).toEqual(expect.arrayContaining(['authorization', 'if-match', 'content-type']));
    }
  });

  it('refuses write preflights from any other origin, and keeps reads open to all', async () => {
    for (const method of ['POST', 'PATCH', 'DELETE']) {
      const r = await preflight('https://elsewhere.example', method);
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
      expect(r.headers.get('access-control-allow-methods')).toBeNull();
    }
    const read = await fetch(`${app.base}/api/session`, { headers: { origin: 'https://elsewhere.example' } });
    expect(read.headers.get('access-control-allow-origin')).toBe('*');
    const exposed = read.headers.get('access-control-expose-headers')!.split(',');
    expect(exposed).toEqual(
      expect.arrayContaining(['ETag', 'Location', 'RateLimit', 'RateLimit-Policy', 'Retry-After']),
    );
    const readPreflight = await preflight('https://elsewhere.example', 'GET');
    expect(readPreflight.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('logs', () => {
  it('never hold a token, whether it came as a bearer header, a cookie or a Set-Cookie', async () => {
    const t = await token('editor', 'logged');
    const secret = t.slice(16);
    logLines.length = 0;
    const { cookie, csrf } = await signIn(t);
    expect((await fetch(`${app.base}/api/session`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${app.base}/api/session`, { headers: bearer(t) })).status).toBe(200);
    await problem(
      await fetch(`${app.base}/api/import`, { method: 'POST', headers: { cookie } }),
      403,
      'csrf',
    );
    expect((await signOut({ cookie, 'x-csrf-token': csrf })).status).toBe(204);
    const log = logLines.join('');
    // The requests were logged with their headers, so the check below looked at something.
    const lines = logLines.filter((l) => l.includes('/api/session') && l.includes('"headers"'));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines.some((l) => l.includes('"cookie":"[redacted]"'))).toBe(true);
    expect(lines.some((l) => l.includes('"authorization":"[redacted]"'))).toBe(true);
    expect(log).not.toContain(secret);
    expect(log).not.toContain(t);
  });
});

describe('configuration', () => {
  it('reads WRITE_RATE_LIMIT, CORS_WRITE_ORIGINS and IMPORT_MAX_BYTES, and refuses bad values naming them', () => {
    const c = loadConfig({
      CORS_WRITE_ORIGINS: ' https://a.example, http://b.example:8443 ',
      WRITE_RATE_LIMIT: '0',
    });
    expect(c.CORS_WRITE_ORIGINS).toEqual(['https://a.example', 'http://b.example:8443']);
    expect(c.WRITE_RATE_LIMIT).toBe(0);
    expect(loadConfig({}).CORS_WRITE_ORIGINS).toEqual([]);
    expect(loadConfig({}).IMPORT_MAX_BYTES).toBe(100 * 1024 * 1024);
    for (const [name, value] of [
      ['CORS_WRITE_ORIGINS', 'https://a.example/maps'],
      ['CORS_WRITE_ORIGINS', '*'],
      ['WRITE_RATE_LIMIT', '-1'],
      ['IMPORT_MAX_BYTES', '10'],
    ] as const) {
      expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
    }
  });
});

// Last in the file: it uses up this address's sign-ins for the minute.
describe('sign-in attempts', () => {
  it(`are limited per address (${LIMIT} a minute): guessing secrets is not free`, async () => {
    const guess = () =>
      fetch(`${app.base}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: `ba_000000000000_${'C'.repeat(43)}` }),
      });
    const statuses: number[] = [];
    for (let i = 0; i <= LIMIT; i++) {
      const r = await guess();
      statuses.push(r.status);
      if (r.status === 429) {
        await problem(r, 429, 'rate-limited');
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(r.headers.get('ratelimit')).toMatch(/^"sign-in"; r=0; t=\d+$/);
        break;
      }
      await r.body?.cancel();
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
  });
});
