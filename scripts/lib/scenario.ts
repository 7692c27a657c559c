/**
 * The mixed scenario of issue 15 in one place: each kind of request the
 * harness sends (warm tiles, a page of every collection, near-border at 1,
 * 10 and 50 km, the statistics, search, and cold tiles on request) mapped to
 * the path of its i-th request. `npm run load`, `npm run chaos` and
 * tests/chaos.test.ts all draw their requests from here, so "the mixed load"
 * means the same thing in the figures and in the tests.
 *
 *   const s = await mixedScenario(base);          // reads /ogc/collections
 *   await warmUp(base, s);                         // tiles rendered once: "warm"
 *   fetch(base + s.kinds['near-border-10km']!(0));
 */

export type PathOf = (i: number) => string;

export interface Scenario {
  /** Kind → the path of its i-th request (i counts from 0, per kind or overall: any integer). */
  kinds: Record<string, PathOf>;
  /** The kinds sent by default, in a fixed order. */
  names: string[];
  /** Paths fetched once before the load (the tiles that must be warm). */
  warm: string[];
}

const pick = <T>(xs: readonly T[], i: number): T => xs[Math.abs(i) % xs.length]!;

/** The slippy-map tile containing lon/lat at zoom z. */
export function tileOf(lon: number, lat: number, z: number): { z: number; x: number; y: number } {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  const x = Math.floor(((lon + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return { z, x, y };
}

const tilePath = (layer: string, t: { z: number; x: number; y: number }) =>
  `/tiles/${layer}/${t.z}/${t.x}/${t.y}.mvt`;

/** Tiles over northern Vietnam at z 5 to 8: few enough to stay in the tile cache. */
export const WARM_TILES = [
  tileOf(105, 20, 5),
  tileOf(105, 20, 6),
  tileOf(106, 21, 7),
  tileOf(104, 22, 7),
  tileOf(105.5, 21.5, 8),
].map((t) => tilePath('countries', t));

/** Search terms people type: Vietnamese with and without diacritics. */
export const SEARCH_TERMS = ['muong', 'ha giang', 'lào cai', 'cua khau', 'mông', 'điện biên', 'lai chau'];

let coldCounter = 0;
/** A tile nobody asked for yet in this process, over Vietnam, at z 9 to 12 (rendered, not cached). */
export function coldTilePath(): string {
  const n = coldCounter++;
  const z = 9 + (n % 4);
  return tilePath('countries', tileOf(103 + ((n * 0.37) % 6), 10 + ((n * 0.53) % 12), z));
}

/** The kinds of the statistics endpoints (server/analysis/openapi.ts lists them). */
export const STATISTICS: Record<string, PathOf> = {
  'stats-border-length': () => '/api/stats/border-length',
  'stats-distance-bands': () => '/api/stats/distance-bands',
  'stats-investment': (i) =>
    `/api/stats/investment?by=${pick(['province', 'category', 'year', 'funding'], i)}`,
  'stats-accessibility': (i) => `/api/stats/accessibility?province=${pick(['11', '15', '22', '40'], i)}`,
};

/**
 * The scenario against the app at `base`: one `items-<id>` kind per
 * collection the app lists (pages of 20, walking the first 200 features),
 * plus the fixed kinds. `cold-tile` is defined but not sent by default (the
 * issue's mix is of warm tiles; chaos uses cold ones to reach the tile pool).
 */
export async function mixedScenario(base: string): Promise<Scenario> {
  const res = await fetch(`${base}/ogc/collections`);
  if (!res.ok) throw new Error(`GET ${base}/ogc/collections: ${res.status}`);
  const { collections } = (await res.json()) as { collections: { id: string }[] };
  const kinds: Record<string, PathOf> = {
    'warm-tile': (i) => pick(WARM_TILES, i),
  };
  for (const { id } of collections)
    kinds[`items-${id}`] = (i) => `/ogc/collections/${id}/items?limit=20&offset=${(i * 20) % 200}`;
  for (const km of [1, 10, 50]) kinds[`near-border-${km}km`] = () => `/api/analysis/near-border?km=${km}`;
  Object.assign(kinds, STATISTICS);
  kinds.search = (i) => `/api/search?q=${encodeURIComponent(pick(SEARCH_TERMS, i))}`;
  const names = Object.keys(kinds);
  kinds['cold-tile'] = () => coldTilePath();
  return { kinds, names, warm: WARM_TILES };
}

/** Fetches the warm paths once (and fails loudly if one does not answer 200/204). */
export async function warmUp(base: string, scenario: Scenario): Promise<void> {
  for (const p of scenario.warm) {
    const r = await fetch(base + p);
    await r.arrayBuffer();
    if (r.status !== 200 && r.status !== 204) throw new Error(`warming ${p}: ${r.status}`);
  }
}

/** `names` restricted to a comma-separated subset (prefixes allowed: "items" is every items-*). */
export function selectKinds(scenario: Scenario, subset: string | undefined): string[] {
  if (!subset) return scenario.names;
  const all = Object.keys(scenario.kinds);
  const chosen = new Set<string>();
  for (const want of subset
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = all.filter((k) => k === want || k.startsWith(`${want}-`));
    if (match.length === 0) throw new Error(`--kinds: no kind "${want}"; kinds: ${all.join(', ')}`);
    for (const k of match) chosen.add(k);
  }
  return [...chosen];
}
