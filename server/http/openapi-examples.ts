/**
 * The examples of the OpenAPI document are real answers: each operation
 * names a request (`x-example-request`), `npm run openapi:examples`
 * (scripts/openapi-examples.ts) calls them on the seeded data and stores the
 * answers in openapi-examples.json, which the document reads, and
 * tests/openapi-examples.test.ts checks that the stored answers are still
 * what the server says.
 *
 *   const doc = openapiDocument(…); await recordExamples(base, exampleRequests(doc))
 */
import { EXAMPLE_REQUEST } from './openapi.ts';

/** Where the answers live (next to this module). */
export const EXAMPLES_PATH = new URL('./openapi-examples.json', import.meta.url);

/** The host written in stored answers in place of the one that answered. */
export const EXAMPLE_ORIGIN = 'http://localhost:3000';

/** Every request the document names for an example, sorted. */
export function exampleRequests(doc: Record<string, unknown>): string[] {
  const out = new Set<string>();
  for (const item of Object.values(doc.paths as Record<string, Record<string, unknown>>)) {
    for (const op of Object.values(item)) {
      const r = (op as Record<string, unknown> | undefined)?.[EXAMPLE_REQUEST];
      if (typeof r === 'string') out.add(r);
    }
  }
  return [...out].sort();
}

/** Lists of objects (features, rows, results) cut to their first two; coordinates kept whole. */
export function shorten(v: unknown): unknown {
  if (Array.isArray(v)) {
    const objects = v.length > 0 && v.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x));
    return (objects ? v.slice(0, 2) : v).map(shorten);
  }
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shorten(x)]));
  }
  return v;
}

/** Calls each request on `base` and returns the shortened answers, by request; any status but 200 throws. */
export async function recordExamples(
  base: string,
  requests: readonly string[],
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const r of requests) {
    const res = await fetch(`${base}${r}`, { headers: { Accept: 'application/json' } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${r}: ${res.status} ${text.slice(0, 300)}`);
    out[r] = shorten(JSON.parse(text.replaceAll(base, EXAMPLE_ORIGIN)));
  }
  return out;
}

/** The stored file's text for `answers` (stable: sorted keys as recorded, two-space indent). */
export function examplesText(answers: Record<string, unknown>): string {
  return `${JSON.stringify(answers, null, 2)}\n`;
}
