/**
 * Generalised geometry on request (server/features/generalise.ts): `zoom`
 * and `max-allowable-offset` on /items and /items/{featureId}. Full
 * resolution stays the default; a simplified geometry is lighter and stays
 * within the tolerance of the stored one (Hausdorff distance measured by
 * PostGIS); points are untouched; bad values are 400 problems naming the
 * parameter. On the run's seeded database (real country polygons).
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { useApp } from './helpers.ts';
import { expectBadParameter, getJson, type Page, page } from './ogc-helpers.ts';

const app = useApp();
let countries: string;
beforeAll(() => {
  countries = `${app.base}/ogc/collections/countries/items`;
});

const EPSG3857 = 'http://www.opengis.net/def/crs/EPSG/0/3857';

function vertices(p: Page): number {
  return JSON.stringify(p.features.map((f) => f.geometry?.coordinates)).split('],[').length;
}

/**
 * How far the served geometries stray from the stored ones, in the unit of
 * `srid`: the farthest vertex of the outer ring of each country's largest
 * part (its mainland, which no tolerance drops) from the served boundary.
 * Islets and holes smaller than the tolerance may go, so they are not
 * measured.
 */
async function strayed(p: Page, srid: 4326 | 3857): Promise<number> {
  let worst = 0;
  for (const f of p.features) {
    const { rows } = await sql<{ d: number }>`
      WITH served AS (SELECT ST_Boundary(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(f.geometry)}), ${srid}::int)) AS g),
      main AS (
        SELECT ST_ExteriorRing(d.geom) AS g
        FROM layer_countries c, ST_Dump(${srid === 4326 ? sql`c.geom` : sql`ST_Transform(c.geom, 3857)`}) d
        WHERE c.id = ${f.id}::bigint ORDER BY ST_Area(d.geom) DESC LIMIT 1)
      SELECT max(ST_Distance(v.geom, served.g)) AS d FROM main, served, ST_DumpPoints(main.g) v`.execute(
      app.database.db,
    );
    worst = Math.max(worst, rows[0]!.d);
  }
  return worst;
}

describe('generalised geometry', () => {
  it('serves full resolution by default, and a lighter shape within a pixel of the original at a zoom', async () => {
    const full = await page(`${countries}?limit=100`);
    const z5 = await page(`${countries}?limit=100&zoom=5`);
    expect(z5.features.map((f) => f.id)).toEqual(full.features.map((f) => f.id));
    expect(z5.features.map((f) => f.properties)).toEqual(full.features.map((f) => f.properties));
    expect(z5.features.every((f) => f.geometry?.type === 'MultiPolygon')).toBe(true);
    expect(vertices(z5)).toBeLessThan(vertices(full) / 10);
    expect(JSON.stringify(z5).length).toBeLessThan(JSON.stringify(full).length / 10);
    // A pixel of a 512-pixel tile at zoom 5, in degrees of longitude; rounding adds a tenth of it.
    const pixel = 360 / 512 / 2 ** 5;
    expect(await strayed(z5, 4326)).toBeLessThanOrEqual(pixel * 1.1);
  });

  it('takes max-allowable-offset in the unit of the response CRS', async () => {
    const degrees = await page(`${countries}?limit=100&max-allowable-offset=0.05`);
    expect(await strayed(degrees, 4326)).toBeLessThanOrEqual(0.055);
    const metres = await page(`${countries}?limit=100&max-allowable-offset=2000&crs=${EPSG3857}`);
    expect(await strayed(metres, 3857)).toBeLessThanOrEqual(2200);
    expect(vertices(metres)).toBeLessThan(vertices(await page(`${countries}?limit=100&crs=${EPSG3857}`)));
  });

  it('generalises one feature too, and keeps a small feature whole rather than dropping it', async () => {
    const { rows } = await sql<{ id: number }>`SELECT id FROM layer_countries ORDER BY id LIMIT 1`.execute(
      app.database.db,
    );
    const id = rows[0]!.id;
    const full = await getJson(`${countries}/${id}`);
    const z0 = await getJson(`${countries}/${id}?zoom=0`);
    expect(z0.status).toBe(200);
    expect(z0.body.id).toBe(full.body.id);
    expect(JSON.stringify(z0.body.geometry).length).toBeLessThan(JSON.stringify(full.body.geometry).length);
    // At zoom 0 a pixel is 0.7°: every country still has a geometry.
    const all = await page(`${countries}?limit=100&zoom=0`);
    expect(all.features.every((f) => f.geometry !== null && f.geometry.coordinates.length > 0)).toBe(true);
  });

  it('leaves points as they are, and next links keep the parameter', async () => {
    const projects = `${app.base}/ogc/collections/projects/items?limit=3`;
    const plain = await page(projects);
    const zoomed = await page(`${projects}&zoom=3`);
    expect(zoomed.features.map((f) => f.geometry)).toEqual(plain.features.map((f) => f.geometry));
    const next = zoomed.links.find((l) => l.rel === 'next')?.href;
    expect(next).toContain('zoom=3');
  });

  it('refuses bad values with a 400 naming the parameter', async () => {
    await expectBadParameter(`${countries}?zoom=23`, 'zoom');
    await expectBadParameter(`${countries}?zoom=-1`, 'zoom');
    await expectBadParameter(`${countries}?zoom=5.5`, 'zoom');
    await expectBadParameter(`${countries}?max-allowable-offset=-1`, 'max-allowable-offset');
    await expectBadParameter(`${countries}?max-allowable-offset=1e3`, 'max-allowable-offset');
    await expectBadParameter(`${countries}?max-allowable-offset=99999999`, 'max-allowable-offset');
    await expectBadParameter(`${countries}?zoom=5&max-allowable-offset=0.1`, 'max-allowable-offset');
    await expectBadParameter(`${countries}/1?zoom=x`, 'zoom');
  });
});
