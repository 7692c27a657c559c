/** Small helpers shared by the metadata routes: `f=json` only, JSON bodies with our media types. */
import type { Response } from 'express';
import { MEDIA } from './links.ts';

export function sendJson(res: Response, body: unknown, type: string = MEDIA.json): void {
  res.setHeader('Content-Type', `${type}; charset=utf-8`);
  res.send(JSON.stringify(body));
}
