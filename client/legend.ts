/**
 * A layer's legend, drawn from its registry style hint: one swatch, or one
 * per value when the layer is coloured by a property. The swatch's shape
 * says how the layer is drawn (dot, line, area).
 */
import type { LayerStyleHint } from './api.ts';
import { valueLabel } from './i18n.ts';
import { darker } from './map-style.ts';

export function swatch(kind: LayerStyleHint['kind'], color: string): HTMLElement {
  const s = document.createElement('span');
  s.className = `swatch swatch-${kind}`;
  s.style.setProperty('--c', color);
  s.style.setProperty('--edge', darker(color));
  s.setAttribute('aria-hidden', 'true');
  return s;
}

/** The legend of a layer (`layer` names its values as the server labels them). */
export function legend(style: LayerStyleHint | undefined, layer?: string): HTMLElement {
  const box = document.createElement('ul');
  box.className = 'legend';
  if (!style) return box;
  const entries: [string | null, string][] = style.colorBy
    ? Object.entries(style.colorBy.colors).map(([v, c]) => [valueLabel(style.colorBy!.property, v, layer), c])
    : [[null, style.color]];
  for (const [label, color] of entries) {
    const li = document.createElement('li');
    li.append(swatch(style.kind, color));
    if (label) li.append(label);
    box.append(li);
  }
  return box;
}

/**
 * A choropleth's legend: its figure, one swatch per class (lightest first),
 * the unknown units apart (grey, hatched) with their count, and a note.
 */
export function choroplethLegend(
  title: string,
  entries: readonly { color: string; label: string }[],
  unknown: { color: string; label: string },
  note: string,
): HTMLElement {
  const box = document.createElement('figure');
  box.className = 'choropleth-key';
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  const list = document.createElement('ul');
  list.className = 'legend';
  const item = (color: string, label: string, cls?: string): void => {
    const li = document.createElement('li');
    const s = swatch('fill', color);
    if (cls) s.classList.add(cls);
    li.append(s, label);
    list.append(li);
  };
  for (const e of entries) item(e.color, e.label);
  item(unknown.color, unknown.label, 'swatch-unknown');
  const p = document.createElement('p');
  p.className = 'choropleth-note';
  p.textContent = note;
  box.append(caption, list, p);
  return box;
}
