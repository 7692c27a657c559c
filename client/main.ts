/**
 * Wires the web map together: reads the URL, asks the server for its layers
 * (/ogc/collections) and tiles (TileJSON), builds the map and the panels, and
 * writes every change back to the URL.
 */
import type { StyleSpecification } from 'maplibre-gl';
import { keyboardTabs, panelSheet } from './a11y.ts';
import { type Collection, collections, type TileJson, tileJson } from './api.ts';
import { offerArchives } from './archive-picker.ts';
import { filterBadges } from './badges.ts';
import { borderSlider, type NearResult } from './border-slider.ts';
// h14-carto: shareable selection, copy link, open-in-GIS links, choropleths
import type { Units } from './choropleth.ts';
import { exportPanel } from './export.ts';
import { filterState } from './filters.ts';
import { filtersPanel } from './filters-panel.ts';
import { getLang, onLang, setLang, t, translateDom, useLabels } from './i18n.ts';
import { layersPanel } from './layers-panel.ts';
import { type Atlas, createMap, fetchStyle, warmUp } from './map.ts';
import { enablePopups } from './popup.ts';
import { uncertaintyLayer } from './precision.ts';
import { selectionOverlay } from './selection.ts';
import { copyLinkButton, keepSelection } from './share.ts';
import { signInControl } from './sign-in.ts';
import { InViewControl } from './stack-list.ts';
import { statsPanel } from './stats-panel.ts';
import { toolsBar } from './tools.ts';
import { enableTooltips } from './tooltip.ts';
import { parseHash, type State, writeHash } from './url-state.ts';

const state: State = parseHash(window.location.hash);
// ?lang=en (a link from another page) as well as #lang=en.
const askedLang = new URLSearchParams(window.location.search).get('lang');
if (askedLang === 'en' || askedLang === 'vi') state.lang = askedLang;
setLang(state.lang);
onLang(() => translateDom());
const message = document.querySelector<HTMLElement>('#message')!;

document.querySelector('#lang')!.addEventListener('click', () => {
  state.lang = state.lang === 'vi' ? 'en' : 'vi';
  setLang(state.lang);
  writeHash(state);
});

function tabs(): void {
  const show = (name: string): void => {
    for (const el of document.querySelectorAll<HTMLElement>('[data-tab]')) {
      const on = el.dataset.tab === name;
      if (el.getAttribute('role') === 'tab') el.setAttribute('aria-selected', String(on));
      else el.hidden = !on;
    }
  };
  show(state.tab ?? 'layers');
  for (const b of document.querySelectorAll<HTMLButtonElement>('[role=tab]')) {
    b.addEventListener('click', () => {
      state.tab = b.dataset.tab === 'layers' ? null : b.dataset.tab!;
      show(b.dataset.tab!);
      writeHash(state);
    });
  }
  const panel = document.querySelector<HTMLElement>('#panel')!;
  const toggle = document.querySelector<HTMLButtonElement>('#panel-toggle')!;
  toggle.addEventListener('click', () => {
    const open = panel.classList.toggle('collapsed') === false;
    toggle.setAttribute('aria-expanded', String(open));
  });
}

/**
 * The search box's code (client/search.ts) is fetched when the box is first
 * used, not for the first render: a focus starts the import; what was typed
 * meanwhile is searched once it is in, and an Enter pressed meanwhile is
 * sent again then.
 */
function lazySearch(form: HTMLFormElement, atlas: Atlas): void {
  let ready = false;
  let loading: Promise<void> | undefined;
  const load = (): Promise<void> =>
    (loading ??= import('./search.ts').then(({ searchBox }) => {
      searchBox(form, atlas);
      ready = true;
      const input = form.querySelector<HTMLInputElement>('input[type=search]')!;
      if (input.value) input.dispatchEvent(new Event('input'));
    }));
  form.addEventListener('focusin', () => void load());
  form.addEventListener('input', () => void load());
  form.addEventListener('submit', (e) => {
    if (ready) return;
    e.preventDefault();
    void load().then(() => form.requestSubmit());
  });
}

async function start(): Promise<void> {
  // The map's worker starts while the three documents below are on their way.
  warmUp();
  tabs();
  keyboardTabs(document.querySelector('#panel .tabs')!);
  panelSheet(document.querySelector('#panel')!);
  let cols: Collection[];
  let tj: TileJson;
  let style: StyleSpecification;
  try {
    // All three at once (index.html preloads the first two): the style waited for the other two before.
    [cols, tj, style] = await Promise.all([collections(), tileJson(['all']), fetchStyle(getLang())]);
  } catch (e) {
    message.textContent = t('unavailable', { e: (e as Error).message });
    throw e;
  }
  useLabels(cols);
  const known = new Set(cols.map((c) => c.id));
  const visible = new Set(state.layers?.filter((id) => known.has(id)) ?? cols.map((c) => c.id));
  const atlas = await createMap(document.querySelector('#map')!, cols, tj, style, state.view, visible);
  const { map } = atlas;
  // PMTiles archives in place of the server's tiles (?pmtiles=URL, or a file picked): the picker is
  // small (archive-picker.ts); client/pmtiles.ts, a chunk of its own, loads when an archive is asked for.
  map.once('load', () => offerArchives(map, message));

  let near: NearResult | null = null;
  const layers = layersPanel(document.querySelector('#tab-layers')!, atlas, () => {
    state.layers = cols.map((c) => c.id).filter((id) => atlas.isVisible(id));
    if (state.layers.length === cols.length) state.layers = null;
    atlas.applyFilters(state.filters);
    void overlay?.update(state.filters);
    writeHash(state);
  });
  const stats = statsPanel(document.querySelector('#tab-stats')!, state.filters);
  let overlay: ReturnType<typeof selectionOverlay> | undefined;

  lazySearch(document.querySelector('#search')!, atlas);
  filterState.filters = state.filters;
  filterState.km = state.km;
  const filters = filtersPanel(document.querySelector('#filters')!, cols, state.filters, (f) => {
    state.filters = f;
    atlas.applyFilters(f);
    void overlay?.update(f);
    stats.refresh(f);
    writeHash(state);
    filterState.set(f);
  });
  let slider: { off(): void } | undefined;
  filterBadges(document.querySelector('#panel')!, {
    setFilters(f) {
      filters.set(f);
      state.filters = f;
      atlas.applyFilters(f);
      void overlay?.update(f);
      stats.refresh(f);
      writeHash(state);
      filterState.set(f);
    },
    clearKm: () => slider?.off(),
  });
  filterState.onChange((why) => {
    if (why === 'km') stats.refresh(state.filters);
  });
  exportPanel(document.querySelector('#export')!, atlas, () => ({
    filters: state.filters,
    near: near?.distances ?? null,
  }));

  // Sign in (editors get the editing tools once the map has loaded).
  const loaded = new Promise<typeof atlas>((resolve) => map.once('load', () => resolve(atlas)));
  const signIn = signInControl(document.querySelector('#sign-in-button')!, loaded);
  onLang(() => signIn.render());
  // An edit (client/editor.ts): statistics and the filtered selection are asked for again.
  window.addEventListener('atlas:data-changed', () => {
    stats.refresh(state.filters);
    void overlay?.update(state.filters);
  });

  map.on('load', () => {
    overlay = selectionOverlay(atlas);
    atlas.applyFilters(state.filters);
    slider = borderSlider(document.querySelector('#tab-border')!, atlas, state.km, (r) => {
      near = r;
      state.km = r?.km ?? null;
      writeHash(state);
      filterState.setKm(state.km, r?.distances ?? null);
    });
    uncertaintyLayer(atlas);
    enablePopups(atlas);
    // h14-find: the keyboard's way to every feature drawn, and hover tooltips.
    // Top right (bottom left on a phone, where the top row is the tools bar's, client/tools.ts).
    map.addControl(
      new InViewControl(atlas),
      window.matchMedia('(max-width: 700px)').matches ? 'bottom-left' : 'top-right',
    );
    enableTooltips(atlas);
    void filters;
    // h14-carto
    keepSelection(atlas, state, () => writeHash(state));
    // Loaded after the first render: neither is needed to draw the map.
    const tab = document.querySelector<HTMLElement>('#tab-layers')!;
    void import('./choropleth.ts').then(({ choropleth }) => {
      const shade = choropleth(tab, atlas, (v) => {
        state.choro = v;
        writeHash(state);
      });
      if (state.choro) void shade.show(...(state.choro.split('/') as [Units, string]));
      void import('./links-panel.ts').then(({ linksPanel }) => linksPanel(tab, atlas, () => state.filters));
    });
    // h14-tools: table, time slider, measure, print; the time slider sets years as the filter form does.
    toolsBar({
      atlas,
      setFilters(f) {
        filters.set(f);
        state.filters = f;
        atlas.applyFilters(f);
        void overlay?.update(f);
        stats.refresh(f);
        writeHash(state);
        filterState.set(f);
      },
    });
  });
  copyLinkButton();
  map.on('moveend', () => {
    const c = map.getCenter();
    state.view = { zoom: map.getZoom(), lat: c.lat, lon: c.lng };
    writeHash(state);
  });
  let lastZoom = -1;
  map.on('idle', () => {
    layers.refreshCounts();
    // Clusters come and go with the zoom; the filtered overlay follows them.
    if (Math.floor(map.getZoom()) !== lastZoom) {
      lastZoom = Math.floor(map.getZoom());
      void overlay?.update(state.filters);
    }
    document.body.dataset.ready = 'true';
  });
}

// The map writes its hash with replaceState, which fires no event: a
// hashchange is a person editing the address or following a link, and the
// simplest faithful way to show that state is to start again from it.
window.addEventListener('hashchange', () => window.location.reload());

void start();
