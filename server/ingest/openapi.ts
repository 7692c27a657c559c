/** OpenAPI path item of POST /api/ingest (server/ingest/route.ts). */
import { authProblems, rateLimited } from '../auth/openapi.ts';
import type { ZodOpenApiPathsObject } from '../http/openapi.ts';

const str = (description: string, extra: Record<string, unknown> = {}) => ({
  type: 'string' as const,
  description,
  ...extra,
});

export const ingestPaths: ZodOpenApiPathsObject = {
  '/api/ingest': {
    post: {
      tags: ['Accounts'],
      summary:
        'Read an article (editor): its places, figures and candidate features and indicators; writes nothing',
      description:
        'The JSON `npm run ingest -- --json` prints (docs/ingest.md). Every range is [start, end) in UTF-16 units of `article.text`. Exactly one of `text` and `html`.',
      operationId: 'ingestArticle',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object' as const,
              required: ['source'],
              additionalProperties: false,
              properties: {
                text: str('The article as plain text'),
                html: str('The article as HTML (reduced to text: scripts, styles and navigation dropped)'),
                source: {
                  type: 'object' as const,
                  required: ['title'],
                  additionalProperties: false,
                  properties: {
                    title: str('Title of the article'),
                    url: str('Its URL', { nullable: true }),
                    publisher: str('Who published it', { nullable: true }),
                  },
                },
                published: str('Publication day: units in force that day are preferred', { format: 'date' }),
                lang: str('Language (guessed from the text when absent)', { enum: ['vi', 'en'] }),
              },
            },
            example: {
              text: 'Chợ Bản Qua, xã Bản Qua, huyện Bát Xát có 120 ki-ốt, tổng vốn gần 12 tỷ đồng, hoàn thành năm 2024.',
              source: { title: 'Chợ mới ở Bát Xát', url: 'https://example.org/ban-qua' },
              published: '2024-10-02',
            },
          },
        },
      },
      responses: {
        '200': {
          description: 'The article read: { article, places, figures, candidates }',
          content: { 'application/json': { schema: { type: 'object' as const } } },
        },
        '400': { $ref: '#/components/responses/BadRequest' },
        ...authProblems,
        '413': {
          description: 'The body is larger than BODY_LIMIT',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
        ...rateLimited,
      },
    },
  },
};
