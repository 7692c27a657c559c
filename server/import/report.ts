/** What an import answers, whether it landed, was a dry run, or failed. */
import type { Problem } from './errors.ts';
import type { ImportLayer } from './options.ts';

export interface ImportReport {
  file: string;
  layer: ImportLayer;
  /** 'geojson', 'geojsonseq', 'csv', 'gpkg', 'shp'... */
  format: string;
  /** EPSG code the coordinates were read in (4326 after GDAL reprojected). */
  srid: number;
  dryRun: boolean;
  /** No problem: the file could land (dry run) or did. */
  ok: boolean;
  /** Something was, or in a dry run would be, written. */
  changed: boolean;
  /** The transaction was committed: the database holds the file. */
  committed: boolean;
  records: { read: number; skipped: number };
  written: { inserted: number; updated: number; unchanged: number; details: number; citations: number };
  /** Units only: existing units the file matched, by code and by accent-free name. */
  matched?: { byCode: number; byName: number };
  source: { id: string; title: string; url: string | null; created: boolean };
  problems: Problem[];
  /** All problems, when more than the listed ones. */
  problemCount: number;
  warnings: Problem[];
  warningCount: number;
  /** data_version after the import (bumped only when it changed something). */
  dataVersion: number;
  seconds: number;
}

export interface ImportProgress {
  phase: 'reading' | 'checking' | 'writing' | 'done';
  records: number;
  bytes: number;
  totalBytes: number | null;
}

/** Plain-text summary, as the command line prints it. */
export function formatReport(r: ImportReport): string {
  const lines: string[] = [];
  const verdict = !r.ok
    ? 'FAILED, nothing written'
    : r.dryRun
      ? 'dry run, nothing written'
      : r.committed
        ? `imported (data version ${r.dataVersion})`
        : 'nothing changed, nothing written';
  lines.push(`${r.file} → ${r.layer}: ${verdict}`);
  lines.push(
    `  records: ${r.records.read} read, ${r.records.skipped} skipped; format ${r.format}, EPSG:${r.srid}; ${r.seconds.toFixed(1)} s`,
  );
  if (r.ok) {
    const w = r.written;
    const would = r.dryRun ? 'would be ' : '';
    lines.push(
      `  ${would}inserted ${w.inserted}, ${would}updated ${w.updated}, unchanged ${w.unchanged}, new citations ${w.citations}`,
    );
    if (r.matched)
      lines.push(`  matched existing units: ${r.matched.byCode} by code, ${r.matched.byName} by name`);
    lines.push(
      `  source: ${r.source.id}${r.source.created ? ' (new)' : ''}: ${r.source.title}${r.source.url ? `, ${r.source.url}` : ''}`,
    );
  }
  const list = (title: string, items: Problem[], count: number) => {
    if (count === 0) return;
    lines.push(`  ${title} (${count}${count > items.length ? `, first ${items.length} listed` : ''}):`);
    for (const p of items) lines.push(`    ${p.file}: ${p.record}: ${p.field}: ${p.reason}`);
  };
  list('problems', r.problems, r.problemCount);
  list('warnings', r.warnings, r.warningCount);
  return lines.join('\n');
}
