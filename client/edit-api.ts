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

export interface CommuneChoice {
  code: string;
  name: string;
  province: string | null;
  /** Distance from the point to the commune (0 inside its boundary), km. */
  km: number;
}

/** Whether [x, y] lies inside a polygon's outer ring (ray casting; holes ignored). */
function inRing(ring: number[][], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi! > y !== yj! > y && x < ((xj! - xi!) * (y - yi!)) / (yj! - yi!) + xi!) inside = !inside;
  }
  return inside;
}

function points(c: unknown): number[][] {
  if (!Array.isArray(c)) return [];
  return typeof c[0] === 'number' ? [c as number[]] : c.flatMap(points);
}

/**
 * The communes a new project at (lon, lat) may lie in, nearest first: the one
 * whose boundary holds the point (0 km), then the others by distance to their
 * nearest vertex or seat (the articles' communes are mostly seats, without
 * a boundary). The write API asks for the commune's code; the editor may pick
 * another.
 */
export async function communesNear(lon: number, lat: number): Promise<CommuneChoice[]> {
  const d = 0.6;
  const bbox = [lon - d, lat - d, lon + d, lat + d].map((x) => x.toFixed(5)).join(',');
  const fc = await getJson<{ features: Feature[] }>(`/ogc/collections/communes/items?bbox=${bbox}&limit=500`);
  const kx = 111.32 * Math.cos((lat * Math.PI) / 180);
  const out: CommuneChoice[] = [];
  for (const f of fc.features) {
    const code = f.properties.code;
    if (typeof code !== 'string' || !f.geometry) continue;
    const g = f.geometry as { type: string; coordinates: unknown };
    const polygons =
      g.type === 'Polygon'
        ? [g.coordinates as number[][][]]
        : g.type === 'MultiPolygon'
          ? (g.coordinates as number[][][][])
          : [];
    const inside = polygons.some((p) => p[0] && inRing(p[0], lon, lat));
    const km = inside
      ? 0
      : Math.min(...points(g.coordinates).map(([x, y]) => Math.hypot((x! - lon) * kx, (y! - lat) * 110.57)));
    out.push({
      code,
      name: String(f.properties.name ?? code),
      province: typeof f.properties.province === 'string' ? f.properties.province : null,
      km,
    });
  }
  return out.sort((a, b) => a.km - b.km).slice(0, 12);
}
