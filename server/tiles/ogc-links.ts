/**
 * What the OGC API - Features documents say about our tiles: the links from
 * the landing page and from each collection, and the conformance classes of
 * OGC API - Tiles and of the tile matrix set standard. Kept here, beside the
 * routes they describe (server/tiles/ogc.ts); the features modules spread them
 * in with one line each.
 */
import { type Link, link, MEDIA } from '../features/links.ts';

export const REL = {
  tilesetsVector: 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector',
  tilingScheme: 'http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme',
  tilingSchemes: 'http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes',
} as const;

const TILES_1 = 'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf';
const TMS_2 = 'http://www.opengis.net/spec/tms/2.0/conf';

export const TILES_CONFORMS_TO = [
  `${TILES_1}/core`,
  `${TILES_1}/tileset`,
  `${TILES_1}/tilesets-list`,
  `${TILES_1}/geodata-tilesets`,
  `${TILES_1}/dataset-tilesets`,
  `${TILES_1}/mvt`,
  `${TILES_1}/oas30`,
  `${TMS_2}/tilematrixset`,
  `${TMS_2}/json-tilematrixset`,
  `${TMS_2}/tilesetmetadata`,
  `${TMS_2}/json-tilesetmetadata`,
];

/** Links of the landing page (`root` is …/ogc). */
export function landingTileLinks(root: string): Link[] {
  return [
    link(`${root}/tiles`, REL.tilesetsVector, MEDIA.json, 'Vector tiles of every layer (OGC API - Tiles)'),
    link(`${root}/tileMatrixSets`, REL.tilingSchemes, MEDIA.json, 'Tile matrix sets'),
  ];
}

/** Links of a collection (`self` is …/ogc/collections/{id}). */
export function collectionTileLinks(self: string, title: string): Link[] {
  return [
    link(`${self}/tiles`, REL.tilesetsVector, MEDIA.json, `Vector tiles of ${title} (OGC API - Tiles)`),
  ];
}
