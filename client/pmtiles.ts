/**
 * Opening a PMTiles archive (npm run export:pmtiles, docs/offline.md) in
 * the map in place of the server's tiles, through the `pmtiles` package's
 * MapLibre protocol: from a URL (any static host or CDN that answers range
 * requests) or from a file on the device (FileSource: the browser reads
 * the slices it needs, nothing is uploaded). Loaded with a dynamic import
 * only when an archive is asked for, so the main bundle does not carry it;
 * the offline package's page (client/offline/) uses it too.
 *
 *   ?pmtiles=https://tiles.example/border-atlas-v1.pmtiles   (offerArchives, from main.ts)
 *   await openArchive(map, file)                              (the file input archivePicker makes)
 */
import type { Map as MlMap, VectorTileSource } from 'maplibre-gl';
import { addProtocol } from 'maplibre-gl';
import { FileSource, type Header, PMTiles, Protocol } from 'pmtiles';
import { onLang, t } from './i18n.ts';
import { SOURCE } from './map-style.ts';

let protocol: Protocol | undefined;

/** The `pmtiles://` protocol, registered with MapLibre once per page. */
export function pmtilesProtocol(): Protocol {
  if (!protocol) {
    // metadata: the archive's attribution and vector_layers reach the source's TileJSON.
    protocol = new Protocol({ metadata: true });
    addProtocol('pmtiles', protocol.tile);
  }
  return protocol;
}

export interface Opened {
  /** The source URL MapLibre reads: `pmtiles://` and the archive's key (its URL, or the file's name). */
  url: string;
  header: Header;
  archive: PMTiles;
}

/** Registers an archive (a URL, relative to the page, or a File) and reads its header: throws on a file that is not PMTiles v3. */
export async function registerArchive(from: string | File): Promise<Opened> {
  const p = pmtilesProtocol();
  const archive =
    typeof from === 'string'
      ? new PMTiles(new URL(from, window.location.href).href)
      : new PMTiles(new FileSource(from));
  const header = await archive.getHeader();
  if (header.tileType !== 1) throw new Error(`${archive.source.getKey()}: not vector tiles (MVT)`);
  p.add(archive);
  return { url: `pmtiles://${archive.source.getKey()}`, header, archive };
}

/**
 * Points the map's tile source at the archive: its TileJSON (tiles, zooms,
 * bounds) now comes from the archive's header, so the map overzooms past
 * the archive's last zoom instead of asking for tiles it does not hold.
 * The style, labels and glyphs stay as they are. Moves to the archive's area.
 */
export async function openArchive(map: MlMap, from: string | File): Promise<Opened> {
  const opened = await registerArchive(from);
  const source = map.getSource<VectorTileSource>(SOURCE);
  if (!source) throw new Error(`the map has no source ${SOURCE}`);
  source.setUrl(opened.url);
  const h = opened.header;
  map.fitBounds(
    [
      [h.minLon, h.minLat],
      [h.maxLon, h.maxLat],
    ],
    { animate: false, padding: 20 },
  );
  return opened;
}

/**
 * A file input, in the page's language, that opens the chosen archive in
 * the map; errors (not an archive, unreadable) go to `report`.
 */
export function archivePicker(map: MlMap, report: (message: string) => void): HTMLElement {
  const label = document.createElement('label');
  label.className = 'pmtiles-picker';
  const text = document.createElement('span');
  const words = () => {
    text.textContent = t('openPmtiles');
  };
  words();
  onLang(words);
  label.append(text);
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = '.pmtiles,application/vnd.pmtiles';
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (!file) return;
    openArchive(map, file).then(
      () => report(t('pmtilesOpened', { name: file.name })),
      (e: unknown) => report(t('pmtilesFailed', { name: file.name, e: (e as Error).message })),
    );
  });
  label.append(input);
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
    openArchive(map, url).then(
      (o) => report(t('pmtilesOpened', { name: o.url })),
      (e: unknown) => report(t('pmtilesFailed', { name: url, e: (e as Error).message })),
    );
  }
}
