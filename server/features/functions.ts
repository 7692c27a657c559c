/**
 * GET /ogc/functions: the functions a CQL2 filter may call besides the
 * standard ones, in the form of Part 3's draft "functions" resource. Ours is
 * DWITHIN_KM, for "projects within X km of this place":
 *
 *   filter=DWITHIN_KM(geometry, POINT(103.16 21.39), 10)
 *
 * It measures on the spheroid (PostGIS geography), so kilometres are true
 * kilometres everywhere, and the GiST index on geom::geography serves it.
 */
import type { RequestHandler } from 'express';
import { onlyJson } from '../http/params.ts';
import { apiRoot, link, MEDIA } from './links.ts';
import { sendJson } from './respond.ts';

export const FUNCTIONS = [
  {
    name: 'DWITHIN_KM',
    description:
      'True when the two geometries are within the given distance, in kilometres on the WGS 84 spheroid. Example: DWITHIN_KM(geometry, POINT(103.16 21.39), 10).',
    arguments: [
      { title: 'a', description: 'A geometry: the `geometry` queryable or a literal', type: ['geometry'] },
      { title: 'b', description: 'A geometry literal (WKT or BBOX) in filter-crs', type: ['geometry'] },
      { title: 'km', description: 'Distance in kilometres, 0 to 20040 (a number literal)', type: ['number'] },
    ],
    returns: ['boolean'],
  },
  {
    name: 'CASEI',
    description: "Case-insensitive comparison (CQL2): CASEI(name) = CASEI('chợ mường nhà').",
    arguments: [{ title: 'value', type: ['string'] }],
    returns: ['string'],
  },
  {
    name: 'ACCENTI',
    description:
      "Accent-insensitive comparison (CQL2), Vietnamese đ included: CASEI(ACCENTI(name)) LIKE CASEI(ACCENTI('%muong nha%')).",
    arguments: [{ title: 'value', type: ['string'] }],
    returns: ['string'],
  },
];

export const functionsRoute: RequestHandler = (req, res) => {
  onlyJson(req.query);
  sendJson(res, {
    functions: FUNCTIONS,
    links: [link(`${apiRoot(req)}/functions`, 'self', MEDIA.json, 'Functions')],
  });
};
