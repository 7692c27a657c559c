import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { useApp } from './helpers.ts';
import { allPages, getJson, ids, page } from './ogc-helpers.ts';

const app = useApp();
const { database } = app;
let items: string;
beforeAll(() => {
  items = `${app.base}/ogc/collections/projects/items`;
});

async function dbIds(where = sql`TRUE`): Promise<number[]> {
  const { rows } = await sql<{
    id: number;
  }>`SELECT id FROM layer_projects WHERE ${where} ORDER BY id`.execute(database.db);
  return rows.map((r) => r.id);
}

describe('GET /ogc/collections/{id}/items', () => {
  it('answers a FeatureCollection of 10 features by default, with numberMatched, numberReturned and a next link', async () => {
    const p = await page(items);
    const all = await dbIds();
    expect(p.type).toBe('FeatureCollection');
    expect(p.numberReturned).toBe(Math.min(10, all.length));
    expect(p.features).toHaveLength(p.numberReturned);
    expect(p.numberMatched).toBe(all.length);
    expect(p.links.find((l) => l.rel === 'next')?.type).toBe('application/geo+json');
  });

  it('pages through every feature by next links: numberMatched equals the sum over pages, no id twice', async () => {
    const pages = await allPages(`${items}?limit=7`);
    const total = pages.reduce((n, p) => n + p.numberReturned, 0);
    expect(pages.length).toBeGreaterThan(1);
    expect(total).toBe(pages[0]!.numberMatched);
    expect(ids(pages)).toEqual(await dbIds());
  });

  it('gives a prev link from the second page on, and none on the first', async () => {
    const first = await page(`${items}?limit=5`);
    expect(first.links.some((l) => l.rel === 'prev')).toBe(false);
    const second = await page(first.links.find((l) => l.rel === 'next')!.href);
    const prev = second.links.find((l) => l.rel === 'prev')!;
    expect(ids([await page(prev.href)])).toEqual(ids([first]));
  });

  it('gives no next link on the last page', async () => {
    const all = await dbIds();
    const last = await page(`${items}?limit=5&offset=${all.length - 2}`);
    expect(last.numberReturned).toBe(2);
    expect(last.links.some((l) => l.rel === 'next')).toBe(false);
  });

  it('caps limit at 10,000 instead of refusing it, and says so in its links', async () => {
    const p = await page(`${items}?limit=250000`);
    expect(p.numberReturned).toBe(p.numberMatched);
    expect(p.links.find((l) => l.rel === 'self')!.href).toContain('limit=10000');
  });

  it('gives every link a rel and a type', async () => {
    const p = await page(`${items}?limit=3&offset=3`);
    for (const l of p.links) {
      expect(l.rel).toBeTruthy();
      expect(l.type).toBeTruthy();
    }
    expect(p.links.map((l) => l.rel)).toEqual(
      expect.arrayContaining(['self', 'alternate', 'next', 'prev', 'collection']),
    );
  });

  it('keeps Vietnamese diacritics intact', async () => {
    const p = await page(`${items}?limit=10000`);
    const names = p.features.map((f) => f.properties.name);
    expect(names).toContain('Chợ Kim Sơn');
  });

  it('filters by bbox (features intersecting it)', async () => {
    const box = [104.8, 19.5, 105.0, 19.7];
    const p = await page(`${items}?limit=10000&bbox=${box.join(',')}`);
    const expected = await dbIds(sql`ST_Intersects(geom, ST_MakeEnvelope(104.8, 19.5, 105.0, 19.7, 4326))`);
    expect(expected.length).toBeGreaterThan(0);
    expect(ids([p])).toEqual(expected);
  });

  it('takes bbox in Web Mercator with bbox-crs and answers the same features', async () => {
    const lonlat = await page(`${items}?limit=10000&bbox=104.8,19.5,105.0,19.7`);
    const [x0, y0] = merc(104.8, 19.5);
    const [x1, y1] = merc(105.0, 19.7);
    const bboxCrs = encodeURIComponent('http://www.opengis.net/def/crs/EPSG/0/3857');
    const m = await page(`${items}?limit=10000&bbox=${x0},${y0},${x1},${y1}&bbox-crs=${bboxCrs}`);
    expect(ids([m])).toEqual(ids([lonlat]));
  });

  it('answers in Web Mercator with crs=EPSG:3857 and says so in Content-Crs', async () => {
    const crs = 'http://www.opengis.net/def/crs/EPSG/0/3857';
    const r = await getJson(`${items}?limit=1&crs=${encodeURIComponent(crs)}`);
    expect(r.headers.get('content-crs')).toBe(`<${crs}>`);
    const plain = await getJson(`${items}?limit=1`);
    expect(plain.headers.get('content-crs')).toBe('<http://www.opengis.net/def/crs/OGC/1.3/CRS84>');
    const [lon, lat] = plain.body.features[0].geometry.coordinates;
    const [x, y] = r.body.features[0].geometry.coordinates;
    expect(x).toBeCloseTo(merc(lon, lat)[0], 0);
    expect(y).toBeCloseTo(merc(lon, lat)[1], 0);
  });

  it("filters by datetime on the layer's time field: a closed interval of years", async () => {
    const p = await page(`${items}?limit=10000&datetime=2021-01-01/2023-12-31`);
    expect(ids([p])).toEqual(await dbIds(sql`start_year BETWEEN 2021 AND 2023`));
  });

  it('filters by datetime with an open start (../2021)', async () => {
    const p = await page(`${items}?limit=10000&datetime=../2021`);
    expect(ids([p])).toEqual(await dbIds(sql`start_year <= 2021`));
  });

  it('reads the open ends QGIS writes (0000-01-01 and 9999-12-31) as open', async () => {
    const p = await page(`${items}?limit=10000&datetime=2022-01-01T00:00:00Z%2F9999-12-31T00:00:00Z`);
    expect(ids([p])).toEqual(await dbIds(sql`start_year >= 2022`));
  });

  it('filters by a filterable property given as a parameter (?category=market)', async () => {
    const p = await page(`${items}?limit=10000&category=market`);
    expect(ids([p])).toEqual(await dbIds(sql`category = 'market'`));
  });

  it('returns only the properties asked for', async () => {
    const p = await page(`${items}?limit=3&properties=name,category`);
    for (const f of p.features) expect(Object.keys(f.properties)).toEqual(['name', 'category']);
  });

  it('sorts by sortby (+name,-investment_bn_vnd), ties broken by id', async () => {
    const p = await page(`${items}?limit=10000&sortby=%2Bcategory,-investment_bn_vnd`);
    const { rows } = await sql<{ id: number }>`
      SELECT id FROM layer_projects ORDER BY category ASC NULLS LAST, investment_bn_vnd DESC NULLS LAST, id`.execute(
      database.db,
    );
    expect(ids([p])).toEqual(rows.map((r) => r.id));
  });

  it('reads a raw + in sortby (a space once URL-decoded) as ascending', async () => {
    const plus = await page(`${items}?limit=10000&sortby=+name`);
    const explicit = await page(`${items}?limit=10000&sortby=%2Bname`);
    expect(ids([plus])).toEqual(ids([explicit]));
  });

  it('pages a sorted result without gaps or repeats', async () => {
    const pages = await allPages(`${items}?limit=4&sortby=-investment_bn_vnd`);
    const one = await page(`${items}?limit=10000&sortby=-investment_bn_vnd`);
    expect(ids(pages)).toEqual(ids([one]));
  });

  it('a CQL2 filter and the equivalent simple filter return the same ids', async () => {
    const simple = await page(`${items}?limit=10000&category=market&funding=non_budget`);
    const cql = await page(
      `${items}?limit=10000&filter-lang=cql2-text&filter=${encodeURIComponent("category = 'market' AND funding = 'non_budget'")}`,
    );
    expect(simple.numberReturned).toBeGreaterThan(0);
    expect(ids([cql])).toEqual(ids([simple]));
  });

  it('combines filter, bbox, datetime and simple filters (all must hold)', async () => {
    const f = encodeURIComponent('investment_bn_vnd >= 10');
    const p = await page(
      `${items}?limit=10000&filter=${f}&bbox=100,8,110,24&datetime=2015/2030&funding=state_budget`,
    );
    expect(ids([p])).toEqual(
      await dbIds(
        sql`investment_bn_vnd >= 10 AND start_year BETWEEN 2015 AND 2030 AND funding = 'state_budget'`,
      ),
    );
  });

  it('gives numberMatched under a filter as the count of all matches, not of the page', async () => {
    const p = await page(`${items}?limit=1&category=market`);
    expect(p.numberMatched).toBe((await dbIds(sql`category = 'market'`)).length);
  });
});

describe('GET /ogc/collections/{id}/items as CSV', () => {
  it('answers an attribute table for f=csv that parses back, diacritics included', async () => {
    const res = await fetch(`${items}?f=csv&limit=10000&properties=name,category,investment_bn_vnd`);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
    expect(rows[0]).toEqual(['id', 'name', 'category', 'investment_bn_vnd', 'lon', 'lat']);
    const json = await page(`${items}?limit=10000&properties=name,category,investment_bn_vnd`);
    expect(rows.length - 1).toBe(json.numberReturned);
    json.features.forEach((f, i) => {
      const r = rows[i + 1]!;
      expect(Number(r[0])).toBe(f.id);
      expect(r[1]).toBe(f.properties.name);
      expect(r[2]).toBe(f.properties.category);
      expect(r[3] === '' ? null : Number(r[3])).toBe(f.properties.investment_bn_vnd);
      expect(Number(r[4])).toBeCloseTo(f.geometry!.coordinates[0], 6);
    });
    expect(rows.some((r) => r[1] === 'Chợ Kim Sơn')).toBe(true);
  });

  it('answers CSV to Accept: text/csv', async () => {
    const res = await fetch(`${items}?limit=2`, { headers: { Accept: 'text/csv' } });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
  });

  it('puts paging links and numberMatched in headers', async () => {
    const res = await fetch(`${items}?f=csv&limit=2`);
    expect(res.headers.get('link')).toMatch(/<[^>]*cursor=[^>]*>; rel="next"; type="text\/csv"/);
    expect(Number(res.headers.get('ogc-numbermatched'))).toBe((await dbIds()).length);
    await res.text();
  });
});

describe('GET /ogc/collections/{id}/items/{featureId}', () => {
  it('answers one feature whose id equals {featureId}, the same as in the items list', async () => {
    const list = await page(`${items}?limit=1`);
    const f = list.features[0]!;
    const r = await getJson(`${items}/${f.id}`);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/geo\+json/);
    expect(r.body.id).toBe(f.id);
    expect(r.body.properties).toEqual(f.properties);
    expect(r.body.geometry).toEqual(f.geometry);
    expect(r.body.links.find((l: any) => l.rel === 'self').type).toBe('application/geo+json');
  });

  it('answers 404 for an id that does not exist', async () => {
    const r = await getJson(`${items}/999999999`);
    expect(r.status).toBe(404);
    expect(r.type).toMatch(/^application\/problem\+json/);
  });

  it('answers 404 for an id that is not a number', async () => {
    expect((await getJson(`${items}/abc`)).status).toBe(404);
  });

  it('answers 404 for a feature of another layer', async () => {
    const { rows } = await sql<{
      id: number;
    }>`SELECT id FROM layer_projects WHERE category <> 'market' LIMIT 1`.execute(database.db);
    expect((await getJson(`${app.base}/ogc/collections/markets/items/${rows[0]!.id}`)).status).toBe(404);
  });
});

function merc(lon: number, lat: number): [number, number] {
  const r = 6378137;
  return [(r * lon * Math.PI) / 180, r * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))];
}

/** RFC 4180 reader for the test (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('concurrency', () => {
  it('answers more simultaneous page requests than the pool has connections (each holds one at a time)', async () => {
    // The run database's pool has 4 connections; distinct filters keep the count cache out of it.
    const urls = Array.from(
      { length: 40 },
      (_, i) => `${items}?limit=10000&filter=${encodeURIComponent(`id > ${i}`)}`,
    );
    const statuses = await Promise.all(urls.map(async (u) => (await fetch(u)).status));
    expect(statuses).toEqual(urls.map(() => 200));
  });
});
