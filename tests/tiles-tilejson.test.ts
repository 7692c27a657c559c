/** TileJSON 3.0.0 for a layer set: what MapLibre and GDAL read before asking for tiles. */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { layers } from '../server/layers/index.ts';
import { useApp } from './helpers.ts';

const app = useApp();
const { database } = app;

async function tileJson(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${app.base}${path}`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  return res.json();
}

describe('TileJSON', () => {
  it('is version 3.0.0 with an absolute tiles URL for the same layer set', async () => {
    const tj = await tileJson('/tiles/all.json');
    expect(tj.tilejson).toBe('3.0.0');
    expect(tj.tiles).toEqual([`${app.base}/tiles/all/{z}/{x}/{y}.mvt`]);
    expect(tj.scheme).toBe('xyz');
    expect(typeof tj.name).toBe('string');
    expect(typeof tj.description).toBe('string');
  });

  it('builds tiles URLs from X-Forwarded-Proto and X-Forwarded-Host behind a proxy', async () => {
    const tj = await tileJson('/tiles/roads,communes.json', {
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'atlas.example.org',
    });
    expect(tj.tiles).toEqual(['https://atlas.example.org/tiles/communes,roads/{z}/{x}/{y}.mvt']);
  });

  it('credits OpenStreetMap contributors for the borders', async () => {
    expect((await tileJson('/tiles/all.json')).attribution).toContain('© OpenStreetMap contributors');
    expect((await tileJson('/tiles/border-segments.json')).attribution).toContain(
      '© OpenStreetMap contributors',
    );
  });

  it('lists every layer of the set with its description, fields and zoom range', async () => {
    const tj = await tileJson('/tiles/all.json');
    // The composite set ends with the basemap's layers (tests/tiles-basemap.test.ts).
    expect(tj.vector_layers.map((l: { id: string }) => l.id)).toEqual([
      ...layers.map((l) => l.id),
      'labels',
      'rivers',
    ]);
    for (const layer of layers) {
      const vl = tj.vector_layers.find((l: { id: string }) => l.id === layer.id);
      expect(vl.description).toBe(layer.description);
      expect(vl.minzoom).toBe(layer.minzoom);
      expect(vl.maxzoom).toBe(layer.maxzoom);
      for (const p of layer.properties) {
        expect(vl.fields[p.name]).toBe(
          p.type === 'string' ? 'String' : p.type === 'boolean' ? 'Boolean' : 'Number',
        );
      }
    }
    expect(tj.vector_layers.find((l: { id: string }) => l.id === 'projects').fields.point_count).toBe(
      'Number',
    );
    expect(tj.minzoom).toBe(Math.min(...layers.map((l) => l.minzoom)));
    expect(tj.maxzoom).toBe(Math.max(...layers.map((l) => l.maxzoom)));
  });

  it('gives bounds that hold every feature of the set, and a center inside them', async () => {
    const tj = await tileJson('/tiles/projects,border-gates.json');
    const { rows } = await sql<{ w: number; s: number; e: number; n: number }>`
      SELECT min(ST_X(geom)) AS w, min(ST_Y(geom)) AS s, max(ST_X(geom)) AS e, max(ST_Y(geom)) AS n
      FROM (SELECT geom FROM layer_projects UNION ALL SELECT geom FROM layer_border_gates) g`.execute(
      database.db,
    );
    const box = rows[0]!;
    const [w, s, e, n] = tj.bounds;
    expect(w).toBeLessThanOrEqual(box.w);
    expect(s).toBeLessThanOrEqual(box.s);
    expect(e).toBeGreaterThanOrEqual(box.e);
    expect(n).toBeGreaterThanOrEqual(box.n);
    // Not the whole world: the data's own box (to the micro-degree).
    expect(e - w).toBeLessThan(box.e - box.w + 0.001);
    const [lon, lat, zoom] = tj.center;
    expect(lon).toBeGreaterThan(w);
    expect(lon).toBeLessThan(e);
    expect(lat).toBeGreaterThan(s);
    expect(lat).toBeLessThan(n);
    expect(zoom).toBeGreaterThanOrEqual(tj.minzoom);
    expect(zoom).toBeLessThanOrEqual(tj.maxzoom);
  });

  it("a single layer's TileJSON has that layer's zoom range and description", async () => {
    const tj = await tileJson('/tiles/communes.json');
    const communes = layers.find((l) => l.id === 'communes')!;
    expect([tj.minzoom, tj.maxzoom]).toEqual([communes.minzoom, communes.maxzoom]);
    expect(tj.description).toBe(communes.description);
    expect(tj.vector_layers).toHaveLength(1);
  });
});
