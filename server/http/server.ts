/**
 * The node:http server of the app (createApp's listen(), server/main.ts):
 * the HTTP timeouts of config.ts, and a problem document for requests
 * Node's parser refuses before any handler sees them.
 *
 *   httpServer(handler, { HTTP_HEADERS_TIMEOUT_MS: 10_000 }).listen(3000)
 *   // a head over 16 KiB → 431, "GARBAGE\r\n" → 400, a head trickled past 10 s → 408,
 *   // each application/problem+json with Connection: close
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { Duplex } from 'node:stream';
import { parse as parseUrl } from 'node:url';
import { type Config, defaults } from '../config.ts';
import { PROBLEM_TYPE_BASE } from './problem.ts';

export type HttpTimeouts = Pick<
  Config,
  'HTTP_HEADERS_TIMEOUT_MS' | 'HTTP_REQUEST_TIMEOUT_MS' | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'
>;

/**
 * The node:http server of `handler`: a request whose head is not in within
 * HTTP_HEADERS_TIMEOUT_MS, or whole within HTTP_REQUEST_TIMEOUT_MS, is
 * answered 408 and its connection closed; an idle keep-alive connection is
 * closed after HTTP_KEEP_ALIVE_TIMEOUT_MS.
 */
export function httpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  config: Partial<HttpTimeouts>,
): Server {
  const headersTimeout = config.HTTP_HEADERS_TIMEOUT_MS ?? Number(defaults.HTTP_HEADERS_TIMEOUT_MS);
  const requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS ?? Number(defaults.HTTP_REQUEST_TIMEOUT_MS);
  const server = createServer(
    {
      headersTimeout,
      requestTimeout,
      keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS ?? Number(defaults.HTTP_KEEP_ALIVE_TIMEOUT_MS),
      // Node checks the two timeouts above every this often (30 s by default, longer than they are).
      connectionsCheckingInterval: Math.min(1000, headersTimeout, requestTimeout || 1000),
      // Node's own 400 for a missing Host has no body; unroutableTarget answers it with a problem.
      requireHostHeader: false,
    },
    (req, res) => {
      const refused = unroutableTarget(req);
      if (refused) answerProblem(res, 400, 'malformed-request', refused);
      else handler(req, res);
    },
  );
  server.on('clientError', answerClientError);
  return server;
}

/**
 * Why Node's parser accepted a request the app cannot route (found by npm
 * run fuzz): HTTP/1.1 without Host (RFC 9112 §3.2), or a target Express's
 * router cannot parse (`GET http://[::1`), which would skip every handler
 * and get Express's HTML 404.
 */
function unroutableTarget(req: IncomingMessage): string | undefined {
  if (req.httpVersionMajor === 1 && req.httpVersionMinor === 1 && req.headers.host === undefined)
    return 'an HTTP/1.1 request must have a Host header';
  const target = req.url ?? '';
  if (target.startsWith('/')) return undefined;
  try {
    // Express's router reads the path with url.parse (parseurl); when it throws, no route runs.
    if (parseUrl(target).pathname) return undefined;
  } catch {
    // refused below
  }
  return 'the request target is neither a path nor an absolute URL';
}

function answerProblem(res: ServerResponse, status: number, code: string, detail: string): void {
  const body = JSON.stringify({
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title: STATUS_CODES[status],
    status,
    detail,
  });
  res.writeHead(status, {
    'Content-Type': 'application/problem+json',
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
  });
  res.end(body);
}

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'headers-too-large', 'the request head is larger than 16 KiB'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request-timeout', 'the request did not arrive in time'],
};

/**
 * A request Node's HTTP parser refused (or that timed out) has no response
 * object: the answer is written on the socket, a problem document, and the
 * connection closed.
 */
function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  const sent = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (err.code === 'ECONNRESET' || !socket.writable || sent) {
    socket.destroy();
    return;
  }
  const [status, code, detail] = CLIENT_ERRORS[err.code ?? ''] ?? [
    400,
    'malformed-request',
    `the request is not valid HTTP/1.1 (${err.code ?? err.message})`,
  ];
  const body = JSON.stringify({
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title: STATUS_CODES[status],
    status,
    detail,
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/problem+json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
