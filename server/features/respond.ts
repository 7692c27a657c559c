/** Small helpers shared by the metadata routes: `f=json` only, JSON bodies with our media types. */
import type { Response } from 'express';
import { badRequest } from '../http/problem.ts';
import { MEDIA } from './links.ts';

/** Metadata answers in JSON only; `f` may say so, and nothing else. */
export function jsonFormat(query: Record<string, unknown>): void {
  const f = query.f;
  if (f !== undefined && f !== 'json') throw badRequest('f', 'json', f);
}

export function sendJson(res: Response, body: unknown, type: string = MEDIA.json): void {
  res.setHeader('Content-Type', `${type}; charset=utf-8`);
  res.send(JSON.stringify(body));
}
