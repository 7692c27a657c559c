/**
 * Opening a PMTiles archive (npm run export:pmtiles, docs/offline.md) in
 * the map in place of the server's tiles, through the `pmtiles` package's
 * MapLibre protocol: from a URL (any static host or CDN that answers range
 * requests) or from a file on the device (FileSource: the browser reads
 * the slices it needs, nothing is uploaded). Loaded with a dynamic import
 * only when an archive is asked for (archive-picker.ts: a file picked or
 * `?pmtiles=`), so neither the main bundle nor a page that opens none
 * carries it (with fflate, about 10 KB gzip); the offline package's page
 * (client/offline/) uses it too.
 *
 *   ?pmtiles=https://tiles.example/border-atlas-v1.pmtiles   (offerArchives in archive-picker.ts, from main.ts)
 *   await openArchive(map, file)                              (the file input archivePicker makes)
 */
import type { Map as MlMap, VectorTileSource } from 'maplibre-gl';
import { addProtocol } from 'maplibre-gl';
import { FileSource, type Header, PMTiles, Protocol } from 'pmtiles';
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
