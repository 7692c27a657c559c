/** The path of the map's glyph ranges, declared once (server/fonts/route.ts reads it), and its OpenAPI item. */
import { z } from 'zod';
import { problems, type ZodOpenApiPathsObject } from '../http/openapi.ts';
import { field, Rejected } from '../http/params.ts';

export const glyphPath = z.object({
  fontstack: field(
    {
      description: 'Comma list of font names; the first one this server has answers',
      schema: { type: 'string' },
      example: 'Noto Sans Regular',
      required: true,
      trim: false,
    },
    (v): string[] => (v ?? '').split(',').map((s) => s.trim()),
  ),
  range: field(
    {
      description: 'A glyph range: start a multiple of 256, end = start + 255',
      schema: { type: 'string', pattern: '^\\d{1,5}-\\d{1,5}\\.pbf$' },
      example: '0-255.pbf',
      required: true,
      trim: false,
    },
    (v): { start: number; end: number } => {
      const m = /^(\d{1,5})-(\d{1,5})\.pbf$/.exec(v ?? '');
      const start = Number(m?.[1]);
      const end = Number(m?.[2]);
      if (!m || start % 256 !== 0 || end !== start + 255 || end > 65535) {
        throw new Rejected('a glyph range such as 0-255.pbf (start a multiple of 256, end = start + 255)');
      }
      return { start, end };
    },
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
