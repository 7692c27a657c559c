import { beforeAll, describe, expect, it } from 'vitest';
import { useApp } from './helpers.ts';
import { expectBadParameter, getJson } from './ogc-helpers.ts';

const app = useApp();
let items: string;
beforeAll(() => {
  items = `${app.base}/ogc/collections/projects/items`;
});

const M3857 = encodeURIComponent('http://www.opengis.net/def/crs/EPSG/0/3857');

// Each case: query string, the parameter the 400 must name.
const cases: [string, string][] = [
  ['limit=0', 'limit'],
  ['limit=-5', 'limit'],
  ['limit=ten', 'limit'],
  ['limit=1.5', 'limit'],
  ['limit=10&limit=20', 'limit'],
  ['offset=-1', 'offset'],
  ['offset=x', 'offset'],
  ['offset=99999999999999', 'offset'],
  ['bbox=1,2,3', 'bbox'],
  ['bbox=a,b,c,d', 'bbox'],
  ['bbox=100,30,101,20', 'bbox'],
  ['bbox=181,0,182,1', 'bbox'],
  ['bbox=100,-91,101,0', 'bbox'],
  [`bbox=1e9,0,2e9,1&bbox-crs=${M3857}`, 'bbox'],
  ['bbox=1,2,3,4&bbox-crs=EPSG:4326', 'bbox-crs'],
  ['crs=EPSG:4326', 'crs'],
  ['datetime=yesterday', 'datetime'],
  ['datetime=2020-13-01', 'datetime'],
  ['datetime=2021-02-30', 'datetime'],
  ['datetime=2023/2020', 'datetime'],
  ['datetime=../..', 'datetime'],
  ['datetime=2020/2021/2022', 'datetime'],
  ['properties=name,nope', 'properties'],
  ['sortby=slug', 'sortby'],
  ['sortby=-nope', 'sortby'],
  ['category=shop', 'category'],
  ['start_year=twenty', 'start_year'],
  ['investment_bn_vnd=lots', 'investment_bn_vnd'],
  ['slug=cho-kim-son', 'slug'],
  ['colour=red', 'colour'],
  ['f=xml', 'f'],
  ['filter-lang=cql3-json&filter=x', 'filter-lang'],
  ['filter-crs=EPSG:4326&filter=x', 'filter-crs'],
  [`filter=${encodeURIComponent("nme = 'x'")}`, 'filter'],
  [`filter=${encodeURIComponent("slug = 'x'")}`, 'filter'],
  [`filter=${encodeURIComponent('name = 3')}`, 'filter'],
  [`filter=${encodeURIComponent("category = 'market' AND")}`, 'filter'],
  [`filter=${encodeURIComponent("name = 'unclosed")}`, 'filter'],
  [`filter=${encodeURIComponent('investment_bn_vnd')}`, 'filter'],
  [`filter=${encodeURIComponent("FOO(name) = 'x'")}`, 'filter'],
  [`filter=${encodeURIComponent('S_INTERSECTS(geometry, POINT(200 10))')}`, 'filter'],
  [
    `filter=${encodeURIComponent('S_INTERSECTS(geometry, POLYGON((100 20, 101 20, 101 21, 100 20.5)))')}`,
    'filter',
  ],
  [`filter=${encodeURIComponent('S_INTERSECTS(geometry, LINESTRING(100 20))')}`, 'filter'],
  [`filter=${encodeURIComponent('DWITHIN_KM(geometry, POINT(104 21), -1)')}`, 'filter'],
  [`filter=${encodeURIComponent("name LIKE 'Chợ\\\\'")}`, 'filter'],
  [`filter=${encodeURIComponent("start_year > DATE('2020-01-01')")}`, 'filter'],
  [`filter=${encodeURIComponent('investment_bn_vnd * 1e300 * 1e300 > 1')}`, 'filter'],
  [`filter=${encodeURIComponent(`${'('.repeat(100)}id = 1${')'.repeat(100)}`)}`, 'filter'],
  [`filter=${encodeURIComponent(`id = 1${' + 1'.repeat(100)}`)}`, 'filter'],
  [`filter=${encodeURIComponent(`${'NOT '.repeat(100)}id = 1`)}`, 'filter'],
];

describe('bad input to /ogc/collections/{id}/items is a 400 naming the parameter', () => {
  for (const [query, parameter] of cases) {
    it(`?${decodeURIComponent(query)} → 400 naming ${parameter}`, async () => {
      await expectBadParameter(`${items}?${query}`, parameter);
    });
  }

  it('says where in the filter it went wrong', async () => {
    const detail = await expectBadParameter(
      `${items}?filter=${encodeURIComponent("category = 'market' AND nme = 1")}`,
      'filter',
    );
    expect(detail).toContain('unknown property "nme"');
    expect(detail).toContain('at character 25');
  });

  it('refuses datetime on a layer without a time field', async () => {
    await expectBadParameter(`${app.base}/ogc/collections/roads/items?datetime=2020`, 'datetime');
  });

  it('answers a long, valid chain of ORs (it is flattened, not nested)', async () => {
    const filter = Array.from({ length: 500 }, (_, i) => `id = ${i}`).join(' OR ');
    const r = await getJson(`${items}?filter=${encodeURIComponent(filter)}`);
    expect(r.status).toBe(200);
  });
});

describe('bad input elsewhere in /ogc', () => {
  for (const path of [
    '',
    '/conformance',
    '/collections',
    '/collections/projects',
    '/collections/projects/queryables',
  ]) {
    it(`/ogc${path}?f=xml → 400 naming f`, async () => {
      await expectBadParameter(`${app.base}/ogc${path}?f=xml`, 'f');
    });
    it(`/ogc${path}?x=1 → 400 naming x`, async () => {
      await expectBadParameter(`${app.base}/ogc${path}?x=1`, 'x');
    });
  }

  it('a single feature refuses an unknown parameter', async () => {
    await expectBadParameter(`${items}/1?limit=3`, 'limit');
  });

  it('keeps answering after every bad request of this file at once', async () => {
    // Sent here, not relied on from the tests above, so this holds whichever tests run and in what order.
    const answers = await Promise.all(cases.map(([query]) => fetch(`${items}?${query}`)));
    for (const [i, r] of answers.entries()) {
      expect(r.status, cases[i]![0]).toBe(400);
      await r.body?.cancel();
    }
    expect((await getJson(`${items}?limit=1`)).status).toBe(200);
  });
});
