/**
 * A GeoJSON FeatureCollection, streamed: split-features.ts cuts the byte
 * stream into one feature at a time, so a 1 GB file costs the memory of its
 * largest feature, not of the file.
 *
 *   file ─▶ splitFeatures ─▶ JSON.parse (one feature) ─▶ RawRecord
 *
 * The old-style `crs` member (GDAL still writes it for projected data) is
 * read too, wherever it stands in the file.
 */
import { splitFeatures } from './split-features.ts';
import { epsgOf, type RawRecord, type Reader } from './types.ts';

export function readGeoJson(
  input: AsyncIterable<Buffer | string>,
  progress: Reader['progress'],
  format = 'geojson',
): Reader {
  let srid: number | null = null;
  async function* records(): AsyncGenerator<RawRecord> {
    let n = 0;
    for await (const piece of splitFeatures(input)) {
      if (piece.kind === 'crs') {
        srid = epsgOf((piece.value as { properties?: { name?: unknown } } | null)?.properties?.name);
        continue;
      }
      n++;
      let value: unknown;
      try {
        value = JSON.parse(piece.text);
      } catch (e) {
        yield { n, where: `#${n}`, properties: {}, geometry: null, bad: `not JSON: ${(e as Error).message}` };
        continue;
      }
      yield toRecord(value, n, `#${n}`);
    }
  }
  return { format, records: records(), progress, declaredSrid: () => srid };
}

/** One parsed Feature (from a collection or a GeoJSON text sequence) as a RawRecord. */
export function toRecord(v: unknown, n: number, where: string): RawRecord {
  const f = v as Record<string, unknown> | null;
  if (f === null || typeof f !== 'object' || f.type !== 'Feature')
    return { n, where, properties: {}, geometry: null, bad: 'not a GeoJSON Feature' };
  const props = f.properties;
  return {
    n,
    where,
    id: typeof f.id === 'string' || typeof f.id === 'number' ? f.id : null,
    properties: props && typeof props === 'object' ? (props as Record<string, unknown>) : {},
    geometry: f.geometry == null ? null : { format: 'geojson', text: JSON.stringify(f.geometry) },
  };
}
