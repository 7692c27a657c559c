/**
 * Print the map: one A4 landscape page (PDF, by jsPDF) or a PNG image, with
 * the map as drawn now, its legend (the visible layers), a scale bar, the
 * active filters and the sources of the features in view (the same
 * citations and ODbL credit as the export, export-file.ts).
 *
 * The page is composed on a canvas in the browser, so Vietnamese text keeps
 * its diacritics in the page's own font (jsPDF's built-in fonts have no
 * Vietnamese letters), and the PDF holds that image. The map is read from
 * MapLibre's canvas inside a 'render' event, while its drawing buffer is
 * still there (no preserveDrawingBuffer needed).
 *
 * Loaded on the first opening of the print tool (tools.ts); jsPDF on the
 * first PDF.
 */
import type { Map as MlMap } from 'maplibre-gl';
import { filtersText } from './badges.ts';
import { exportRows } from './export-file.ts';
import { filterState } from './filters.ts';
import { num } from './format.ts';
import { getLang, onLang, t, valueLabel } from './i18n.ts';
import { layerTitle } from './layers-panel.ts';
import type { Atlas } from './map.ts';
import type { Tool, ToolsContext } from './tools.ts';

/** The map's pixels, read while the frame is drawn. */
export function captureMap(map: MlMap): Promise<HTMLCanvasElement> {
  return new Promise((resolve) => {
    map.once('render', () => {
      const src = map.getCanvas();
      const c = document.createElement('canvas');
      c.width = src.width;
      c.height = src.height;
      c.getContext('2d')!.drawImage(src, 0, 0);
      resolve(c);
    });
    map.triggerRepaint();
  });
}

/** A round length in metres no longer than `max` (1, 2 or 5 × 10ⁿ). */
export function niceMetres(max: number): number {
  const p = 10 ** Math.floor(Math.log10(max));
  for (const k of [5, 2, 1]) if (k * p <= max) return k * p;
  return p;
}

function wrap(ctx: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (ctx.measureText(next).width > width && line) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** The page: A4 landscape at 150 dpi. */
export async function composePage(atlas: Atlas): Promise<HTMLCanvasElement> {
  const { map } = atlas;
  const W = 1754;
  const H = 1240;
  const M = 60;
  const page = document.createElement('canvas');
  page.width = W;
  page.height = H;
  const g = page.getContext('2d')!;
  const font = getComputedStyle(document.body).fontFamily || 'sans-serif';
  g.fillStyle = '#fff';
  g.fillRect(0, 0, W, H);
  g.fillStyle = '#111';
  g.textBaseline = 'top';
  g.font = `bold 38px ${font}`;
  g.fillText(t('printHeading'), M, M);
  g.font = `22px ${font}`;
  g.fillStyle = '#444';
  const when = new Date().toLocaleString(getLang() === 'vi' ? 'vi-VN' : 'en-GB');
  const c = map.getCenter();
  g.fillText(`${when} · ${num(c.lat, 3)}° N, ${num(c.lng, 3)}° E · zoom ${num(map.getZoom(), 1)}`, M, M + 48);

  // The map, fitted into the left part.
  const shot = await captureMap(map);
  const top = M + 90;
  const boxW = 1150;
  const boxH = H - top - M;
  const s = Math.min(boxW / shot.width, boxH / shot.height);
  const mw = shot.width * s;
  const mh = shot.height * s;
  g.drawImage(shot, M, top, mw, mh);
  g.strokeStyle = '#333';
  g.lineWidth = 2;
  g.strokeRect(M, top, mw, mh);

  // Scale bar: metres per CSS pixel at the centre, then per page pixel.
  const cssW = map.getContainer().clientWidth || 1;
  const mPerCss = (40075016.686 * Math.cos((c.lat * Math.PI) / 180)) / (512 * 2 ** map.getZoom());
  const mPerPage = (mPerCss * cssW) / mw;
  const metres = niceMetres(mPerPage * mw * 0.25);
  const len = metres / mPerPage;
  const sx = M + 20;
  const sy = top + mh - 40;
  g.fillStyle = 'rgba(255,255,255,0.9)';
  g.fillRect(sx - 10, sy - 34, len + 20, 52);
  g.fillStyle = '#111';
  g.fillRect(sx, sy, len, 8);
  g.font = `20px ${font}`;
  g.fillText(metres >= 1000 ? `${num(metres / 1000, 0)} km` : `${num(metres, 0)} m`, sx, sy - 28);

  // The right column: legend, filters, sources.
  const x = M + boxW + 40;
  const colW = W - x - M;
  let y = top;
  const heading = (text: string): void => {
    g.font = `bold 24px ${font}`;
    g.fillStyle = '#111';
    g.fillText(text, x, y);
    y += 34;
  };
  const para = (text: string, size = 19): void => {
    g.font = `${size}px ${font}`;
    g.fillStyle = '#222';
    for (const l of wrap(g, text, colW)) {
      if (y > H - M - size) return;
      g.fillText(l, x, y);
      y += size + 6;
    }
  };
  heading(t('printLegend'));
  for (const col of atlas.collections) {
    if (!atlas.isVisible(col.id) || !col.style) continue;
    const st = col.style;
    const entries: [string, string][] = st.colorBy
      ? Object.entries(st.colorBy.colors).map(([v, color]) => [
          valueLabel(st.colorBy!.property, v, col.id),
          color,
        ])
      : [[layerTitle(col), st.color]];
    if (st.colorBy) para(layerTitle(col), 20);
    for (const [label, color] of entries) {
      if (y > H / 2) break;
      g.fillStyle = color;
      if (st.kind === 'line') g.fillRect(x, y + 9, 26, 5);
      else if (st.kind === 'fill') g.fillRect(x, y + 2, 26, 18);
      else {
        g.beginPath();
        g.arc(x + 13, y + 11, 9, 0, 2 * Math.PI);
        g.fill();
      }
      g.font = `19px ${font}`;
      g.fillStyle = '#222';
      g.fillText(label, x + 36, y + 1);
      y += 26;
    }
  }
  y += 12;
  heading(t('printFilters'));
  const fs = filtersText();
  para(fs.length ? fs.join(' · ') : t('printNoFilters'));
  y += 12;
  heading(t('printSources'));
  const { meta } = await exportRows(atlas, filterState.filters, 'view');
  for (const src of meta.sources.slice(0, 12))
    para(`${src.title}${src.publisher ? ` · ${src.publisher}` : ''}`, 17);
  if (meta.sources.length > 12) para(t('printMoreSources', { n: meta.sources.length - 12 }), 17);
  for (const a of meta.attribution) para(a, 17);
  para(t('printCredit'), 17);
  return page;
}

function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

export async function printPdf(atlas: Atlas): Promise<void> {
  const [page, { jsPDF }] = await Promise.all([composePage(atlas), import('jspdf')]);
  const doc = new jsPDF({ orientation: 'landscape', unit: 'mm', format: 'a4' });
  doc.setProperties({ title: t('printHeading'), creator: 'Border Atlas' });
  doc.addImage(page.toDataURL('image/jpeg', 0.92), 'JPEG', 0, 0, 297, 210);
  download(doc.output('blob'), 'border-atlas-map.pdf');
}

export async function printPng(atlas: Atlas): Promise<void> {
  const page = await composePage(atlas);
  const blob = await new Promise<Blob>((res, rej) =>
    page.toBlob((b) => (b ? res(b) : rej(new Error('no image'))), 'image/png'),
  );
  download(blob, 'border-atlas-map.png');
}

export function mount(body: HTMLElement, ctx: ToolsContext): Tool {
  const pdf = Object.assign(document.createElement('button'), { type: 'button', className: 'print-pdf' });
  const png = Object.assign(document.createElement('button'), { type: 'button', className: 'print-png' });
  const row = document.createElement('div');
  row.className = 'tool-row';
  row.append(pdf, png);
  const hint = Object.assign(document.createElement('p'), { className: 'tool-hint' });
  const status = Object.assign(document.createElement('p'), { className: 'print-status' });
  status.setAttribute('role', 'status');
  body.append(row, hint, status);
  const texts = (): void => {
    pdf.textContent = t('printPdf');
    png.textContent = t('printPng');
    hint.textContent = t('printHint');
  };
  const run = async (f: (a: Atlas) => Promise<void>): Promise<void> => {
    pdf.disabled = png.disabled = true;
    status.textContent = t('printWorking');
    try {
      await f(ctx.atlas);
      status.textContent = t('printDone');
    } catch (e) {
      status.textContent = t('unavailable', { e: (e as Error).message });
    } finally {
      pdf.disabled = png.disabled = false;
    }
  };
  pdf.addEventListener('click', () => void run(printPdf));
  png.addEventListener('click', () => void run(printPng));
  onLang(texts);
  texts();
  return {};
}
