/**
 * The write API as the editor uses it (docs/web-map.md, "Editing"): a feature
 * with its ETag, the sources an edit may cite, a feature's edit history, and
 * create / merge-patch / delete through session.ts's writeJson (CSRF and
 * If-Match). Loaded with the editor, never by a viewer's page.
 */
import { type Feature, getJson, HttpError, ours } from './api.ts';
import { type WriteResult, writeJson } from './session.ts';

export interface Source {
  id: string | number;
  title: string;
  publisher?: string | null;
  url?: string | null;
  published?: string | null;
}

export interface Edit {
  id: number;
  at: string;
  actor: string;
  operation: string;
}

export const itemPath = (layer: string, id?: number | string): string =>
  `/ogc/collections/${encodeURIComponent(layer)}/items${id === undefined ? '' : `/${encodeURIComponent(String(id))}`}`;

/** The feature as the server has it now, and its ETag (what a PATCH or DELETE must name). */
export async function featureWithEtag(
  layer: string,
  id: number | string,
): Promise<{ feature: Feature; etag: string }> {
  const path = itemPath(layer, id);
  // no-store: the ETag must be the current one, not a cached answer's.
  const res = await fetch(ours(path), { headers: { Accept: 'application/geo+json' }, cache: 'no-store' });
  if (!res.ok) throw new HttpError(res.status, path, res.statusText);
  return { feature: (await res.json()) as Feature, etag: res.headers.get('ETag') ?? '' };
}

export async function sources(): Promise<Source[]> {
  return (await getJson<{ sources: Source[] }>('/api/sources')).sources;
}

export async function edits(layer: string, id: number | string): Promise<Edit[]> {
  const path = `/api/features/${encodeURIComponent(layer)}/${encodeURIComponent(String(id))}/edits`;
  const res = await fetch(ours(path), { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) throw new HttpError(res.status, path, res.statusText);
  return ((await res.json()) as { edits: Edit[] }).edits;
}

export function createFeature(layer: string, f: Feature): Promise<WriteResult<Feature>> {
  return writeJson<Feature>('POST', itemPath(layer), f);
}

export function patchFeature(
  layer: string,
  id: number | string,
  patch: unknown,
  etag: string,
): Promise<WriteResult<Feature>> {
  return writeJson<Feature>('PATCH', itemPath(layer, id), patch, etag);
}

export function deleteFeature(layer: string, id: number | string, etag: string): Promise<WriteResult<null>> {
  return writeJson<null>('DELETE', itemPath(layer, id), undefined, etag);
}

/**
 * The code of the commune a point lies in (the communes collection, bbox of a
 * few centimetres around it), which the write API asks of a new project.
 */
export async function communeAt(lon: number, lat: number): Promise<string | null> {
  const d = 1e-7;
  const bbox = [lon - d, lat - d, lon + d, lat + d].map((x) => x.toFixed(8)).join(',');
  const fc = await getJson<{ features: Feature[] }>(`/ogc/collections/communes/items?bbox=${bbox}&limit=1`);
  const code = fc.features[0]?.properties.code;
  return typeof code === 'string' ? code : null;
}
