/**
 * The map's style document (/styles/atlas.json), its label points and the
 * basemap's rivers, against the real server and the seeded database; and
 * the registry's palette: no two categories of different layers share a
 * colour, and every symbol stands out from the land and the sea.
 */
import { readFileSync } from 'node:fs';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { layers } from '../server/layers/index.ts';
import { contrast, deltaE } from '../server/styles/colour.ts';
import { labelPoints } from '../server/styles/labels.ts';
import { riversFile } from '../server/styles/route.ts';
import { WATER } from '../server/styles/style.ts';
import { useApp } from './helpers.ts';

const app = useApp();

type Style = {
  version: number;
  glyphs: string;
  sources: Record<string, { type: string; tiles?: string[]; data?: string; maxzoom?: number }>;
  layers: {
    id: string;
    type: string;
    source?: string;
    'source-layer'?: string;
    minzoom?: number;
    maxzoom?: number;
    filter?: unknown;
    layout?: Record<string, unknown>;
    paint?: Record<string, unknown>;
    metadata?: { 'atlas:layer'?: string; 'atlas:roles'?: string[] };
  }[];
};

async function style(query = '', headers: Record<string, string> = {}): Promise<Style> {
  const res = await fetch(`${app.base}/styles/atlas.json${query}`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  return (await res.json()) as Style;
}

const LAND = layers.find((l) => l.style.kind === 'fill')!.style.color;

describe('GET /styles/atlas.json', () => {
  it('is a valid MapLibre style (style-spec validate) in both languages', async () => {
    for (const q of ['', '?lang=vi', '?lang=en']) {
      const s = await style(q);
      expect(validateStyleMin(s as never).map((e) => e.message)).toEqual([]);
      expect(s.version).toBe(8);
    }
  });

  it("decides what is drawn, and in which colour, in expressions QGIS's style converter reads too", async () => {
    // The forms QgsMapBoxGlStyleConverter (QGIS 3.22) turns into QGIS expressions; anything else
    // became an empty expression there (no land, one colour for every category, no clusters).
    const readable = (e: unknown): boolean => {
      if (!Array.isArray(e)) return typeof e !== 'object' || e === null;
      const [op, ...args] = e as [string, ...unknown[]];
      if (op === 'get' || op === 'has' || op === '!has')
        return args.length === 1 && typeof args[0] === 'string';
      if (op === 'geometry-type') return args.length === 0;
      if (op === '!') return Array.isArray(args[0]) && (args[0] as unknown[])[0] === 'has';
      if (op === 'any' || op === 'all') return args.every(readable);
      if (['==', '!=', '<', '<=', '>', '>='].includes(op)) return args.every(readable);
      if (op === 'match') {
        // match on a field, each label a list (["CHN"]): a bare label became `IN ()` in QGIS.
        const [input, ...rest] = args as unknown[][];
        const labels = rest.slice(0, -1).filter((_, k) => k % 2 === 0);
        return (
          input?.[0] === 'get' &&
          labels.every((a) => Array.isArray(a) && a.every((x) => typeof x !== 'object'))
        );
      }
      return false;
    };
    for (const lang of ['vi', 'en']) {
      const s = await style(`?lang=${lang}`);
      const vector = s.layers.filter((l) => l.source === 'atlas');
      expect(vector.length).toBeGreaterThan(10);
      for (const l of vector) {
        expect
          .soft(readable(l.filter ?? true), `${lang} ${l.id} filter ${JSON.stringify(l.filter)}`)
          .toBe(true);
        for (const [k, v] of Object.entries(l.paint ?? {}))
          if (k.endsWith('-color'))
            expect.soft(readable(v), `${lang} ${l.id} ${k} ${JSON.stringify(v)}`).toBe(true);
      }
      // Names of points in Vietnamese are a plain field, which QGIS labels with.
      if (lang === 'vi')
        for (const l of vector.filter(
          (x) => x.type === 'symbol' && x.id.endsWith(':label') && x.id !== 'roads:label',
        ))
          expect(l.layout!['text-field'], l.id).toEqual(['to-string', ['get', 'name']]);
      // No label falls back with `coalesce` (QGIS 3.22 drops it and labels nothing): a road's
      // number and its name are two label layers split by `has ref`.
      for (const l of vector.filter((x) => x.type === 'symbol'))
        expect.soft(JSON.stringify(l.layout?.['text-field']), `${lang} ${l.id}`).not.toContain('coalesce');
      // One source: the area names and the rivers are layers of the tiles (QGIS reads no GeoJSON source).
      expect(Object.keys(s.sources)).toEqual(['atlas']);
      expect(s.layers.filter((l) => l.type !== 'background' && l.source !== 'atlas')).toEqual([]);
      for (const l of s.layers.filter((x) => x.id.startsWith('labels:') || x.id.startsWith('basemap:'))) {
        expect(l['source-layer'], l.id).toBe(l.id.startsWith('labels:') ? 'labels' : 'rivers');
        // The name, as a plain field (capitals by text-transform: QGIS 3.22 has no `upcase`).
        if (l.type === 'symbol')
          expect(l.layout!['text-field'], l.id).toEqual(['get', lang === 'en' ? 'name_en' : 'name']);
        for (const [k, v] of Object.entries({ ...l.paint, ...l.layout }))
          if (k.endsWith('-color') || k === 'text-field')
            expect.soft(readable(v), `${lang} ${l.id} ${k} ${JSON.stringify(v)}`).toBe(true);
      }
    }
  });

  it('names only absolute URLs of the origin asked, also behind a proxy', async () => {
    const s = await style();
    expect(s.glyphs).toBe(`${app.base}/fonts/{fontstack}/{range}.pbf`);
    expect(s.sources.atlas!.tiles).toEqual([`${app.base}/tiles/all/{z}/{x}/{y}.mvt`]);
    const proxied = await style('', {
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'atlas.example.org',
    });
    const urls = JSON.stringify(proxied.sources) + proxied.glyphs;
    expect(urls).toContain('https://atlas.example.org/tiles/all/{z}/{x}/{y}.mvt');
    expect(urls).not.toContain(new URL(app.base).host);
    // Every data URL it names answers (a tile filled in; the glyphs need a build: tests/e2e).
    for (const url of [s.sources.atlas!.tiles![0]!.replace('{z}/{x}/{y}', '5/25/14')]) {
      const res = await fetch(url);
      expect([200, 204], url).toContain(res.status);
    }
  });

  it('is built from the layer registry: every layer drawn from its own tiles, in registry order', async () => {
    const s = await style();
    const drawn = s.layers.filter((l) => l.source === 'atlas');
    // The basemap's layers of the same tiles: rivers over the land, the area names over everything.
    expect([...new Set(drawn.map((l) => l['source-layer']))]).toEqual([
      layers[0]!.id,
      'rivers',
      ...layers.slice(1).map((l) => l.id),
      'labels',
    ]);
    for (const l of layers) {
      const mine = s.layers.filter((x) => x.metadata?.['atlas:layer'] === l.id);
      expect(mine.length, l.id).toBeGreaterThan(0);
      expect(
        mine.some((x) => x.metadata?.['atlas:roles']?.includes('interactive')),
        l.id,
      ).toBe(true);
      // Its colours are the registry's.
      const colours = JSON.stringify(mine.map((x) => x.paint));
      for (const c of [l.style.color, ...Object.values(l.style.colorBy?.colors ?? {})])
        if (l.style.kind !== 'circle' || l.style.colorBy || c === l.style.color)
          expect(colours, `${l.id} ${c}`).toContain(c);
    }
    // The composite source is overzoomed past the lowest layer maxzoom.
    expect(s.sources.atlas!.maxzoom).toBe(Math.min(...layers.map((l) => l.maxzoom)));
  });

  it("labels areas from the tiles' label points, most important placed first, and roads along their lines", async () => {
    const s = await style();
    const ids = s.layers.map((l) => l.id);
    const areaLabels = ids.filter((id) => id.startsWith('labels:'));
    // Drawn last; MapLibre places the top layer's symbols first.
    expect(areaLabels).toEqual(['labels:communes', 'labels:provinces', 'labels:countries']);
    expect(ids.slice(-3)).toEqual(areaLabels);
    const byId = new Map(s.layers.map((l) => [l.id, l]));
    // Provinces from the opening zoom (5.6), communes from 8, countries only from afar.
    expect(byId.get('labels:provinces')!.minzoom).toBeLessThanOrEqual(5.6);
    expect(byId.get('labels:communes')!.minzoom).toBeGreaterThanOrEqual(8);
    expect(byId.get('labels:countries')!.maxzoom).toBeLessThanOrEqual(10);
    expect(byId.get('labels:countries')!.layout!['text-transform']).toBe('uppercase');
    for (const id of areaLabels) expect(byId.get(id)!.layout!['symbol-sort-key']).toBeDefined();
    // No area is labelled from its tiles any more (that repeated a name per polygon part and per tile).
    for (const l of layers.filter((x) => x.style.kind === 'fill'))
      expect(byId.has(`${l.id}:label`), l.id).toBe(false);
    const road = byId.get('roads:label')!;
    expect(road.layout!['symbol-placement']).toBe('line');
    expect(road.layout!['text-field']).toEqual(['to-string', ['get', 'ref']]);
    expect(road.filter).toEqual(['has', 'ref']);
    const roadName = byId.get('roads:label-name')!;
    expect(roadName.layout!['symbol-placement']).toBe('line');
    expect(roadName.layout!['text-field']).toEqual(['to-string', ['get', 'name']]);
    expect(roadName.filter).toEqual(['!', ['has', 'ref']]);
  });

  it('translates what has a translation: country names in English, place names keep their diacritics', async () => {
    const vi = await style('?lang=vi');
    const en = await style('?lang=en');
    const field = (s: Style, id: string) =>
      JSON.stringify(s.layers.find((l) => l.id === id)!.layout!['text-field']);
    expect(field(vi, 'labels:countries')).toContain('"name"');
    expect(field(en, 'labels:countries')).toContain('"name_en"');
    const points = (await (await fetch(`${app.base}/styles/labels.geojson`)).json()) as {
      features: { properties: Record<string, unknown> }[];
    };
    const vn = points.features.find(
      (f) => f.properties.layer === 'countries' && f.properties.name === 'Việt Nam',
    );
    expect(vn?.properties.name_en).toBe('Vietnam');
    const qn = points.features.find((f) => f.properties.name === 'Quảng Ninh');
    expect(qn?.properties.name_en).toBe('Quảng Ninh');
  });

  it('answers a 400 naming the parameter for a bad language or an unknown parameter', async () => {
    for (const [path, param] of [
      ['/styles/atlas.json?lang=fr', 'lang'],
      ['/styles/atlas.json?lang=vi&lang=en', 'lang'],
      ['/styles/atlas.json?zoom=3', 'zoom'],
      ['/styles/labels.geojson?bbox=1,2,3,4', 'bbox'],
      ['/basemap/rivers.geojson?x=%FF', 'x'],
    ] as const) {
      const res = await fetch(`${app.base}${path}`);
      expect(res.status, path).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect((await res.json()).parameter, path).toBe(param);
    }
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${app.base}/ogc/api`)).json()) as { paths: Record<string, unknown> };
    for (const p of ['/styles/atlas.json', '/styles/labels.geojson', '/basemap/rivers.geojson'])
      expect(doc.paths[p], p).toBeDefined();
  });
});

describe('label points', () => {
  it('give one point per named area, inside it, and one per unit known by its seat, at the seat', async () => {
    const fc = (await (await fetch(`${app.base}/styles/labels.geojson`)).json()) as {
      features: { geometry: { coordinates: [number, number] }; properties: Record<string, unknown> }[];
    };
    const { rows } = await sql<{ layer: string; n: number }>`
      SELECT 'countries' AS layer, count(*)::int AS n FROM layer_countries
      UNION ALL SELECT 'provinces', count(*)::int FROM layer_provinces
      UNION ALL SELECT 'communes', count(*)::int FROM layer_communes`.execute(app.database.db);
    for (const r of rows)
      expect(fc.features.filter((f) => f.properties.layer === r.layer).length, r.layer).toBe(r.n);
    for (const f of fc.features.filter((x) => x.properties.layer === 'countries')) {
      const [x, y] = f.geometry.coordinates;
      const { rows: inside } = await sql<{ ok: boolean }>`
        SELECT ST_Intersects(geom, ST_SetSRID(ST_MakePoint(${x}, ${y}), 4326)) AS ok
        FROM layer_countries WHERE id = ${Number(f.properties.feature_id)}`.execute(app.database.db);
      expect(inside[0]?.ok, String(f.properties.name)).toBe(true);
    }
  });

  it('name a province of many islands once, on its largest part', async () => {
    // A boundary of many parts for Quảng Ninh (Vietnam's land and islands
    // around it), in a transaction that is rolled back: nobody else sees it.
    const rolledBack = new Error('rolled back');
    let points: { geometry: { coordinates: [number, number] }; properties: Record<string, unknown> }[] = [];
    let parts = 0;
    await app.database.db
      .transaction()
      .execute(async (trx) => {
        await sql`UPDATE admin_units SET boundary = (
            SELECT ST_Multi(ST_CollectionExtract(ST_Intersection(geom, ST_MakeEnvelope(106.6, 20.6, 108.1, 21.7, 4326)), 3))
            FROM layer_countries WHERE iso3 = 'VNM')
          , boundary_precision = 'schematic'
          WHERE code = '22' AND level = 'province' AND valid_to IS NULL`.execute(trx);
        parts = (
          await sql<{
            n: number;
          }>`SELECT ST_NumGeometries(geom) AS n FROM layer_provinces WHERE code = '22'`.execute(trx)
        ).rows[0]!.n;
        points = ((await labelPoints(trx)) as { features: typeof points }).features;
        throw rolledBack;
      })
      .catch((e) => {
        if (e !== rolledBack) throw e;
      });
    expect(parts).toBeGreaterThan(20);
    const qn = points.filter((f) => f.properties.name === 'Quảng Ninh');
    expect(qn).toHaveLength(1);
    expect(qn[0]!.properties.seat).toBe(false);
    expect(qn[0]!.properties.area_km2).toBeGreaterThan(1000);
    // On the mainland part, not on an island: inside the largest part.
    const [x, y] = qn[0]!.geometry.coordinates;
    const { rows } = await sql<{ ok: boolean }>`
      SELECT ST_Intersects(
        (SELECT d.geom FROM ST_Dump(ST_CollectionExtract(ST_Intersection(geom, ST_MakeEnvelope(106.6, 20.6, 108.1, 21.7, 4326)), 3)) d
         ORDER BY ST_Area(d.geom) DESC LIMIT 1),
        ST_SetSRID(ST_MakePoint(${x}, ${y}), 4326)) AS ok
      FROM layer_countries WHERE iso3 = 'VNM'`.execute(app.database.db);
    expect(rows[0]!.ok).toBe(true);
    // Rolled back: the seeded province is a seat again.
    const after = await sql<{
      k: string;
    }>`SELECT geometry_kind AS k FROM layer_provinces WHERE code = '22'`.execute(app.database.db);
    expect(after.rows[0]!.k).toBe('seat');
  });
});

describe('the basemap', () => {
  it('serves the rivers shipped in data/basemap, credited in the style', async () => {
    const res = await fetch(`${app.base}/basemap/rivers.geojson`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/geo\+json/);
    const body = (await res.json()) as {
      features: { geometry: { type: string; coordinates: number[][] } }[];
    };
    expect(body).toEqual(JSON.parse(readFileSync(riversFile, 'utf8')));
    expect(body.features.length).toBeGreaterThan(100);
    // Around Vietnam: the Red River runs through Lào Cai (about 104°E, 22.5°N).
    const near = body.features.some((f) =>
      f.geometry.coordinates.some(([x, y]) => Math.abs(x! - 104) < 0.3 && Math.abs(y! - 22.5) < 0.3),
    );
    expect(near).toBe(true);
    const s = await style();
    expect((s.sources.atlas as { attribution?: string }).attribution).toMatch(/GSHHG/);
  });
});

describe('the palette', () => {
  // Markets and industrial parks are projects: the same thing keeps its colour in both layers.
  const sameThing = new Set(['markets|projects:market', 'industrial-parks|projects:industrial_park']);
  const symbols = layers
    .filter((l) => l.style.kind !== 'fill')
    .flatMap((l) =>
      l.style.colorBy
        ? Object.entries(l.style.colorBy.colors).map(([v, c]) => ({
            layer: l.id,
            key: `${l.id}:${v}`,
            color: c,
          }))
        : [{ layer: l.id, key: l.id, color: l.style.color }],
    );

  it('gives categories of different layers colours a reader tells apart (CIE76 ΔE ≥ 20)', () => {
    const clashes: string[] = [];
    for (const a of symbols)
      for (const b of symbols) {
        if (a.layer >= b.layer) continue;
        if (sameThing.has(`${a.key}|${b.key}`) || sameThing.has(`${b.key}|${a.key}`)) {
          expect(a.color, `${a.key} is ${b.key}`).toBe(b.color);
          continue;
        }
        const d = deltaE(a.color, b.color);
        if (d < 20) clashes.push(`${a.key} ${a.color} ~ ${b.key} ${b.color} (ΔE ${d.toFixed(1)})`);
      }
    expect(clashes).toEqual([]);
    // The two collisions the issue named are gone.
    const colour = (key: string) => symbols.find((s) => s.key === key)!.color;
    expect(deltaE(colour('projects:health'), colour('border-gates'))).toBeGreaterThan(20);
    expect(deltaE(colour('border-segments:KHM'), colour('roads:national'))).toBeGreaterThan(20);
  });

  it('keeps the categories of one layer apart too (ΔE ≥ 15), but for classes drawn alike on purpose', () => {
    for (const l of layers) {
      const colours = Object.entries(l.style.colorBy?.colors ?? {});
      for (const [v, c] of colours)
        for (const [w, d] of colours)
          if (v < w && c !== d) expect(deltaE(c, d), `${l.id} ${v} ~ ${w}`).toBeGreaterThanOrEqual(15);
    }
    // Commune and rural roads are one class to a reader.
    const roads = layers.find((l) => l.id === 'roads')!.style.colorBy!.colors;
    expect(new Set(Object.values(roads)).size).toBe(Object.keys(roads).length - 1);
  });

  it('draws every point and line at 3:1 contrast or more against the land and the sea (WCAG 1.4.11)', () => {
    const low = symbols
      .map((s) => ({ ...s, land: contrast(s.color, LAND), sea: contrast(s.color, WATER) }))
      .filter((s) => s.land < 3 || s.sea < 3)
      .map((s) => `${s.key} ${s.color}: ${s.land.toFixed(2)} on land, ${s.sea.toFixed(2)} on sea`);
    expect(low).toEqual([]);
  });

  it('measures contrast and colour difference as WCAG and CIE define them', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(deltaE('#ff0000', '#ff0000')).toBe(0);
    expect(deltaE('#000000', '#ffffff')).toBeCloseTo(100, 1);
  });
});
