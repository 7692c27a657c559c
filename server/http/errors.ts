/**
 * The one error handler. Bad input is a ProblemError thrown by a route;
 * body-parser errors become 400/413; an unreachable database (refused, shut
 * down, the connection lost mid-request: isUnavailable in db/connect.ts)
 * becomes 503 with Retry-After; a statement PostgreSQL cancelled at its
 * statement timeout (57014) is a 503 `statement-timeout` with Retry-After
 * too (docs/architecture.md, "Limits": why 503 and not 504); anything else
 * is a 500 that is logged, never a crash.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isUnavailable } from '../db/connect.ts';
import { notFound, PROBLEM_TYPE_BASE, ProblemError, statementTimeout, unavailable } from './problem.ts';

export function sendProblem(res: Parameters<RequestHandler>[1], p: ProblemError, instance?: string): void {
  for (const [k, v] of Object.entries(p.headers)) res.setHeader(k, v);
  res
    .status(p.status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: `${PROBLEM_TYPE_BASE}${p.code}`,
        title: p.title,
        status: p.status,
        detail: p.message,
        instance,
        ...p.extra,
      }),
    );
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(notFound(`no resource at ${req.path}`));
};

export function errorHandler(retryAfterS: number): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let p: ProblemError;
    if (err instanceof ProblemError) p = err;
    else if (err?.type === 'entity.too.large') {
      p = new ProblemError(413, 'too-large', 'Request body too large', `the body exceeds ${err.limit} bytes`);
    } else if (err?.type === 'entity.parse.failed' || err instanceof SyntaxError) {
      p = new ProblemError(400, 'malformed-body', 'Malformed body', 'the request body is not valid JSON', {
        parameter: 'body',
      });
    } else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      p = new ProblemError(err.status, 'bad-request', 'Bad request', String(err.message));
    } else if (isCancelled(err)) {
      req.log?.warn({ err: String(err?.message ?? err) }, 'statement timeout');
      p = statementTimeout(retryAfterS);
    } else if (isUnavailable(err)) {
      req.log?.warn({ err: String(err?.message ?? err) }, 'database unavailable');
      p = unavailable(retryAfterS);
    } else {
      req.log?.error({ err }, 'unhandled error');
      p = new ProblemError(500, 'internal', 'Internal error', 'the server failed to answer this request');
    }
    if (res.headersSent) {
      // Part of the answer is out (a page being streamed): all that is left is to cut it off.
      req.log?.warn({ status: p.status }, 'response cut off after its headers were sent');
      res.destroy();
      return;
    }
    sendProblem(res, p, req.originalUrl);
  };
}

/** query_canceled: the statement timeout (or an operator's pg_cancel_backend) stopped the statement. */
function isCancelled(e: unknown): boolean {
  const err = e as { code?: string; cause?: unknown } | null;
  if (!err) return false;
  return err.code === '57014' || (err.cause !== undefined && err.cause !== err && isCancelled(err.cause));
}
