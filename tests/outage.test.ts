/**
 * The database goes away and comes back. This test runs its own PostgreSQL
 * cluster (tests/helpers.ts, privateCluster) so that stopping it disturbs
 * nothing else.
 */
import { describe, expect, it } from 'vitest';
import { useApp, waitFor } from './helpers.ts';

const app = useApp({ database: 'cluster', retryAfterS: 7 });

describe('when the database is unreachable', () => {
  it('answers 503 with Retry-After, keeps running, and recovers by itself when it is back', async () => {
    expect((await fetch(`${app.base}/ready`)).status).toBe(200);
    expect((await fetch(`${app.base}/api/search?q=x`)).status).toBe(200);

    app.cluster.stop();

    const ready = await fetch(`${app.base}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('7');
    expect(ready.headers.get('content-type')).toMatch(/application\/problem\+json/);

    const search = await fetch(`${app.base}/api/search?q=muong`);
    expect(search.status).toBe(503);
    expect(search.headers.get('retry-after')).toBe('7');
    expect((await search.json()).title).toBe('Service unavailable');

    // The process is alive: liveness still answers.
    expect((await fetch(`${app.base}/health`)).status).toBe(200);
    // Bad input is still a 400, not a 503 (it never reaches the database).
    expect((await fetch(`${app.base}/api/search?q=x&limit=-1`)).status).toBe(400);

    await app.cluster.start();
    const back = await waitFor(async () => (await fetch(`${app.base}/ready`)).status === 200, 30_000);
    expect(back).toBe(true);
    expect((await fetch(`${app.base}/api/search?q=x`)).status).toBe(200);
  });
});
