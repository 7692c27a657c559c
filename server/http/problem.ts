/**
 * Errors as RFC 9457 problem details, mapped to HTTP in one place.
 *
 *   throw badRequest('km', 'a number between 0 and 1000', req.query.km)
 *   // 400 {"type":"…/bad-parameter","title":"Bad parameter","status":400,
 *   //      "detail":"km must be a number between 0 and 1000; got \"abc\"","parameter":"km"}
 */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

function show(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  const json = JSON.stringify(s ?? String(value));
  return json.length > 120 ? `${json.slice(0, 117)}…"` : json;
}

/** 400 naming the parameter, what it accepts and (shortened) what was sent. */
export function badRequest(parameter: string, accepts: string, got?: unknown): ProblemError {
  const tail = got === undefined ? '' : `; got ${show(got)}`;
  return new ProblemError(400, 'bad-parameter', 'Bad parameter', `${parameter} must be ${accepts}${tail}`, {
    parameter,
  });
}

export function notFound(what: string): ProblemError {
  return new ProblemError(404, 'not-found', 'Not found', what);
}

export function unavailable(retryAfterS: number): ProblemError {
  return new ProblemError(
    503,
    'database-unavailable',
    'Service unavailable',
    'the database is not reachable; try again shortly',
    {},
    { 'Retry-After': String(retryAfterS) },
  );
}

/**
 * A statement cancelled at its statement timeout: the server declined to
 * spend longer on it (usually because it is loaded), so 503 with
 * Retry-After, like the other "not now" answers; not 504, which says a
 * gateway's upstream did not answer and is what a proxy in front of us sends.
 */
export function statementTimeout(retryAfterS: number): ProblemError {
  return new ProblemError(
    503,
    'statement-timeout',
    'Service unavailable',
    'the database took longer than this kind of request is allowed; try again shortly',
    {},
    { 'Retry-After': String(retryAfterS) },
  );
}

export const PROBLEM_TYPE_BASE = 'https://border-atlas.example/problems/';
