/**
 * The export panel: scope ("what I see" or "everything filtered") and the
 * GeoJSON and CSV buttons. What a file holds and how it is written is in
 * export-file.ts, loaded on the first click (dynamic import) so that the
 * first render of the map does not carry it.
 */
import { count } from './format.ts';
import { onLang, t } from './i18n.ts';
import type { Atlas } from './map.ts';
import type { Filters } from './url-state.ts';

export type Scope = 'view' | 'all';

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
  status.setAttribute('role', 'status');
  let scope: Scope = 'view';
  const run = async (kind: 'geojson' | 'csv'): Promise<void> => {
    const { filters } = current();
    const { asCsv, asGeojson, exportRows } = await import('./export-file.ts');
    const { rows, meta } = await exportRows(atlas, filters, scope);
    const stamp = meta.exported_at.slice(0, 10);
    const name = `border-atlas-${scope === 'view' ? 'view' : 'filtered'}-${stamp}`;
    if (kind === 'geojson') download(`${name}.geojson`, 'application/geo+json', asGeojson(rows, meta));
    else download(`${name}.csv`, 'text/csv;charset=utf-8', asCsv(rows, meta));
    status.dataset.count = String(rows.length);
    status.textContent = t('exported', { n: count(rows.length, 'featuresCount') });
  };
  const render = (): void => {
    const h = Object.assign(document.createElement('h3'), { textContent: t('export') });
    const fs = document.createElement('fieldset');
    fs.className = 'export-scope';
    fs.append(Object.assign(document.createElement('legend'), { textContent: t('exportScope') }));
    for (const [value, key, hintKey] of [
      ['view', 'exportView', 'exportViewHint'],
      ['all', 'exportAll', 'exportAllHint'],
    ] as const) {
      const label = document.createElement('label');
      const r = Object.assign(document.createElement('input'), {
        type: 'radio',
        name: 'export-scope',
        value,
      });
      r.checked = scope === value;
      r.addEventListener('change', () => {
        if (r.checked) scope = value;
      });
      label.append(
        r,
        ` ${t(key)} `,
        Object.assign(document.createElement('small'), { textContent: t(hintKey) }),
      );
      fs.append(label);
    }
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
    root.replaceChildren(h, fs, gj, csv, status);
  };
  onLang(render);
}
