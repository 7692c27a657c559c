/**
 * One request of a chaos run and what it got, and the rule both
 * tests/chaos.test.ts and npm run chaos judge it by: an answer (200, or 204
 * for an empty tile), or a 503 problem with Retry-After while the database
 * is away; anything else (a 500, a reset connection, a 503 without
 * Retry-After or without a problem body) is wrong.
 */

export interface Outcome {
  kind: string;
  path: string;
  /** When the request was sent and when it ended (ms, performance.now()). */
  start: number;
  end: number;
  status?: number;
  retryAfter?: string | null;
  type?: string | null;
  problemStatus?: unknown;
  error?: string;
}

/** Sends GET `path`, reads the body, and never throws (a failure is in `error`). */
export async function request(
  base: string,
  kind: string,
  path: string,
  timeoutMs = 30_000,
): Promise<Outcome> {
  const start = performance.now();
  try {
    // A request that never ends is a failure too, named here rather than as a timeout of the caller.
    const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    const body = await res.text();
    const out: Outcome = {
      kind,
      path,
      start,
      end: performance.now(),
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      type: res.headers.get('content-type'),
    };
    if (res.status !== 200) {
      try {
        out.problemStatus = JSON.parse(body).status;
      } catch {
        out.problemStatus = `not JSON: ${body.slice(0, 80)}`;
      }
    }
    return out;
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return {
      kind,
      path,
      start,
      end: performance.now(),
      error: `${(e as Error).message} ${cause?.code ?? cause?.message ?? ''}`.trim(),
    };
  }
}

/** An answer: 200, or 204 for a tile without features. */
export const answered = (o: Pick<Outcome, 'status'>) => o.status === 200 || o.status === 204;

/** A 503 problem document carrying Retry-After (`retryAfterS` when given). */
export function unavailableProblem(o: Outcome, retryAfterS?: number): boolean {
  return (
    o.status === 503 &&
    (retryAfterS === undefined ? /^\d+$/.test(o.retryAfter ?? '') : o.retryAfter === String(retryAfterS)) &&
    /application\/problem\+json/.test(o.type ?? '') &&
    o.problemStatus === 503
  );
}

/** Anything but an answer or a 503 problem with Retry-After. */
export const wrong = (o: Outcome, retryAfterS?: number) =>
  !answered(o) && !unavailableProblem(o, retryAfterS);
