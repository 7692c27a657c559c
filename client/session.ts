/**
 * Who is signed in to the web map (POST/GET/DELETE /api/session) and the
 * writes an editor makes with that session. The token is sent once, to
 * POST /api/session, which keeps it in an httpOnly cookie: the page never
 * stores it. Every unsafe request carries `X-CSRF-Token` (the `csrf` the
 * session answered with), which the server compares with its `ba_csrf`
 * cookie.
 *
 *   const who = await currentSession();            // null when nobody is signed in
 *   await writeJson('PATCH', url, patch, etag);     // → { status, body, etag }
 */
import { HttpError, ours } from './api.ts';

export type Role = 'viewer' | 'editor' | 'admin';
export interface Session {
  name: string;
  role: Role;
  csrf: string;
}

let current: Session | null = null;
const listeners: ((s: Session | null) => void)[] = [];

export function session(): Session | null {
  return current;
}

/** Runs `f` whenever someone signs in or out. */
export function onSession(f: (s: Session | null) => void): void {
  listeners.push(f);
}

function set(s: Session | null): void {
  current = s;
  for (const f of listeners) f(s);
}

export function canEdit(s: Session | null = current): boolean {
  return s?.role === 'editor' || s?.role === 'admin';
}

async function problemOf(res: Response, path: string): Promise<HttpError> {
  const body = (await res.json().catch(() => ({}))) as { detail?: string; title?: string };
  return new HttpError(res.status, path, body.detail ?? body.title ?? res.statusText);
}

/** The session the cookies hold, if any (a 401 is "nobody"). */
export async function currentSession(): Promise<Session | null> {
  const res = await fetch(ours('/api/session'), { headers: { Accept: 'application/json' } });
  set(res.ok ? ((await res.json()) as Session) : null);
  return current;
}

export async function signIn(token: string): Promise<Session> {
  const res = await fetch(ours('/api/session'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ token: token.trim() }),
  });
  if (!res.ok) throw await problemOf(res, '/api/session');
  const s = (await res.json()) as Session;
  set(s);
  return s;
}

export async function signOut(): Promise<void> {
  await fetch(ours('/api/session'), {
    method: 'DELETE',
    headers: current ? { 'X-CSRF-Token': current.csrf } : {},
  });
  set(null);
}

/** One field a write was refused for (the problem's `errors`). */
export interface FieldError {
  field: string;
  message: string;
}

export interface WriteResult<T> {
  status: number;
  ok: boolean;
  body: T | null;
  etag: string | null;
  /** When refused: the problem's detail and its field errors. */
  detail?: string;
  errors?: FieldError[];
}

/** An unsafe request with the session's CSRF token and, for PUT/PATCH/DELETE, `If-Match`. */
export async function writeJson<T>(
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  etag?: string,
  /** The body's media type when it is not a feature or a patch (ingestion: application/json). */
  type?: string,
): Promise<WriteResult<T>> {
  const headers: Record<string, string> = { Accept: 'application/geo+json, application/json' };
  if (current) headers['X-CSRF-Token'] = current.csrf;
  if (etag) headers['If-Match'] = etag;
  if (body !== undefined)
    headers['Content-Type'] =
      type ?? (method === 'PATCH' ? 'application/merge-patch+json' : 'application/geo+json');
  const res = await fetch(ours(path), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  const out: WriteResult<T> = { status: res.status, ok: res.ok, body: null, etag: res.headers.get('ETag') };
  if (res.ok) out.body = parsed as T;
  else {
    const p = (parsed ?? {}) as { detail?: string; title?: string; errors?: FieldError[] };
    out.detail = p.detail ?? p.title ?? res.statusText;
    out.errors = Array.isArray(p.errors) ? p.errors : [];
  }
  return out;
}
