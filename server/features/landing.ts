/**
 * GET /ogc: the landing page. GDAL finds the OpenAPI document through
 * `service-desc`; QGIS finds conformance and collections through
 * `conformance` and `data` (both the short and the OGC URI relations are
 * given, as clients look for one or the other).
 */
import type { RequestHandler } from 'express';
import { onlyJson } from '../http/params.ts';
import { landingTileLinks } from '../tiles/ogc-links.ts';
import { apiRoot, link, MEDIA } from './links.ts';
import { sendJson } from './respond.ts';

const OGC_REL = 'http://www.opengis.net/def/rel/ogc/1.0';

export const landing: RequestHandler = (req, res) => {
  onlyJson(req.query);
  const root = apiRoot(req);
  sendJson(res, {
    title: 'Border Atlas — OGC API - Features',
    description:
      "Communes, provinces, border segments, roads, border gates and investment projects of Vietnam's mountainous, border and island areas.",
    links: [
      link(root, 'self', MEDIA.json, 'This document'),
      link(`${root}/api`, 'service-desc', MEDIA.openapi, 'The API definition (OpenAPI 3.0)'),
      link(`${root}/api?f=html`, 'service-doc', MEDIA.html, 'The API documentation'),
      link(`${root}/conformance`, 'conformance', MEDIA.json, 'Conformance classes implemented'),
      link(`${root}/conformance`, `${OGC_REL}/conformance`, MEDIA.json, 'Conformance classes implemented'),
      link(`${root}/collections`, 'data', MEDIA.json, 'The feature collections'),
      link(`${root}/collections`, `${OGC_REL}/data`, MEDIA.json, 'The feature collections'),
      link(`${root}/functions`, `${OGC_REL}/functions`, MEDIA.json, 'Functions a CQL2 filter may call'),
      ...landingTileLinks(root),
    ],
  });
};
