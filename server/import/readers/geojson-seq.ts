/**
 * GeoJSON text sequences (RFC 8142, `.geojsons`) and newline-delimited
 * GeoJSON (`.geojsonl`, `.ndjson`): one Feature per line, read line by line.
 */

import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { toRecord } from './geojson.ts';
import type { RawRecord, Reader } from './types.ts';

export function readGeoJsonSeq(input: Readable, progress: Reader['progress']): Reader {
  async function* records(): AsyncGenerator<RawRecord> {
    let line = 0;
    let n = 0;
    for await (const raw of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      line++;
      // RFC 8142 starts each text with the record separator (U+001E).
      const text = (raw.startsWith('\u001e') ? raw.slice(1) : raw).trim();
      if (!text) continue;
      n++;
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch (e) {
        yield {
          n,
          where: `line ${line}`,
          properties: {},
          geometry: null,
          bad: `not JSON: ${(e as Error).message}`,
        };
        continue;
      }
      yield toRecord(v, n, `line ${line}`);
    }
  }
  return { format: 'geojsonseq', records: records(), progress, declaredSrid: () => null };
}
