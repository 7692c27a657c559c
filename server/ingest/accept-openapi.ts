/** OpenAPI path of ingestion's accept (accept.ts): reviewed candidates written into the atlas. */
import { answer, problems, type ZodOpenApiPathsObject } from '../http/openapi.ts';
import { noParams } from '../http/params.ts';
import { acceptBody } from './accept.ts';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

export const acceptPaths: ZodOpenApiPathsObject = {
  '/api/ingest/accept': {
    post: {
      tags: ['Ingestion'],
      security: [{ bearer: [] }],
      summary:
        'Write reviewed candidates of an ingested article (editor): one transaction, the article cited as their source',
      description:
        'The body is the article and the candidates of POST /api/ingest, possibly corrected (docs/ingest-review.md). A candidate with `existing` updates that feature under its ETag. Answers { source, written: [{ candidate, layer, id, slug, created }] }.',
      operationId: 'ingestAccept',
      requestParams: { query: noParams },
      requestBody: { required: true, content: { 'application/json': { schema: acceptBody } } },
      responses: {
        '200': answer('The source cited and every row written', 'application/json'),
        '401': problem('No credentials, or a token that is not valid'),
        '403': problem('The token lacks the editor role, or the CSRF token is missing'),
        '412': problem(
          'A candidate’s `existing.etag` is stale: the feature changed since ingestion; nothing written',
        ),
        '415': problem('The body is not application/json'),
        '422': problem(
          'A candidate the write path refuses: `errors` names each (candidates[i].field); nothing written',
        ),
        ...problems,
      },
    },
  },
};
