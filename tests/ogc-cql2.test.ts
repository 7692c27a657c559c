import { distance, point } from '@turf/turf';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useApp } from './helpers.ts';
import { ids, page } from './ogc-helpers.ts';

const app = useApp();
const database = app.database;

async function filtered(filter: string, layer = 'projects', extra = ''): Promise<number[]> {
  const p = await page(
    `${app.base}/ogc/collections/${layer}/items?limit=10000&filter-lang=cql2-text&filter=${encodeURIComponent(filter)}${extra}`,
  );
  return ids([p]);
}

async function dbIds(where: ReturnType<typeof sql>, view = sql.table('layer_projects')): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`SELECT id FROM ${view} WHERE ${where} ORDER BY id`.execute(
    database.db,
  );
  return rows.map((r) => r.id);
}

describe('CQL2 text filters', () => {
  it('LIKE with % and _ wildcards, and NOT LIKE', async () => {
    expect(await filtered("name LIKE 'Chợ%'")).toEqual(await dbIds(sql`name LIKE 'Chợ%'`));
    expect(await filtered("name NOT LIKE 'Ch_%'")).toEqual(await dbIds(sql`name NOT LIKE 'Ch_%'`));
    expect((await filtered("name LIKE 'Chợ%'")).length).toBeGreaterThan(0);
  });

  it('BETWEEN and NOT BETWEEN', async () => {
    expect(await filtered('start_year BETWEEN 2021 AND 2023')).toEqual(
      await dbIds(sql`start_year BETWEEN 2021 AND 2023`),
    );
    expect(await filtered('investment_bn_vnd NOT BETWEEN 10 AND 100')).toEqual(
      await dbIds(sql`investment_bn_vnd NOT BETWEEN 10 AND 100`),
    );
  });

  it('IN and NOT IN', async () => {
    expect(await filtered("category IN ('market', 'school')")).toEqual(
      await dbIds(sql`category IN ('market', 'school')`),
    );
    expect(await filtered("category NOT IN ('market')")).toEqual(
      await dbIds(sql`category NOT IN ('market')`),
    );
  });

  it('IS NULL and IS NOT NULL', async () => {
    expect(await filtered('start_year IS NULL')).toEqual(await dbIds(sql`start_year IS NULL`));
    expect(await filtered('start_year IS NOT NULL')).toEqual(await dbIds(sql`start_year IS NOT NULL`));
  });

  it('AND binds tighter than OR, NOT tighter than AND, parentheses override', async () => {
    const f = "category = 'market' OR category = 'school' AND NOT start_year > 2020";
    expect(await filtered(f)).toEqual(
      await dbIds(sql`category = 'market' OR (category = 'school' AND NOT start_year > 2020)`),
    );
    const g = "(category = 'market' OR category = 'school') AND start_year > 2020";
    expect(await filtered(g)).toEqual(
      await dbIds(sql`category IN ('market', 'school') AND start_year > 2020`),
    );
  });

  it('CASEI compares case-insensitively, Vietnamese capitals included', async () => {
    expect(await filtered("CASEI(name) = CASEI('CHỢ KIM SƠN')")).toEqual(
      await dbIds(sql`name = 'Chợ Kim Sơn'`),
    );
  });

  it('ACCENTI compares accent-insensitively, đ included: "cho kim son" finds Chợ Kim Sơn', async () => {
    const found = await filtered("CASEI(ACCENTI(name)) LIKE CASEI(ACCENTI('%cho kim son%'))");
    expect(found).toEqual(await dbIds(sql`name = 'Chợ Kim Sơn'`));
  });

  it('ILIKE (what GDAL 3.6 sends, with filter-lang=cql-text) is CASEI LIKE', async () => {
    const p = await page(
      `${app.base}/ogc/collections/projects/items?limit=10000&filter-lang=cql-text&filter=${encodeURIComponent("name ILIKE '%KIM SƠN%'")}`,
    );
    expect(ids([p])).toEqual(await dbIds(sql`lower(name) LIKE '%kim sơn%'`));
  });

  it('quoted property names work like bare ones', async () => {
    expect(await filtered(`"category" = 'market'`)).toEqual(await filtered(`category = 'market'`));
  });

  it('arithmetic: investment_bn_vnd / 1000 > 1 is investment_bn_vnd > 1000', async () => {
    expect(await filtered('investment_bn_vnd / 1000 > 1')).toEqual(
      await dbIds(sql`investment_bn_vnd > 1000`),
    );
  });

  it('property-property comparison: end_year >= start_year + 2', async () => {
    expect(await filtered('end_year >= start_year + 2')).toEqual(
      await dbIds(sql`end_year >= start_year + 2`),
    );
  });

  it('S_INTERSECTS with a BBOX literal is the bbox parameter', async () => {
    const viaFilter = await filtered('S_INTERSECTS(geometry, BBOX(104.8, 19.5, 105.0, 19.7))');
    const viaParam = ids([
      await page(`${app.base}/ogc/collections/projects/items?limit=10000&bbox=104.8,19.5,105.0,19.7`),
    ]);
    expect(viaFilter.length).toBeGreaterThan(0);
    expect(viaFilter).toEqual(viaParam);
  });

  it('S_INTERSECTS with a POINT literal finds the project at that point', async () => {
    const { rows } = await sql<{ id: number; x: number; y: number }>`
      SELECT id, ST_X(geom) x, ST_Y(geom) y FROM layer_projects ORDER BY id LIMIT 1`.execute(database.db);
    const r = rows[0]!;
    expect(await filtered(`S_INTERSECTS(geometry, POINT(${r.x} ${r.y}))`)).toContain(r.id);
  });

  it('S_WITHIN a POLYGON literal', async () => {
    const poly = 'POLYGON((104 19, 106 19, 106 21, 104 21, 104 19))';
    expect(await filtered(`S_WITHIN(geometry, ${poly})`)).toEqual(
      await dbIds(sql`ST_Within(geom, ST_GeomFromText(${poly}, 4326))`),
    );
  });

  it('S_INTERSECTS with a BBOX in Web Mercator (filter-crs=EPSG:3857) matches the same box in CRS84', async () => {
    const merc = (lon: number, lat: number) => [
      (6378137 * lon * Math.PI) / 180,
      6378137 * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)),
    ];
    const [x0, y0] = merc(104.8, 19.5);
    const [x1, y1] = merc(105.0, 19.7);
    const crs = encodeURIComponent('http://www.opengis.net/def/crs/EPSG/0/3857');
    const m = await filtered(
      `S_INTERSECTS(geometry, BBOX(${x0}, ${y0}, ${x1}, ${y1}))`,
      'projects',
      `&filter-crs=${crs}`,
    );
    expect(m).toEqual(await filtered('S_INTERSECTS(geometry, BBOX(104.8, 19.5, 105.0, 19.7))'));
  });

  it('DWITHIN_KM(geometry, POINT, km) keeps exactly the projects Turf puts within that distance', async () => {
    const centre = [104.91, 19.63];
    const km = 25;
    const found = await filtered(`DWITHIN_KM(geometry, POINT(${centre[0]} ${centre[1]}), ${km})`);
    const all = await page(`${app.base}/ogc/collections/projects/items?limit=10000`);
    // Turf measures on a sphere, PostGIS on the spheroid: leave out features within 0.5% of the edge.
    const near = (d: number) => Math.abs(d - km) < km * 0.005;
    const byTurf = all.features
      .map((f) => ({
        id: f.id,
        d: distance(point(centre), point(f.geometry!.coordinates), { units: 'kilometers' }),
      }))
      .filter((x) => !near(x.d));
    expect(found.length).toBeGreaterThan(0);
    expect(found.length).toBeLessThan(all.numberReturned);
    expect(byTurf.filter((x) => x.d < km).map((x) => x.id)).toEqual(
      found.filter((id) => byTurf.some((x) => x.id === id)),
    );
  });

  it('DWITHIN_KM combines with attribute conditions: markets within 50 km', async () => {
    const f = "category = 'market' AND DWITHIN_KM(geometry, POINT(104.91 19.63), 50)";
    expect(await filtered(f)).toEqual(
      await dbIds(
        sql`category = 'market' AND ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint(104.91, 19.63), 4326)::geography, 50000)`,
      ),
    );
  });

  it('works on polygon and line layers too: communes intersecting a box', async () => {
    const f = 'S_INTERSECTS(geometry, BBOX(103, 21, 104, 22.5))';
    expect(await filtered(f, 'communes')).toEqual(
      await dbIds(
        sql`ST_Intersects(geom, ST_MakeEnvelope(103, 21, 104, 22.5, 4326))`,
        sql.table('layer_communes'),
      ),
    );
  });
});

describe('CQL2 JSON filters (filter-lang=cql2-json)', () => {
  const json = async (filter: unknown) => {
    const r = await page(
      `${app.base}/ogc/collections/projects/items?limit=10000&filter-lang=cql2-json&filter=${encodeURIComponent(JSON.stringify(filter))}`,
    );
    return ids([r]);
  };

  it('selects the same features as the same filter in text', async () => {
    const f = {
      op: 'and',
      args: [
        { op: 'in', args: [{ property: 'category' }, ['market', 'school']] },
        { op: 's_intersects', args: [{ property: 'geometry' }, { bbox: [102, 8, 110, 24] }] },
      ],
    };
    const text = "category IN ('market', 'school') AND S_INTERSECTS(geometry, BBOX(102, 8, 110, 24))";
    const got = await json(f);
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(await filtered(text));
  });

  it('answers a bad JSON filter with a 400 naming filter and the place in the document', async () => {
    const res = await fetch(
      `${app.base}/ogc/collections/projects/items?filter-lang=cql2-json&filter=${encodeURIComponent('{"op":"=","args":[{"property":"category"},3]}')}`,
    );
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.parameter).toBe('filter');
    expect(body.detail).toContain('CQL2 JSON');
  });
});
