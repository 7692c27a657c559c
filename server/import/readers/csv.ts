/**
 * CSV (or TSV) with a header row, streamed through csv-parse. Coordinates
 * are ordinary columns here (lon/lat, or WKT): the mapping picks them, so a
 * record's geometry is left null. The delimiter is whichever of , ; or tab
 * the header line uses most (Vietnamese spreadsheets often export ";").
 */
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { RawRecord, Reader } from './types.ts';

export function guessDelimiter(headerLine: string): string {
  const counts = [',', ';', '\t'].map((d) => [d, headerLine.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ',';
}

export function readCsv(input: Readable, delimiter: string, progress: Reader['progress']): Reader {
  async function* records(): AsyncGenerator<RawRecord> {
    const rows = input.pipe(
      parse({
        columns: (header: string[]) => header.map((h) => h.trim()),
        bom: true,
        delimiter,
        skip_empty_lines: true,
        trim: true,
        info: true,
      }),
    );
    let n = 0;
    for await (const row of rows as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      n++;
      yield { n, where: `line ${row.info.lines}`, properties: row.record, geometry: null };
    }
  }
  return { format: 'csv', records: records(), progress, declaredSrid: () => null };
}
