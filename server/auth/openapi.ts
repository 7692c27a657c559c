/**
 * OpenAPI path items of the session (POST/GET/DELETE /api/session), and
 * the answers every route behind `auth.require` may give (401, 403, 429),
 * for the write routes' declarations to spread in.
 */
import type { ZodOpenApiHeadersObject, ZodOpenApiPathsObject, ZodOpenApiResponseObject } from 'zod-openapi';

const problem = (description: string, headers?: ZodOpenApiHeadersObject): ZodOpenApiResponseObject => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const header = (description: string) => ({ description, schema: { type: 'string' as const } });

/** 401, 403 and (for writes) 429, as problem+json. */
export const authProblems = {
  '401': problem('No credentials, or a token that is unknown, revoked or malformed', {
    'WWW-Authenticate': header('Bearer realm="border-atlas"'),
  }),
  '403': problem(
    "The token's role is too low (type …/forbidden); a cookie write without the right X-CSRF-Token (…/csrf); an Origin neither ours nor in CORS_WRITE_ORIGINS (…/origin)",
  ),
};

export const rateLimited = {
  '429': problem('More writes than WRITE_RATE_LIMIT per minute for this token', {
    'Retry-After': header('Seconds until writes are taken again'),
    RateLimit: header('"writes"; r=<remaining>; t=<seconds to reset>'),
    'RateLimit-Policy': header('"writes"; q=<limit>; w=60'),
  }),
};

const sessionBody = {
  type: 'object' as const,
  required: ['name', 'role', 'csrf'],
  properties: {
    name: { type: 'string' as const, example: 'Lan, Sở KH&ĐT Lào Cai' },
    role: { type: 'string' as const, enum: ['viewer', 'editor', 'admin'] },
    csrf: {
      type: 'string' as const,
      description: 'Send as X-CSRF-Token with every cookie-authenticated write (also in the ba_csrf cookie)',
    },
  },
};

const session = (description: string): ZodOpenApiResponseObject => ({
  description,
  content: { 'application/json': { schema: sessionBody } },
});

export const sessionPaths: ZodOpenApiPathsObject = {
  '/api/session': {
    post: {
      tags: ['Accounts'],
      summary: 'Sign in with an API token: sets the httpOnly ba_session cookie and the ba_csrf cookie',
      operationId: 'createSession',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object' as const,
              required: ['token'],
              properties: {
                token: {
                  type: 'string' as const,
                  description: 'An API token from `npm run token -- create`',
                },
              },
            },
          },
        },
      },
      responses: {
        '200': {
          ...session('Signed in'),
          headers: { 'Set-Cookie': header('ba_session (HttpOnly) and ba_csrf; SameSite=Strict; Path=/') },
        },
        '400': { $ref: '#/components/responses/BadRequest' },
        '401': authProblems['401'],
        '403': problem('An Origin neither ours nor in CORS_WRITE_ORIGINS'),
        '429': rateLimited['429'],
      },
    },
    get: {
      tags: ['Accounts'],
      summary: 'Who the cookie (or bearer token) is, and the CSRF token of the session',
      operationId: 'getSession',
      responses: { '200': session('Signed in'), '401': authProblems['401'] },
    },
    delete: {
      tags: ['Accounts'],
      summary: 'Sign out: clears both cookies (a live cookie session needs X-CSRF-Token)',
      operationId: 'deleteSession',
      responses: { '204': { description: 'Signed out' }, ...authProblems, ...rateLimited },
    },
  },
};
