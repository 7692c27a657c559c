/**
 * OpenAPI 3.0 path item for GET /api/features/{layer}/{id}/sources, merged
 * into /ogc/api through server/openapi-extras.ts. The example is a real
 * answer on the seeded data (xã Quế Phong's Kim Sơn market).
 */
import { layerIds } from '../layers/index.ts';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { type: 'object' } } },
});

export const sourcesPaths: Record<string, unknown> = {
  '/api/features/{layer}/{id}/sources': {
    get: {
      tags: ['Sources'],
      summary: "A feature's sources (articles), location precision and other figures",
      operationId: 'featureSources',
      parameters: [
        { name: 'layer', in: 'path', required: true, schema: { type: 'string', enum: layerIds } },
        { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
      ],
      responses: {
        200: {
          description: 'Precision (surveyed, approximate with uncertainty_m, schematic), sources and figures',
          content: {
            'application/json': {
              example: {
                layer: 'markets',
                id: 1,
                precision: 'approximate',
                uncertainty_m: 2000,
                sources: [
                  {
                    id: 'art-que-phong-infrastructure',
                    title:
                      'Quế Phong district (Nghệ An): infrastructure built since 2010 – market, water plant, waste site, schools, irrigation',
                    publisher: null,
                    url: null,
                  },
                ],
                figures: [],
              },
            },
          },
        },
        400: problem('id is not a positive integer'),
        404: problem('unknown layer or feature'),
      },
    },
  },
};
