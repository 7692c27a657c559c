/** OpenAPI path item of the map's glyph ranges (server/fonts/route.ts). */
import { z } from 'zod';
import { problems, type ZodOpenApiPathsObject } from '../http/openapi.ts';
import { field } from '../http/params.ts';

const glyphPath = z.object({
  fontstack: field(
    {
      description: 'Comma list of font names',
      schema: { type: 'string' },
      example: 'Noto Sans Regular',
      required: true,
    },
    (v) => v,
  ),
  range: field(
    {
      description: 'A glyph range: start a multiple of 256, end = start + 255',
      schema: { type: 'string', pattern: '^\\d{1,5}-\\d{1,5}\\.pbf$' },
      example: '0-255.pbf',
      required: true,
    },
    (v) => v,
  ),
});

export const fontsPaths: ZodOpenApiPathsObject = {
  '/fonts/{fontstack}/{range}': {
    get: {
      tags: ['Map'],
      summary: 'Signed-distance-field glyphs for map labels (MapLibre glyphs URL)',
      operationId: 'get-glyphs',
      requestParams: { path: glyphPath },
      responses: {
        '200': { description: 'Glyph PBF', content: { 'application/x-protobuf': {} } },
        ...problems,
      },
    },
  },
};
