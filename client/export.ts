/**
 * Export the current selection (see selection.ts) as GeoJSON or CSV, made in
 * the browser from the features the map shows. CSV follows the server's
 * rules (server/http/csv.ts: RFC 4180, UTF-8 with a BOM so spreadsheets keep
 * the diacritics); points get lon/lat columns.
 */
import { toCsv } from '../server/http/csv.ts';
import type { Feature } from './api.ts';
import { onLang, t } from './i18n.ts';
import type { Atlas } from './map.ts';
import { type Selection, select } from './selection.ts';
import type { Filters } from './url-state.ts';

export function asGeojson(sel: readonly Selection[]): string {
  const features = sel.flatMap((s) =>
    s.features.map((f) => ({ ...f, properties: { layer: s.layer, ...f.properties } })),
  );
  return JSON.stringify({ type: 'FeatureCollection', features });
}

export function asCsv(sel: readonly Selection[]): string {
  const rows = sel.flatMap((s) =>
    s.features.map((f: Feature) => {
      const point = f.geometry?.type === 'Point' ? (f.geometry.coordinates as number[]) : null;
      return { layer: s.layer, id: f.id, ...f.properties, lon: point?.[0], lat: point?.[1] };
    }),
  );
  const columns: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  // lon/lat last, whatever order the layers had.
  const ordered = [...columns.filter((c) => c !== 'lon' && c !== 'lat'), 'lon', 'lat'];
  return toCsv(ordered, rows);
}

function download(name: string, type: string, body: string): void {
  const url = URL.createObjectURL(new Blob([body], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function exportPanel(
  root: HTMLElement,
  atlas: Atlas,
  current: () => { filters: Filters; near: ReadonlyMap<string, number> | null },
): void {
  const status = Object.assign(document.createElement('p'), { className: 'export-status' });
  const run = async (kind: 'geojson' | 'csv'): Promise<void> => {
    const { filters, near } = current();
    const sel = await select(atlas, filters, near);
    const n = sel.reduce((s, x) => s + x.features.length, 0);
    const stamp = new Date().toISOString().slice(0, 10);
    if (kind === 'geojson') download(`border-atlas-${stamp}.geojson`, 'application/geo+json', asGeojson(sel));
    else download(`border-atlas-${stamp}.csv`, 'text/csv;charset=utf-8', asCsv(sel));
    status.textContent = t('exported', { n });
  };
  const render = (): void => {
    const h = Object.assign(document.createElement('h3'), { textContent: t('export') });
    const hint = Object.assign(document.createElement('p'), {
      className: 'hint',
      textContent: t('exportHint'),
    });
    const gj = Object.assign(document.createElement('button'), {
      type: 'button',
      name: 'export-geojson',
      textContent: t('exportGeojson'),
    });
    const csv = Object.assign(document.createElement('button'), {
      type: 'button',
      name: 'export-csv',
      textContent: t('exportCsv'),
    });
    gj.addEventListener('click', () => void run('geojson'));
    csv.addEventListener('click', () => void run('csv'));
    root.replaceChildren(h, hint, gj, csv, status);
  };
  onLang(render);
}
