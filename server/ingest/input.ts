/**
 * What `POST /api/ingest` and `npm run ingest` take, checked: a bad field is
 * a 400 naming it (ProblemError from badRequest), before anything is read.
 */
import { unitQuery } from '../gazetteer/route.ts';
import { badRequest } from '../http/problem.ts';
import type { IngestInput } from './types.ts';

const FIELDS = new Set(['text', 'html', 'source', 'published', 'lang']);
const SOURCE_FIELDS = new Set(['title', 'url', 'publisher']);

/** A real day YYYY-MM-DD between 1900 and 2100 (the check of GET /api/units/{code}?at=). */
export function isDay(s: string): boolean {
  return unitQuery.shape.at.safeParse(s).success;
}

function optionalText(v: unknown, name: string, max: number): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.length > max || /[\p{Cc}]/u.test(v))
    throw badRequest(name, `a string of at most ${max} characters without control characters, or null`, v);
  return v.trim() || null;
}

/** The JSON body → the input of ingest(). */
export function ingestInput(body: unknown): IngestInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw badRequest('body', 'a JSON object { text | html, source, published?, lang? }', body ?? 'nothing');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b))
    if (!FIELDS.has(k)) throw badRequest(k, 'absent (not a field of the body)', b[k]);
  const has = (k: string) => b[k] !== undefined && b[k] !== null;
  if (has('text') === has('html'))
    throw badRequest('text', 'given, or html, exactly one of the two', 'both or none');
  const content = has('text') ? 'text' : 'html';
  const value = b[content];
  if (typeof value !== 'string' || !value.trim() || value.includes('\u0000'))
    throw badRequest(content, 'a non-empty string', value);
  const source = b.source;
  if (source === null || typeof source !== 'object' || Array.isArray(source))
    throw badRequest('source', 'an object { title, url, publisher? }', source ?? 'nothing');
  const s = source as Record<string, unknown>;
  for (const k of Object.keys(s))
    if (!SOURCE_FIELDS.has(k)) throw badRequest(`source.${k}`, 'absent (not a field of source)', s[k]);
  const title = optionalText(s.title, 'source.title', 500);
  if (!title || title.length < 3)
    throw badRequest('source.title', 'a title of 3 characters or more', s.title);
  const url = optionalText(s.url, 'source.url', 2000);
  if (url !== null) {
    let ok = false;
    try {
      ok = /^https?:$/.test(new URL(url).protocol);
    } catch {}
    if (!ok) throw badRequest('source.url', 'an http(s) URL or null', url);
  }
  const publisher = optionalText(s.publisher, 'source.publisher', 300);
  let published: string | null = null;
  if (has('published')) {
    if (typeof b.published !== 'string' || !isDay(b.published))
      throw badRequest('published', 'a day YYYY-MM-DD', b.published);
    published = b.published;
  }
  let lang: IngestInput['lang'];
  if (has('lang')) {
    if (b.lang !== 'vi' && b.lang !== 'en') throw badRequest('lang', 'vi or en', b.lang);
    lang = b.lang;
  }
  return {
    [content]: value,
    source: { title, url, publisher },
    published,
    ...(lang ? { lang } : {}),
  };
}
