/**
 * The page's way to open a PMTiles archive in place of the server's tiles:
 * a file input in the panel, and `?pmtiles=URL`. The archive code
 * (pmtiles.ts, with the pmtiles package and fflate) is fetched only once
 * an archive is asked for: a page that opens none does not load it.
 *
 *   offerArchives(map, message)   // main.ts, once the map has loaded
 */
import type { Map as MlMap } from 'maplibre-gl';
import { onLang, t } from './i18n.ts';

const archive = () => import('./pmtiles.ts');

/**
 * A file input, in the page's language, that opens the chosen archive in
 * the map; errors (not an archive, unreadable) go to `report`.
 */
export function archivePicker(map: MlMap, report: (message: string) => void): HTMLElement {
  const label = document.createElement('label');
  label.className = 'pmtiles-picker';
  const text = document.createElement('span');
  // The browser's own button and "no file" words follow the browser's language, not the
  // page's: the input is hidden (still focusable) and these speak for it.
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = '.pmtiles,application/vnd.pmtiles';
  input.className = 'visually-hidden';
  const choose = document.createElement('span');
  choose.className = 'pmtiles-choose';
  choose.setAttribute('aria-hidden', 'true');
  const chosen = document.createElement('span');
  chosen.className = 'pmtiles-chosen';
  const words = () => {
    text.textContent = t('openPmtiles');
    choose.textContent = t('chooseFile');
    chosen.textContent = input.files?.[0]?.name ?? t('noFileChosen');
  };
  words();
  onLang(words);
  label.append(text);
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    words();
    if (!file) return;
    archive()
      .then((m) => m.openArchive(map, file))
      .then(
        () => report(t('pmtilesOpened', { name: file.name })),
        (e: unknown) => report(t('pmtilesFailed', { name: file.name, e: (e as Error).message })),
      );
  });
  label.append(input, choose, chosen);
  return label;
}

/**
 * What main.ts calls once the map has loaded: opens `?pmtiles=URL` when the
 * page was given one, and puts the file picker above `message`, where the
 * outcome of either is reported.
 */
export function offerArchives(map: MlMap, message: HTMLElement): void {
  const report = (m: string) => {
    message.textContent = m;
  };
  message.before(archivePicker(map, report));
  const url = new URLSearchParams(window.location.search).get('pmtiles');
  if (url) {
    archive()
      .then((m) => m.openArchive(map, url))
      .then(
        (o) => report(t('pmtilesOpened', { name: o.url })),
        (e: unknown) => report(t('pmtilesFailed', { name: url, e: (e as Error).message })),
      );
  }
}
