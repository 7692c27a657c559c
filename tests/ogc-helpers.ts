/** Shared plumbing of the feature API tests: GET as JSON, follow next links, read problems. */
import { expect } from 'vitest';

export interface Page {
  type: string;
  features: {
    type: string;
    id: number;
    geometry: { type: string; coordinates: any } | null;
    properties: any;
  }[];
  numberMatched: number;
  numberReturned: number;
  links: { rel: string; type: string; href: string }[];
}

export async function getJson(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; body: any; headers: Headers }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: JSON.parse(text),
    headers: res.headers,
  };
}

export async function page(url: string): Promise<Page> {
  const r = await getJson(url);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.type).toMatch(/^application\/geo\+json/);
  return r.body;
}

/** Every page from `url` on, following next links. */
export async function allPages(url: string): Promise<Page[]> {
  const pages: Page[] = [];
  for (let next: string | undefined = url; next; ) {
    const p = await page(next);
    pages.push(p);
    next = p.links.find((l) => l.rel === 'next')?.href;
    if (pages.length > 1000) throw new Error('too many pages');
  }
  return pages;
}

export function ids(pages: Page[]): number[] {
  return pages.flatMap((p) => p.features.map((f) => f.id));
}

/** Asserts a 400 problem+json that names `parameter`, and returns its detail. */
export async function expectBadParameter(url: string, parameter: string): Promise<string> {
  const r = await getJson(url);
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  expect(r.type).toMatch(/^application\/problem\+json/);
  expect(r.body.parameter).toBe(parameter);
  expect(r.body.detail).toContain(parameter);
  return r.body.detail;
}
