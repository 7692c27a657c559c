/**
 * OpenAPI paths of the audit router (route.ts): the audit for admins, restore,
 * a feature's edits for editors, and the sources a write may cite.
 */
import { answer, problems, type ZodOpenApiPathsObject } from '../http/openapi.ts';
import { noParams } from '../http/params.ts';
import { auditIdPath, auditQuery, editsPath } from './route.ts';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});
const auth = {
  '401': problem('No credentials, or a token that is not valid'),
  '403': problem('The token lacks the role'),
};
const security = [{ bearer: [] }];

export const auditPaths: ZodOpenApiPathsObject = {
  '/api/audit': {
    get: {
      tags: ['Audit'],
      security,
      summary: 'Edits of the features, newest first (admin): who, when, what, before and after, source',
      operationId: 'audit',
      requestParams: { query: auditQuery },
      responses: {
        '200': {
          description: 'The edits ({ edits: [...] }), or CSV with f=csv',
          content: {
            'application/json': { schema: { type: 'object' } },
            'text/csv': { schema: { type: 'string' } },
          },
        },
        ...auth,
        ...problems,
      },
    },
  },
  '/api/audit/{id}/restore': {
    post: {
      tags: ['Audit'],
      security,
      summary: 'Restore a deleted feature from its audit record (admin)',
      operationId: 'restoreFromAudit',
      requestParams: { path: auditIdPath, query: noParams },
      responses: {
        '201': answer(
          'The restored feature: { layer, id, location } (Location header too)',
          'application/json',
        ),
        '409': problem('The record is not a delete, or a feature with its slug exists'),
        '422': problem('The feature no longer passes the checks (its commune is gone…)'),
        ...auth,
        ...problems,
      },
    },
  },
  '/api/features/{layer}/{id}/edits': {
    get: {
      tags: ['Audit'],
      security,
      summary: 'Who edited a feature when (editor): { edits: [{ id, at, actor, operation }] }, newest first',
      operationId: 'featureEdits',
      requestParams: { path: editsPath, query: noParams },
      responses: { '200': answer('The edits', 'application/json'), ...auth, ...problems },
    },
  },
  '/api/sources': {
    get: {
      tags: ['Sources'],
      summary:
        'Every source (article) a feature may cite: { sources: [{ id, title, publisher, url, language, topic }] }',
      operationId: 'sources',
      requestParams: { query: noParams },
      responses: { '200': answer('The sources', 'application/json'), ...problems },
    },
  },
};
