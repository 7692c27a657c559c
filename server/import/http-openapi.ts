/**
 * OpenAPI path item of POST /api/import: the multipart form (fields as
 * server/import/http.ts takes them) and its answers.
 */
import { authProblems, rateLimited } from '../auth/openapi.ts';
import type { ZodOpenApiPathsObject } from '../http/openapi.ts';
import { IMPORT_LAYERS, PRECISIONS } from './options.ts';

const text = (description: string, extra: Record<string, unknown> = {}) => ({
  type: 'string' as const,
  description,
  ...extra,
});

const report = {
  type: 'object' as const,
  description: 'The import report, as `npm run import -- … --json` prints it',
};

export const importPaths: ZodOpenApiPathsObject = {
  '/api/import': {
    post: {
      tags: ['Accounts'],
      summary: 'Import a file (editor or admin): the import command over HTTP, all or nothing',
      description:
        'The fields are the options of `npm run import` (docs/import.md). With `Accept: application/x-ndjson` the answer streams `{"progress":…}` lines, then `{"report":…}`.',
      operationId: 'importFile',
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object' as const,
              required: ['file', 'layer', 'source'],
              properties: {
                file: text('GeoJSON, GeoJSON lines, CSV/TSV, GeoPackage, shapefile (.zip)', {
                  format: 'binary',
                }),
                layer: text('Layer to import into', { enum: [...IMPORT_LAYERS] }),
                source: text('"title, URL": every imported record cites it'),
                dry_run: text('true: check and report, write nothing', { enum: ['true', 'false'] }),
                map: text("field=column,…: columns of the file for the layer's fields"),
                where: text('column=value,…: only the records that match'),
                srid: text('EPSG code of the coordinates when the file does not say'),
                parent: text('Province code for records that name none'),
                input_layer: text('Layer inside a GeoPackage'),
                precision: text('How the locations were obtained', { enum: [...PRECISIONS] }),
                uncertainty: text('Metres, with precision approximate'),
                strict: text('true: refuse invalid geometry instead of repairing it', {
                  enum: ['true', 'false'],
                }),
              },
            },
          },
        },
      },
      responses: {
        '200': {
          description: 'The file landed (or would: dry run; or nothing to change)',
          content: {
            'application/json': { schema: report },
            'application/x-ndjson': {
              schema: { type: 'string' as const, description: 'Progress lines, then the report' },
            },
          },
        },
        '400': { $ref: '#/components/responses/BadRequest' },
        ...authProblems,
        '413': {
          description: 'The file is larger than IMPORT_MAX_BYTES',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
        '415': {
          description: 'The body is not multipart/form-data',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
        '422': {
          description: 'Records were refused (report.problems); nothing was written',
          content: { 'application/json': { schema: report } },
        },
        ...rateLimited,
      },
    },
  },
};
