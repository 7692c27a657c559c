/**
 * Horizontal bar charts in plain SVG. Our charts are a few labelled bars;
 * a charting library (tens of KB gzip) would outweigh all our own code.
 *
 *   barChart('Vốn theo tỉnh', [{ label: 'Lào Cai', value: 812.4, note: '12 dự án' }], (v) => `${v} tỷ`)
 */
import { t } from './i18n.ts';

const SVG = 'http://www.w3.org/2000/svg';
const unknownText = (): string => t('unknownShort');

export interface Bar {
  label: string;
  value: number;
  note?: string;
  color?: string;
  /** No project of the bar has a figure: its value is unknown, not 0. */
  unknown?: boolean;
}

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

export function barChart(title: string, bars: readonly Bar[], fmt: (v: number) => string): HTMLElement {
  const fig = document.createElement('figure');
  fig.className = 'chart';
  const cap = document.createElement('figcaption');
  cap.textContent = title;
  fig.append(cap);
  const width = 470;
  const labelW = 110;
  const rowH = 22;
  const max = Math.max(0, ...bars.map((b) => b.value)) || 1;
  const svg = el('svg', {
    viewBox: `0 0 ${width} ${Math.max(rowH, bars.length * rowH)}`,
    role: 'img',
    'aria-label': title,
  });
  bars.forEach((b, i) => {
    const y = i * rowH;
    // Room after the longest bar for "1,376 · 9 projects, 2 with unknown investment".
    const w = Math.max(1, ((width - labelW - 280) * b.value) / max);
    const g = el('g', { class: 'bar' });
    const label = el('text', { x: labelW - 6, y: y + 15, 'text-anchor': 'end', class: 'label' });
    label.textContent = b.label.length > 18 ? `${b.label.slice(0, 17)}…` : b.label;
    const rect = el('rect', {
      x: labelW,
      y: y + 4,
      width: w,
      height: rowH - 8,
      rx: 2,
      fill: b.color ?? '#3182bd',
    });
    const tip = el('title', {});
    const shown = b.unknown ? unknownText() : fmt(b.value);
    tip.textContent = `${b.label}: ${shown}${b.note ? ` (${b.note})` : ''}`;
    rect.append(tip);
    const value = el('text', { x: labelW + w + 4, y: y + 15, class: 'value' });
    // Many projects have no investment figure: the note says how many, and a bar of none is "unknown", not 0.
    value.textContent = b.note ? `${shown} · ${b.note}` : shown;
    if (b.unknown) g.classList.add('unknown');
    g.append(label, rect, value);
    svg.append(g);
  });
  fig.append(svg);
  return fig;
}
