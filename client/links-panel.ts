/**
 * "Open in QGIS / GDAL / MapLibre": the addresses of what the map shows, for
 * a GIS: the vector tile URL template and TileJSON of the visible layers,
 * the style URL (/styles/atlas.json, the style this map draws with), the
 * OGC API - Features landing page, and each visible layer's items in the
 * current view with the planner's filters as a CQL2 filter. Each has a copy
 * button and a one-line how-to. Absolute URLs on this page's origin.
 */
import { getLang, onLang, t } from './i18n.ts';
import { layerTitle } from './layers-panel.ts';
import type { Atlas } from './map.ts';
import { copyButton } from './share.ts';
import type { Filters } from './url-state.ts';

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The planner's filters as CQL2 text over a layer's `fields` (the same meaning as client/filters.ts), or null. */
export function cql2(f: Filters, fields: ReadonlySet<string>): string | null {
  const all: string[] = [];
  if (f.categories.length && fields.has('category'))
    all.push(`category IN (${f.categories.map(quote).join(', ')})`);
  if (f.funding.length && fields.has('funding')) all.push(`funding IN (${f.funding.map(quote).join(', ')})`);
  if (fields.has('start_year') && fields.has('end_year')) {
    if (f.yearTo !== null)
      all.push(`(start_year <= ${f.yearTo} OR (start_year IS NULL AND end_year <= ${f.yearTo}))`);
    if (f.yearFrom !== null)
      all.push(`(end_year >= ${f.yearFrom} OR (end_year IS NULL AND start_year >= ${f.yearFrom}))`);
  }
  if (f.minInvestment !== null && fields.has('investment_bn_vnd'))
    all.push(`investment_bn_vnd >= ${f.minInvestment}`);
  return all.length ? all.join(' AND ') : null;
}

export interface LinkEntry {
  key: string;
  title: string;
  url: string;
  how: string;
}

/** The entries for the map as it is now. */
export function linkEntries(atlas: Atlas, filters: Filters): LinkEntry[] {
  const origin = window.location.origin;
  const shown = atlas.collections.filter((c) => atlas.isVisible(c.id)).map((c) => c.id);
  const set = shown.length ? shown.join(',') : 'all';
  const b = atlas.map.getBounds();
  const r = (v: number) => Math.round(v * 1e4) / 1e4;
  const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(r).join(',');
  const entries: LinkEntry[] = [
    {
      key: 'tiles',
      title: t('linksTiles'),
      url: `${origin}/tiles/${set}/{z}/{x}/{y}.mvt`,
      how: t('linksTilesHow'),
    },
    {
      key: 'tilejson',
      title: t('linksTileJson'),
      url: `${origin}/tiles/${set}.json`,
      how: t('linksTileJsonHow'),
    },
    {
      key: 'style',
      title: t('linksStyle'),
      url: `${origin}/styles/atlas.json${getLang() === 'en' ? '?lang=en' : ''}`,
      how: t('linksStyleHow'),
    },
    { key: 'ogc', title: t('linksOgc'), url: `${origin}/ogc`, how: t('linksOgcHow') },
  ];
  for (const c of atlas.collections) {
    if (!atlas.isVisible(c.id)) continue;
    const q = new URLSearchParams({ bbox, limit: '1000' });
    const filter = cql2(filters, atlas.fields.get(c.id) ?? new Set());
    if (filter) q.set('filter', filter);
    entries.push({
      key: `items:${c.id}`,
      title: t('linksItems', { layer: layerTitle(c) }),
      url: `${origin}/ogc/collections/${c.id}/items?${q.toString()}`,
      how: t('linksItemsHow'),
    });
  }
  return entries;
}

/** The panel, a closed <details> at the end of `root`; its addresses follow the map while it is open. */
export function linksPanel(root: HTMLElement, atlas: Atlas, filters: () => Filters): { refresh(): void } {
  const box = document.createElement('details');
  box.className = 'links-panel';
  const summary = document.createElement('summary');
  const list = document.createElement('dl');
  box.append(summary, list);
  root.append(box);
  const refresh = (): void => {
    summary.textContent = t('linksTitle');
    if (!box.open) return;
    list.replaceChildren();
    for (const e of linkEntries(atlas, filters())) {
      const dt = document.createElement('dt');
      dt.textContent = e.title;
      const dd = document.createElement('dd');
      dd.dataset.link = e.key;
      const url = document.createElement('code');
      url.className = 'link-url';
      url.textContent = e.url;
      const how = document.createElement('p');
      how.className = 'link-how';
      how.textContent = e.how;
      dd.append(
        url,
        copyButton(
          () => e.url,
          () => t('copy'),
          undefined,
          false,
        ),
        how,
      );
      list.append(dt, dd);
    }
  };
  box.addEventListener('toggle', refresh);
  atlas.map.on('moveend', refresh);
  onLang(refresh);
  refresh();
  return { refresh };
}
