/**
 * The layer list, built from /ogc/collections (not a list of our own): a
 * toggle, the legend and the number of features in view for each layer, top
 * of the drawing order first as in a GIS.
 */
import type { Collection } from './api.ts';
import { num } from './format.ts';
import { getLang, onLang, t } from './i18n.ts';
import { legend, swatch } from './legend.ts';
import type { Atlas } from './map.ts';

export function layerTitle(c: Collection): string {
  return getLang() === 'vi' ? (c.title_vi ?? c.title) : c.title;
}

/** The layer's description in the page language (the registry's `description_vi` in Vietnamese). */
export function layerDescription(c: Collection): string {
  const vi = (c as Collection & { description_vi?: string }).description_vi;
  return getLang() === 'vi' ? (vi ?? '') : (c.description ?? '');
}

export function layersPanel(
  root: HTMLElement,
  atlas: Atlas,
  onToggle: () => void,
): { refreshCounts(): void } {
  const counts = new Map<string, HTMLElement>();
  const render = (): void => {
    root.replaceChildren();
    counts.clear();
    const list = document.createElement('ul');
    list.className = 'layer-list';
    for (const c of [...atlas.collections].reverse()) {
      const li = document.createElement('li');
      li.dataset.layer = c.id;
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = atlas.isVisible(c.id);
      box.name = `layer-${c.id}`;
      box.addEventListener('change', () => {
        atlas.setVisible(c.id, box.checked);
        onToggle();
      });
      const count = document.createElement('span');
      count.className = 'count';
      count.title = t('inView');
      counts.set(c.id, count);
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      summary.textContent = t('details');
      const desc = document.createElement('p');
      desc.textContent = layerDescription(c);
      details.append(summary, legend(c.style, c.id), desc);
      // The count is its own word of the box's name: "Cửa khẩu (5)", not "Cửa khẩu5" (style.css adds the brackets).
      label.append(
        box,
        swatch(c.style?.kind ?? 'circle', c.style?.color ?? '#555'),
        layerTitle(c),
        ' ',
        count,
      );
      li.append(label);
      if (c.style?.colorBy) li.append(details);
      else {
        li.title = layerDescription(c);
      }
      list.append(li);
    }
    root.append(list);
    refreshCounts();
  };
  const refreshCounts = (): void => {
    const n = atlas.countsInView();
    // "5 trong khung nhìn": the count is of what the view shows, not of the whole layer.
    for (const [id, el] of counts)
      el.textContent = atlas.isVisible(id) ? t('inViewCount', { n: num(n.get(id) ?? 0, 0) }) : '';
  };
  onLang(render);
  return { refreshCounts };
}
