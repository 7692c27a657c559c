/**
 * The examples in the OpenAPI document are what the server answers on the
 * seeded data: recorded by `npm run openapi:examples`, checked here by
 * asking again. A difference means the data or an answer changed: run the
 * script and review the diff of server/http/openapi-examples.json.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXAMPLES_PATH, exampleRequests, recordExamples } from '../server/http/openapi-examples.ts';
import { useApp } from './helpers.ts';

const app = useApp();

describe('OpenAPI examples', () => {
  it('are stored for every request the document names, and equal the answers of the server', async () => {
    const doc = (await (await fetch(`${app.base}/ogc/api`)).json()) as Record<string, unknown>;
    const requests = exampleRequests(doc);
    expect(requests.length).toBeGreaterThan(5);
    const stored = JSON.parse(readFileSync(EXAMPLES_PATH, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(stored).sort()).toEqual(requests);
    expect(await recordExamples(app.base, requests)).toEqual(stored);
  });

  it('appear in the document as the examples of the answers', async () => {
    const doc = (await (await fetch(`${app.base}/ogc/api`)).json()) as {
      paths: Record<
        string,
        { get: { responses: Record<string, { content?: Record<string, { example?: unknown }> }> } }
      >;
    };
    const stored = JSON.parse(readFileSync(EXAMPLES_PATH, 'utf8')) as Record<string, unknown>;
    const search = doc.paths['/api/search']!.get.responses['200']!.content!['application/json']!.example;
    expect(search).toEqual(stored['/api/search?q=muong%20nha&limit=3']);
    expect((search as { results: unknown[] }).results.length).toBeGreaterThan(0);
  });
});
