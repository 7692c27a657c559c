/**
 * Cuts Vietnam and its land neighbours out of the geo-maps world file
 * (@geo-maps/countries-land-100m, OpenStreetMap-derived, ODbL 1.0) into
 * data/countries.geojson.
 *
 *   npm run borders
 *
 * Vietnam, Laos and Cambodia are kept whole; China is clipped to a box
 * around the region so the file stays small (only its southern edge
 * matters for our border segments). Coordinates keep the source's
 * precision: the 100 m resolution already bounds the error.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bboxClip, featureCollection } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';

const KEEP: Record<string, { name: string; name_vi: string; clip?: [number, number, number, number] }> = {
  VNM: { name: 'Vietnam', name_vi: 'Việt Nam' },
  LAO: { name: 'Laos', name_vi: 'Lào' },
  KHM: { name: 'Cambodia', name_vi: 'Campuchia' },
  // China only near the border: enough for segments and for a basemap frame.
  CHN: { name: 'China', name_vi: 'Trung Quốc', clip: [97, 18, 112, 26.5] },
};

const require = createRequire(import.meta.url);
const src = require.resolve('@geo-maps/countries-land-100m/map.geo.json');
const world = JSON.parse(readFileSync(src, 'utf8')) as FeatureCollection<Polygon | MultiPolygon>;

const out: Feature<Polygon | MultiPolygon>[] = [];
for (const f of world.features) {
  const a3 = String(f.properties?.A3 ?? '');
  const keep = KEEP[a3];
  if (!keep) continue;
  const geom = (keep.clip ? bboxClip(f, keep.clip).geometry : f.geometry) as Polygon | MultiPolygon;
  out.push({
    type: 'Feature',
    properties: {
      iso3: a3,
      name: keep.name,
      name_vi: keep.name_vi,
      clipped_to: keep.clip ?? null,
      source: 'osm-geo-maps-countries-land-100m',
    },
    geometry: geom,
  });
}
if (out.length !== Object.keys(KEEP).length) {
  throw new Error(`expected ${Object.keys(KEEP).length} countries, found ${out.length}`);
}
out.sort((a, b) => String(a.properties?.iso3).localeCompare(String(b.properties?.iso3)));

const fc = {
  ...featureCollection(out),
  // Carried in the file itself so the credit travels with the data.
  attribution: '© OpenStreetMap contributors (ODbL 1.0), via @geo-maps/countries-land-100m',
  license: 'ODbL-1.0',
  resolution_m: 100,
};
const file = new URL('../data/countries.geojson', import.meta.url);
writeFileSync(file, `${JSON.stringify(fc)}\n`);
const vertices = JSON.stringify(fc).match(/\],\[/g)?.length ?? 0;
process.stderr.write(`wrote ${file.pathname}: ${out.length} countries, ~${vertices} vertices\n`);
