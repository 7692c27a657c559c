/**
 * Place search: accent-insensitive (the server folds both sides), and a name
 * that no longer exists brings its 2025 unit (thị trấn Kim Sơn → xã Quế
 * Phong). Choosing a result flies there; Enter takes the first current unit.
 */
import type { Map as MlMap } from 'maplibre-gl';
import { type SearchResult, search } from './api.ts';
import { onLang, t } from './i18n.ts';

const ZOOM: Record<string, number> = { province: 8, district: 10, commune: 11.5, village: 13, feature: 13 };

export function zoomFor(r: SearchResult): number {
  return ZOOM[r.level] ?? 12;
}

/** Where a result takes the map: an old unit goes to the unit that replaced it when we know it. */
export function target(r: SearchResult, all: readonly SearchResult[]): SearchResult {
  if (r.valid_to === null) return r;
  return all.find((s) => s.successor_of?.id === r.id && s.point) ?? r;
}

export function searchBox(
  form: HTMLFormElement,
  map: MlMap,
  onFly: (r: SearchResult) => void = () => {},
): void {
  const input = form.querySelector<HTMLInputElement>('input[type=search]')!;
  const list = form.querySelector<HTMLOListElement>('ol')!;
  let results: SearchResult[] = [];
  let ctl: AbortController | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const fly = (r: SearchResult): void => {
    const to = target(r, results);
    if (!to.point) return;
    map.flyTo({ center: to.point, zoom: zoomFor(to), speed: 1.6 });
    list.replaceChildren();
    input.value = to.name;
    onFly(to);
  };

  const render = (): void => {
    list.replaceChildren();
    if (input.value.trim() && results.length === 0) {
      list.append(
        Object.assign(document.createElement('li'), { className: 'none', textContent: t('noResults') }),
      );
      return;
    }
    for (const r of results) {
      const li = document.createElement('li');
      const b = Object.assign(document.createElement('button'), { type: 'button', className: 'result' });
      b.dataset.level = r.level;
      b.append(Object.assign(document.createElement('strong'), { textContent: r.name }));
      const meta = [
        r.kind,
        r.parent,
        r.valid_to ? `${t('until')} ${r.valid_to}` : null,
        r.valid_to
          ? (() => {
              const s = results.find((x) => x.successor_of?.id === r.id);
              return s ? `${t('nowIn')} ${s.name}` : null;
            })()
          : null,
        r.successor_of ? `${t('formerly')} ${r.successor_of.name}` : null,
      ].filter(Boolean);
      b.append(
        Object.assign(document.createElement('span'), {
          className: 'meta',
          textContent: ` ${meta.join(' · ')}`,
        }),
      );
      b.addEventListener('click', () => fly(r));
      li.append(b);
      list.append(li);
    }
  };

  const run = async (): Promise<void> => {
    ctl?.abort();
    const q = input.value.trim();
    if (!q) {
      results = [];
      list.replaceChildren();
      return;
    }
    ctl = new AbortController();
    try {
      results = await search(q, ctl.signal);
      render();
    } catch (e) {
      if ((e as Error).name !== 'AbortError')
        list.replaceChildren(
          Object.assign(document.createElement('li'), { textContent: (e as Error).message }),
        );
    }
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 180);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') list.replaceChildren();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearTimeout(timer);
    await run();
    const first = results.find((r) => r.valid_to === null && r.point) ?? results[0];
    if (first) fly(first);
  });
  onLang(render);
}
