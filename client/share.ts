/**
 * Sharing what one sees: the open popup's feature is kept in the URL
 * (`#…&sel=projects/12`, client/url-state.ts) and opened again when the
 * link is followed; a "copy link" button in the top bar puts the address on
 * the clipboard (the Clipboard API, else a selected text box and
 * execCommand('copy'), else the box stays for the person to copy).
 */
import type { LngLatLike } from 'maplibre-gl';
import { feature } from './api.ts';
import { onLang, t } from './i18n.ts';
import type { Atlas } from './map.ts';
import { popupExtensions, showFeature } from './popup.ts';
import type { Selection, State } from './url-state.ts';

type Geometry = { type: string; coordinates: unknown } | null;

/** A point of the geometry to open its popup at: the point, a line's middle vertex, an area's box centre. */
export function anchorOf(g: Geometry): [number, number] | null {
  if (!g) return null;
  const c = g.coordinates as never;
  switch (g.type) {
    case 'Point':
      return c;
    case 'MultiPoint':
      return (c as [number, number][])[0] ?? null;
    case 'LineString': {
      const line = c as [number, number][];
      return line[Math.floor(line.length / 2)] ?? null;
    }
    case 'MultiLineString':
      return anchorOf({ type: 'LineString', coordinates: (c as unknown[])[0] });
    case 'Polygon': {
      const ring = (c as [number, number][][])[0] ?? [];
      if (!ring.length) return null;
      const xs = ring.map((p) => p[0]);
      const ys = ring.map((p) => p[1]);
      return [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
    }
    case 'MultiPolygon':
      return anchorOf({ type: 'Polygon', coordinates: (c as unknown[])[0] });
    default:
      return null;
  }
}

/**
 * Writes the feature of every popup opened into `state.sel` (and clears it
 * when that popup closes), and reopens `state.sel` once the map has loaded.
 */
export function keepSelection(atlas: Atlas, state: State, write: () => void): void {
  const same = (s: Selection | null | undefined, layer: string, id: string) =>
    s?.layer === layer && s.id === id;
  popupExtensions.push(({ layer, id, popup }) => {
    const key = String(id);
    state.sel = { layer, id: key };
    write();
    popup.on('close', () => {
      if (!same(state.sel, layer, key)) return;
      state.sel = null;
      write();
    });
  });
  const sel = state.sel;
  if (!sel || !atlas.collections.some((c) => c.id === sel.layer)) {
    if (sel) {
      state.sel = null;
      write();
    }
    return;
  }
  feature(sel.layer, sel.id)
    .then((f) => {
      const at = anchorOf(f.geometry);
      if (!at) return;
      const lngLat: LngLatLike = at;
      // The link's view wins; only a feature outside it moves the map.
      if (!atlas.map.getBounds().contains(lngLat)) atlas.map.jumpTo({ center: lngLat });
      showFeature(atlas, sel.layer, sel.id, f.properties, lngLat);
    })
    .catch(() => {
      // Gone since the link was made: say nothing, keep the rest of the link.
      if (!same(state.sel, sel.layer, sel.id)) return;
      state.sel = null;
      write();
    });
}

/** Copies `text`: true when it reached the clipboard. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Refused (no permission, not focused): the fallback below.
  }
  const box = document.createElement('textarea');
  box.value = text;
  box.setAttribute('readonly', '');
  box.style.position = 'fixed';
  box.style.opacity = '0';
  document.body.append(box);
  box.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  box.remove();
  return ok;
}

/** A copy button for `value()`; a failure shows the text, selected, for copying by hand. */
export function copyButton(
  value: () => string,
  label: () => string,
  title?: () => string,
  followLang = true,
): HTMLElement {
  const wrap = document.createElement('span');
  wrap.className = 'copy-wrap';
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'copy-button';
  const status = document.createElement('span');
  status.className = 'copy-status';
  status.setAttribute('role', 'status');
  const render = (): void => {
    b.textContent = label();
    if (title) b.title = title();
  };
  render();
  if (followLang) onLang(render);
  let timer: ReturnType<typeof setTimeout> | undefined;
  b.addEventListener('click', async () => {
    const text = value();
    const ok = await copyText(text);
    wrap.querySelector('input.copy-manual')?.remove();
    status.textContent = ok ? t('copied') : t('copyFailed');
    if (!ok) {
      const manual = document.createElement('input');
      manual.className = 'copy-manual';
      manual.readOnly = true;
      manual.value = text;
      manual.setAttribute('aria-label', label());
      wrap.append(manual);
      manual.select();
    }
    clearTimeout(timer);
    timer = setTimeout(() => {
      status.textContent = '';
    }, 2500);
  });
  wrap.append(b, status);
  return wrap;
}

/** The top bar's "copy link" button, before the language button. */
export function copyLinkButton(): HTMLElement {
  const el = copyButton(
    () => window.location.href,
    () => t('copyLink'),
    () => t('copyLinkTitle'),
  );
  el.id = 'copy-link';
  document.querySelector('#lang')?.before(el);
  return el;
}
