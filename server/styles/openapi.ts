/** OpenAPI path items of the map style, its label points and the basemap's rivers, from route.ts's declarations. */
import { problems, type ZodOpenApiPathsObject } from '../http/openapi.ts';
import { noParams } from '../http/params.ts';
import { styleQuery } from './route.ts';

const geojson = (description: string) => ({
  description,
  content: { 'application/geo+json': { schema: { $ref: '#/components/schemas/FeatureCollection' } } },
});

// No recorded example: every URL in these answers names the host asked.
export const stylesPaths: ZodOpenApiPathsObject = {
  '/styles/atlas.json': {
    get: {
      tags: ['Map'],
      summary:
        "The web map's MapLibre style (v8), built from the layer registry, with absolute tile, label, river and glyph URLs (QGIS: Vector Tiles connection, Style URL)",
      operationId: 'get-style',
      requestParams: { query: styleQuery },
      responses: {
        '200': {
          description: 'A MapLibre style document',
          content: {
            'application/json': { schema: { type: 'object', required: ['version', 'sources', 'layers'] } },
          },
        },
        ...problems,
      },
    },
  },
  '/styles/labels.geojson': {
    get: {
      tags: ['Map'],
      summary:
        'One label point per named area (country, province, commune): inside its largest part, or at its seat (the same points as the labels layer of /tiles/all)',
      operationId: 'get-label-points',
      requestParams: { query: noParams },
      responses: { '200': geojson('Label points'), ...problems },
    },
  },
  '/basemap/rivers.geojson': {
    get: {
      tags: ['Map'],
      summary:
        "The basemap's rivers (GSHHG/WDBII, LGPL-3, from Debian's gmt-gshhg; also the rivers layer of /tiles/all)",
      operationId: 'get-basemap-rivers',
      requestParams: { query: noParams },
      responses: { '200': geojson('River lines'), ...problems },
    },
  },
};
