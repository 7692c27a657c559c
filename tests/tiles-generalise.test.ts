/**
 * Generalisation by zoom (server/tiles/generalise.ts): simplification to
 * about a pixel, sub-pixel features dropped, dense line layers cut to the
 * largest, dense point layers clustered with point_count. Each case builds
 * its own features in one scratch database, in places far apart.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { MAX_POINTS, MAX_SHAPES } from '../server/tiles/generalise.ts';
import { useApp } from './helpers.ts';
import { getTile, pixelOf, tileOf } from './tiles-helpers.ts';

const app = useApp({
  database: 'scratch',
  setup: async (database) => {
    await sql`INSERT INTO countries (iso3, name, name_vi, geom)
      VALUES ('VNM', 'Vietnam', 'Việt Nam', ST_Multi(ST_MakeEnvelope(102, 8, 110, 24, 4326)))`.execute(
      database.db,
    );
  },
});

const db = () => app.database.db;

/** Centre of a tile in degrees (inverse Mercator). */
function tileCenter(t: { z: number; x: number; y: number }) {
  const n = 2 ** t.z;
  return {
    lon: ((t.x + 0.5) / n) * 360 - 180,
    lat: (Math.atan(Math.sinh(Math.PI * (1 - (2 * (t.y + 0.5)) / n))) * 180) / Math.PI,
  };
}

async function features(layer: string, t: { z: number; x: number; y: number }) {
  const { tile } = await getTile(`${app.base}/tiles/${layer}/${t.z}/${t.x}/${t.y}.mvt`);
  const l = tile.layers[layer];
  return l ? Array.from({ length: l.length }, (_, i) => l.feature(i)) : [];
}

async function road(slug: string, wkt: string): Promise<number> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO roads (slug, name, class, geom, precision)
    VALUES (${slug}, ${slug}, 'rural', ST_GeomFromText(${wkt}, 4326), 'schematic') RETURNING id`.execute(
    db(),
  );
  return Number(rows[0]!.id);
}

describe('lines and polygons', () => {
  it('drops a line shorter than a pixel at low zoom and keeps it when zoomed in', async () => {
    // 10 m long: a pixel is ~300 m at zoom 8 and ~0.3 m at zoom 16.
    const id = await road('tiny', 'LINESTRING(103.5 10.5, 103.5001 10.5)');
    expect((await features('roads', tileOf(103.5, 10.5, 8))).map((f) => f.id)).not.toContain(id);
    expect((await features('roads', tileOf(103.5, 10.5, 16))).map((f) => f.id)).toContain(id);
  });

  it('simplifies a wiggly line to about a pixel at low zoom and keeps its detail when zoomed in', async () => {
    // 5 km east-west with 1,000 vertices wiggling by ±1 m.
    const { rows } = await sql<{ wkt: string }>`
      SELECT ST_AsText(ST_MakeLine(ST_MakePoint(104 + i * 0.00005, 11.5 + CASE WHEN i % 2 = 0 THEN 0.00001 ELSE -0.00001 END)
        ORDER BY i)) AS wkt FROM generate_series(0, 999) i`.execute(db());
    const id = await road('wiggly', rows[0]!.wkt);
    const vertices = async (z: number) => {
      const f = (await features('roads', tileOf(104.0125, 11.5, z))).find((g) => g.id === id);
      return f!.loadGeometry().reduce((n, part) => n + part.length, 0);
    };
    expect(await vertices(10)).toBeLessThanOrEqual(4);
    expect(await vertices(16)).toBeGreaterThan(50);
  });

  it(`keeps the ${MAX_SHAPES} largest lines of a denser tile below maxzoom, and every line at maxzoom`, async () => {
    // MAX_SHAPES + 50 lines, 20 m to ~80 m long, inside one zoom-16 tile (~600 m).
    const t16 = tileOf(105.5, 12.5, 16);
    const c = tileCenter(t16);
    const n = MAX_SHAPES + 50;
    await sql`
      INSERT INTO roads (slug, name, class, geom, precision)
      SELECT 'dense-' || i, 'dense ' || i, 'rural',
        ST_MakeLine(ST_MakePoint(${c.lon - 0.0016} + (i % 50) * 0.00004, ${c.lat - 0.001} + (i / 50) * 0.00004),
                    ST_MakePoint(${c.lon - 0.0016} + (i % 50) * 0.00004 + 0.0002 + i * 0.0000002, ${c.lat - 0.001} + (i / 50) * 0.00004)),
        'schematic'
      FROM generate_series(1, ${n}) i`.execute(db());
    const { rows } = await sql<{ id: string; slug: string }>`
      SELECT id, slug FROM roads WHERE slug LIKE 'dense-%' ORDER BY ST_Length(geom) DESC, id`.execute(db());
    const largest = rows.slice(0, MAX_SHAPES).map((r) => Number(r.id));
    const kept = (await features('roads', { z: 15, x: t16.x >> 1, y: t16.y >> 1 })).map((f) => Number(f.id));
    expect(kept).toHaveLength(MAX_SHAPES);
    expect(new Set(kept)).toEqual(new Set(largest));
    const all = (await features('roads', t16)).filter((f) => String(f.properties.slug).startsWith('dense-'));
    expect(all).toHaveLength(n);
  });
});

describe('points', () => {
  it(`clusters a point layer with more than ${MAX_POINTS} points in a tile, point_count adding up, and not at maxzoom`, async () => {
    const n = MAX_POINTS + 100;
    // A grid of border gates inside one zoom-16 tile.
    const t16 = tileOf(106.5, 13.5, 16);
    const c = tileCenter(t16);
    await sql`
      INSERT INTO border_gates (slug, name, kind, neighbour, geom, precision)
      SELECT 'gate-' || i, 'gate ' || i, 'secondary', 'VNM',
        ST_SetSRID(ST_MakePoint(${c.lon - 0.0012} + (i % 40) * 0.00006, ${c.lat - 0.0012} + (i / 40) * 0.00006), 4326), 'surveyed'
      FROM generate_series(0, ${n - 1}) i`.execute(db());
    const t14 = { z: 14, x: t16.x >> 2, y: t16.y >> 2 };
    const clustered = await features('border-gates', t14);
    expect(clustered.length).toBeLessThan(n);
    expect(clustered.reduce((s, f) => s + Number(f.properties.point_count), 0)).toBe(n);
    const clusters = clustered.filter((f) => Number(f.properties.point_count) > 1);
    expect(clusters.length).toBeGreaterThan(0);
    // A cluster carries its count only; the name belongs to lone points.
    expect(clusters.every((f) => f.properties.name === undefined)).toBe(true);

    const atMax = await features('border-gates', t16);
    expect(atMax).toHaveLength(n);
    expect(atMax.every((f) => f.properties.point_count === 1 && typeof f.properties.name === 'string')).toBe(
      true,
    );
  });

  it('clusters projects below their clusterBelowZoom even when sparse; a lone point keeps its properties', async () => {
    const { rows } = await sql<{ id: string }>`
      INSERT INTO admin_units (slug, name, kind, level, seat, seat_precision)
      VALUES ('xa-test', 'Xã Thử', 'xã', 'commune', ST_SetSRID(ST_MakePoint(107.5, 15.5), 4326), 'surveyed')
      RETURNING id`.execute(db());
    const unit = rows[0]!.id;
    // Two projects 100 m apart, one 200 km away (clusters at zoom 5 are ~80 km cells).
    await sql`
      INSERT INTO projects (slug, name, category, unit_id, geom, precision)
      VALUES ('p-a', 'A', 'school', ${unit}, ST_SetSRID(ST_MakePoint(107.500, 15.500), 4326), 'surveyed'),
             ('p-b', 'B', 'school', ${unit}, ST_SetSRID(ST_MakePoint(107.501, 15.500), 4326), 'surveyed'),
             ('p-c', 'C', 'health', ${unit}, ST_SetSRID(ST_MakePoint(109.500, 15.500), 4326), 'surveyed')`.execute(
      db(),
    );
    const low = await features('projects', tileOf(107.5, 15.5, 5));
    const counts = low.map((f) => Number(f.properties.point_count)).sort();
    expect(counts).toEqual([1, 2]);
    const lone = low.find((f) => f.properties.point_count === 1)!;
    expect(lone.properties).toMatchObject({ slug: 'p-c', category: 'health', name: 'C' });
    const pair = low.find((f) => f.properties.point_count === 2)!;
    expect(pair.properties.slug).toBeUndefined();
    // Drawn at its members' centroid.
    const t5 = tileOf(107.5, 15.5, 5);
    const at = pair.loadGeometry()[0]![0]!;
    const want = pixelOf(107.5005, 15.5, t5);
    expect(Math.abs(at.x - want.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(at.y - want.y)).toBeLessThanOrEqual(1);

    const high = await features('projects', tileOf(107.5, 15.5, 8));
    expect(high.map((f) => [f.properties.slug, f.properties.point_count]).sort()).toEqual([
      ['p-a', 1],
      ['p-b', 1],
    ]);
  });
});
