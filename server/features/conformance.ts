/**
 * GET /ogc/conformance: the conformance classes we implement, spelt as the
 * 1.0 standards spell them (OGC 17-069r4, 18-058r1, 19-079r2, 21-065r2).
 * QGIS sends a layer's filter to the server only when it finds Part 3's
 * `filter` and `features-filter` with `cql2-text` and `basic-cql2`; each
 * further CQL2 class lets it translate more (LIKE/BETWEEN/IN, CASEI,
 * S_INTERSECTS).
 */
import type { RequestHandler } from 'express';
import { onlyJson } from '../http/params.ts';
import { sendJson } from './respond.ts';

const FEATURES_1 = 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf';
const FEATURES_2 = 'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf';
const FEATURES_3 = 'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf';
const FEATURES_4 = 'http://www.opengis.net/spec/ogcapi-features-4/1.0/conf';
const CQL2 = 'http://www.opengis.net/spec/cql2/1.0/conf';

export const CONFORMS_TO = [
  `${FEATURES_1}/core`,
  `${FEATURES_1}/oas30`,
  `${FEATURES_1}/geojson`,
  `${FEATURES_2}/crs`,
  `${FEATURES_3}/queryables`,
  `${FEATURES_3}/filter`,
  `${FEATURES_3}/features-filter`,
  // Part 4: POST, PUT, PATCH (JSON Merge Patch) and DELETE on the writable collections (edit.ts).
  `${FEATURES_4}/create-replace-delete`,
  `${FEATURES_4}/update`,
  `${FEATURES_4}/optimistic-locking-etags`,
  `${FEATURES_4}/features`,
  `${CQL2}/cql2-text`,
  `${CQL2}/cql2-json`,
  `${CQL2}/basic-cql2`,
  `${CQL2}/advanced-comparison-operators`,
  `${CQL2}/case-insensitive-comparison`,
  `${CQL2}/accent-insensitive-comparison`,
  `${CQL2}/basic-spatial-functions`,
  `${CQL2}/basic-spatial-functions-plus`,
  `${CQL2}/spatial-functions`,
  `${CQL2}/property-property`,
  `${CQL2}/arithmetic`,
  // Custom functions, listed at /ogc/functions: DWITHIN_KM for "within X km".
  `${CQL2}/functions`,
  // The draft name of basic-spatial-functions: QGIS (3.28 to 3.40 at least)
  // looks for this spelling before it sends S_INTERSECTS to the server.
  `${CQL2}/basic-spatial-operators`,
];

export const conformance: RequestHandler = (req, res) => {
  onlyJson(req.query);
  sendJson(res, { conformsTo: CONFORMS_TO });
};
