/**
 * Hover tooltips: the name and kind of the feature under a mouse pointer
 * ("Chợ Kim Sơn · Chợ"), before any click. Only where there is a hovering
 * pointer (a mouse, a trackpad): a touch screen has no hover, and a tap opens
 * the popup as before. Hidden while a popup is open or the editor is drawing.
 *
 * The tooltip repeats what the popup and the "in view" list say, so it is
 * hidden from assistive technology (aria-hidden).
 */
import type { Atlas } from './map.ts';
import { featureName, kindText, popupsPaused } from './popup.ts';
import { type Hit, hitsIn } from './stack-list.ts';

/** Where the tooltip goes: below right of the pointer, flipped to stay inside the map. */
function placeNear(tip: HTMLElement, frame: HTMLElement, x: number, y: number): [number, number] {
  const w = tip.offsetWidth;
  const h = tip.offsetHeight;
  const dx = x + 14 + w > frame.clientWidth ? x - 14 - w : x + 14;
  const dy = y + 18 + h > frame.clientHeight ? y - 10 - h : y + 18;
  return [Math.max(0, dx), Math.max(0, dy)];
}

export function enableTooltips(atlas: Atlas): void {
  if (!window.matchMedia('(hover: hover) and (pointer: fine)').matches) return;
  const { map } = atlas;
  const tip = document.createElement('div');
  tip.className = 'map-tooltip';
  tip.setAttribute('aria-hidden', 'true');
  tip.hidden = true;
  map.getContainer().append(tip);
  let frame = 0;
  let last: { x: number; y: number } | null = null;

  const hide = (): void => {
    tip.hidden = true;
    last = null;
  };
  const show = (): void => {
    frame = 0;
    if (!last || popupsPaused() || document.querySelector('.atlas-popup')) {
      hide();
      return;
    }
    const pad = 4;
    const { x, y } = last;
    const c = map.unproject([x, y]);
    const hits: Hit[] = hitsIn(
      atlas,
      [
        [x - pad, y - pad],
        [x + pad, y + pad],
      ],
      [c.lng, c.lat],
    ).filter((h) => !h.layer.startsWith('countries'));
    const top = hits[0];
    if (!top) {
      tip.hidden = true;
      return;
    }
    const name = top.count ? '' : featureName(top.props, top.id);
    const more = hits.length > 1 ? ` (+${hits.length - 1})` : '';
    tip.replaceChildren(
      ...(name ? [Object.assign(document.createElement('strong'), { textContent: name })] : []),
      Object.assign(document.createElement('span'), {
        textContent: `${kindText(top.layer, top.props)}${more}`,
      }),
    );
    tip.hidden = false;
    const [dx, dy] = placeNear(tip, map.getContainer(), x, y);
    tip.style.transform = `translate(${dx}px, ${dy}px)`;
  };

  map.on('mousemove', (e) => {
    const pe = e.originalEvent as PointerEvent;
    if (pe.pointerType && pe.pointerType !== 'mouse') {
      hide();
      return;
    }
    last = e.point;
    if (!frame) frame = requestAnimationFrame(show);
  });
  map.getCanvas().addEventListener('mouseleave', hide);
  map.on('mousedown', hide);
  map.on('movestart', hide);
}
