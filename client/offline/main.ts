/**
 * The map page of a field package (npm run export:offline): the same
 * MapLibre style as the web map (style.json, written by the export from the
 * layer registry), its tiles read from the package's PMTiles archive
 * through the `pmtiles` protocol and its label glyphs from the package's
 * fonts/, every URL relative to this page. It asks no server: the page and
 * its files are served from the phone's storage by any static file server
 * (docs/offline.md says why not file:// alone).
 *
 *   package/index.html?archive=area.pmtiles   (the default)
 */
import {
  Map as MlMap,
  NavigationControl,
  ScaleControl,
  type StyleSpecification,
  setWorkerUrl,
} from 'maplibre-gl';
// MapLibre 6 runs its tile workers from a module of its own, shipped in the package's assets.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { SOURCE } from '../map-style.ts';
import { registerArchive } from '../pmtiles.ts';

/** The package's own URL for a file name, resolved against this page (never another host). */
const here = (name: string) => new URL(name, window.location.href).href;
const message = document.querySelector<HTMLElement>('#message')!;

async function start(): Promise<void> {
  setWorkerUrl(workerUrl);
  const archiveName = new URLSearchParams(window.location.search).get('archive') ?? 'area.pmtiles';
  const res = await fetch(here('style.json'));
  if (!res.ok) throw new Error(`style.json: HTTP ${res.status}`);
  const style = (await res.json()) as StyleSpecification;
  const { url, header } = await registerArchive(here(archiveName));
  // Built by hand: URL() would percent-encode the braces MapLibre fills in.
  style.glyphs = `${here('.')}fonts/{fontstack}/{range}.pbf`;
  style.sources[SOURCE] = {
    ...style.sources[SOURCE],
    type: 'vector',
    url,
  } as StyleSpecification['sources'][string];
  // The area names and the rivers are layers of the archive's tiles: the style has no other source.
  document.querySelector('#area')!.textContent = archiveName;
  const map = new MlMap({
    container: 'map',
    style,
    bounds: [
      [header.minLon, header.minLat],
      [header.maxLon, header.maxLat],
    ],
    maxZoom: 18,
    attributionControl: { compact: false },
  });
  map.addControl(new NavigationControl({ showCompass: false }), 'bottom-right');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
  // For the end-to-end test (tests/e2e/offline.test.ts): what the map drew.
  (window as unknown as { offline: unknown }).offline = { map };
  map.once('idle', () => {
    document.body.dataset.ready = 'true';
  });
}

start().catch((e: unknown) => {
  message.textContent = `Không mở được bản đồ · Cannot open the map: ${(e as Error).message}`;
  message.className = 'error';
  throw e;
});
