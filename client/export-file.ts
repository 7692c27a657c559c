/**
 * The export's file (loaded when a person asks for one: export.ts imports
 * it dynamically, so the first render does not carry it). Export the current selection (see selection.ts) as GeoJSON or CSV, made in
 * the browser from the features the map shows, in one of two scopes:
 * "what I see" (the filtered features inside the map's current view) or
 * "everything filtered" (wherever they are). The border slider, while on,
 * narrows both (the page's one filter state, filters.ts).
 *
 * One row per feature: markets and industrial parks are also projects, so a
 * feature met in several layers (same project id) is written once, its
 * layers listed in `layers` and its properties merged (the kind's own, such
 * as kiosks, kept).
 *
 * The file says what it holds: the filters, the scope (and the view's bbox),
 * the articles the features come from (title, publisher, URL, from
 * /api/features/{layer}/{id}/sources) and the credits (ODbL for the
 * OpenStreetMap-derived layers).
 * - GeoJSON: a top-level `metadata` member (a foreign member RFC 7946 allows).
 * - CSV: a block of comment lines starting with `#` before the header row
 *   (pandas: `comment='#'`; R: `comment.char='#'`; QGIS: "number of header
 *   lines to discard"). Then RFC 4180 rows as the server writes them
 *   (server/http/csv.ts: UTF-8 with a BOM so spreadsheets keep the
 *   diacritics); points get lon/lat columns.
 * An investment the article does not give is an empty cell (GeoJSON: null),
 * never 0, and `investment_known` says so.
 */
import { toCsv } from '../server/http/csv.ts';
import { type Feature, type FeatureSources, featureSources } from './api.ts';
import type { Scope } from './export.ts';
import { filterState, toQuery } from './filters.ts';
import { t } from './i18n.ts';
import type { Atlas } from './map.ts';
import { type Selection, select } from './selection.ts';
import type { Filters } from './url-state.ts';

export type { Scope };

/** One exported feature: its first layer's feature, the layers it was met in. */
export interface Row {
  feature: Feature;
  layers: string[];
}

export interface Metadata {
  title: string;
  exported_at: string;
  scope: Scope;
  /** [west, south, east, north] of the view, for scope "view". */
  bbox?: [number, number, number, number];
  /** The filters as the server's query parameters (the same as /api/stats takes). */
  filters: Record<string, string>;
  count: number;
  sources: { title: string; publisher: string | null; url: string | null }[];
  attribution: string[];
  license_note: string;
}

/**
 * One row per feature: a project met in several layers (projects, markets,
 * industrial parks) is one row, keyed by its id; later layers add their
 * own properties.
 */
export function dedupe(sel: readonly Selection[]): Row[] {
  const rows = new Map<string, Row>();
  for (const s of sel)
    for (const f of s.features) {
      const key = String(f.id ?? f.properties.id ?? `${s.layer}:${rows.size}`);
      const had = rows.get(key);
      if (had) {
        had.layers.push(s.layer);
        had.feature = { ...had.feature, properties: { ...had.feature.properties, ...f.properties } };
      } else rows.set(key, { feature: f, layers: [s.layer] });
    }
  return [...rows.values()];
}

function inBox(f: Feature, b: [number, number, number, number]): boolean {
  if (f.geometry?.type !== 'Point') return false;
  const [x, y] = f.geometry.coordinates as number[];
  return x! >= b[0] && x! <= b[2] && y! >= b[1] && y! <= b[3];
}

const props = (r: Row): Record<string, unknown> => ({
  layers: r.layers.join(','),
  ...r.feature.properties,
  investment_known: typeof r.feature.properties.investment_bn_vnd === 'number',
});

export function asGeojson(rows: readonly Row[], meta: Metadata): string {
  const features = rows.map((r) => ({ ...r.feature, properties: props(r) }));
  return JSON.stringify({ type: 'FeatureCollection', metadata: meta, features });
}

/** The metadata as `# key: value` lines. */
export function csvComments(meta: Metadata): string {
  const line = (s: string) => `# ${s.replace(/[\r\n]+/g, ' ')}\r\n`;
  let out = line(`${meta.title} (${meta.exported_at})`);
  out += line(`scope: ${meta.scope}${meta.bbox ? ` bbox=${meta.bbox.join(',')}` : ''}`);
  const f = Object.entries(meta.filters).map(([k, v]) => `${k}=${v}`);
  out += line(`filters: ${f.length ? f.join('&') : 'none'}`);
  out += line(`features: ${meta.count}`);
  for (const s of meta.sources)
    out += line(`source: ${s.title}${s.publisher ? ` · ${s.publisher}` : ''}${s.url ? ` · ${s.url}` : ''}`);
  for (const a of meta.attribution) out += line(`attribution: ${a}`);
  out += line(meta.license_note);
  return out;
}

export function asCsv(rows: readonly Row[], meta: Metadata): string {
  const data = rows.map((r) => {
    const f = r.feature;
    const point = f.geometry?.type === 'Point' ? (f.geometry.coordinates as number[]) : null;
    return { id: f.id, ...props(r), lon: point?.[0], lat: point?.[1] };
  });
  const columns: string[] = [];
  for (const r of data) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  // lon/lat last, whatever order the layers had.
  const ordered = [...columns.filter((c) => c !== 'lon' && c !== 'lat'), 'lon', 'lat'];
  // The BOM first (spreadsheets read UTF-8 by it), then the comments, then the table.
  const table = toCsv(ordered, data);
  return `\uFEFF${csvComments(meta)}${table.replace(/^\uFEFF/, '')}`;
}

/** The sources of the rows' features, each article once; at most `max` features asked, 6 at a time. */
async function sourcesOf(rows: readonly Row[], max = 400): Promise<Metadata['sources']> {
  const out = new Map<string, Metadata['sources'][number]>();
  const queue = rows.slice(0, max);
  const worker = async (): Promise<void> => {
    for (let r = queue.shift(); r; r = queue.shift()) {
      const s: FeatureSources | null = await featureSources(r.layers[0]!, r.feature.id ?? '').catch(
        () => null,
      );
      for (const src of s?.sources ?? [])
        out.set(src.url ?? src.title, { title: src.title, publisher: src.publisher, url: src.url });
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return [...out.values()];
}

/** What an export holds: the rows of `scope` and their metadata. */
export async function exportRows(
  atlas: Atlas,
  filters: Filters,
  scope: Scope,
): Promise<{ rows: Row[]; meta: Metadata }> {
  const near = filterState.km !== null ? filterState.near : null;
  const sel = await select(atlas, filters, near);
  let rows = dedupe(sel);
  let bbox: Metadata['bbox'];
  if (scope === 'view') {
    const b = atlas.map.getBounds();
    bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => Math.round(v * 1e5) / 1e5) as [
      number,
      number,
      number,
      number,
    ];
    const box = bbox;
    rows = rows.filter((r) => inBox(r.feature, box));
  }
  const attribution = [
    ...new Set(
      atlas.collections
        .map((c) => (c as { attribution?: string }).attribution)
        .filter((a): a is string => !!a),
    ),
  ];
  const meta: Metadata = {
    title: t('exportTitle'),
    exported_at: new Date().toISOString(),
    scope,
    ...(bbox ? { bbox } : {}),
    filters: Object.fromEntries(new URLSearchParams(toQuery({}, filters))),
    count: rows.length,
    sources: await sourcesOf(rows),
    attribution: attribution.length ? attribution : ['© OpenStreetMap contributors (ODbL)'],
    license_note:
      'Border Atlas data: each feature cites the articles listed under sources. Layers derived from OpenStreetMap are © OpenStreetMap contributors, available under the Open Database License (ODbL) 1.0: https://www.openstreetmap.org/copyright',
  };
  return { rows, meta };
}
