import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { layers } from '../server/layers/index.ts';
import { useApp } from './helpers.ts';
import { getJson } from './ogc-helpers.ts';

const app = useApp();
const database = app.database;

describe('OGC API - Features metadata', () => {
  it('the landing page links the API definition, its documentation, conformance and data, each with rel and type', async () => {
    const r = await getJson(`${app.base}/ogc`);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/json/);
    const rels = Object.fromEntries(r.body.links.map((l: any) => [l.rel, l]));
    expect(rels['service-desc'].type).toBe('application/vnd.oai.openapi+json;version=3.0');
    expect(rels['service-desc'].href).toBe(`${app.base}/ogc/api`);
    expect(rels['service-doc'].type).toBe('text/html');
    expect(rels.conformance.href).toBe(`${app.base}/ogc/conformance`);
    expect(rels.data.href).toBe(`${app.base}/ogc/collections`);
    for (const l of r.body.links) {
      expect(typeof l.rel).toBe('string');
      expect(typeof l.type).toBe('string');
    }
  });

  it('declares the conformance classes with the 1.0 standards’ exact URIs, including those QGIS checks before filtering', async () => {
    const { body } = await getJson(`${app.base}/ogc/conformance`);
    for (const uri of [
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
      'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
      'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
      'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
      'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
      'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
      'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
      'http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators',
      'http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison',
      'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions',
    ]) {
      expect(body.conformsTo).toContain(uri);
    }
  });

  it('lists one collection per registry layer, in registry order', async () => {
    const { body } = await getJson(`${app.base}/ogc/collections`);
    expect(body.collections.map((c: any) => c.id)).toEqual(layers.map((l) => l.id));
  });

  it("gives a collection's CRS84 bbox as the extent of its data", async () => {
    const { body } = await getJson(`${app.base}/ogc/collections/projects`);
    const { rows } = await sql<{ x0: number; y0: number; x1: number; y1: number }>`
      SELECT ST_XMin(e) x0, ST_YMin(e) y0, ST_XMax(e) x1, ST_YMax(e) y1 FROM (SELECT ST_Extent(geom) e FROM layer_projects) s`.execute(
      database.db,
    );
    const [x0, y0, x1, y1] = body.extent.spatial.bbox[0];
    expect(body.extent.spatial.crs).toBe('http://www.opengis.net/def/crs/OGC/1.3/CRS84');
    expect(x0).toBeCloseTo(rows[0]!.x0, 6);
    expect(y0).toBeCloseTo(rows[0]!.y0, 6);
    expect(x1).toBeCloseTo(rows[0]!.x1, 6);
    expect(y1).toBeCloseTo(rows[0]!.y1, 6);
  });

  it("gives the temporal interval from the layer's time field", async () => {
    const { body } = await getJson(`${app.base}/ogc/collections/projects`);
    const { rows } = await sql<{
      lo: number;
      hi: number;
    }>`SELECT min(start_year) lo, max(start_year) hi FROM layer_projects`.execute(database.db);
    expect(body.extent.temporal.interval).toEqual([
      [`${rows[0]!.lo}-01-01T00:00:00Z`, `${rows[0]!.hi}-12-31T23:59:59Z`],
    ]);
  });

  it('describes a collection with id, title, description, itemType, crs and links to items, queryables and TileJSON', async () => {
    const { body } = await getJson(`${app.base}/ogc/collections/markets`);
    expect(body).toMatchObject({ id: 'markets', title: 'Markets', itemType: 'feature' });
    expect(body.description).toBeTruthy();
    expect(body.crs).toEqual([
      'http://www.opengis.net/def/crs/OGC/1.3/CRS84',
      'http://www.opengis.net/def/crs/EPSG/0/3857',
    ]);
    const link = (rel: string, type: string) => body.links.find((l: any) => l.rel === rel && l.type === type);
    expect(link('items', 'application/geo+json').href).toBe(`${app.base}/ogc/collections/markets/items`);
    expect(link('http://www.opengis.net/def/rel/ogc/1.0/queryables', 'application/schema+json').href).toBe(
      `${app.base}/ogc/collections/markets/queryables`,
    );
    expect(link('tiles', 'application/json').href).toBe(`${app.base}/tiles/markets.json`);
  });

  it('answers 404 problem+json for an unknown collection', async () => {
    const r = await getJson(`${app.base}/ogc/collections/nope`);
    expect(r.status).toBe(404);
    expect(r.type).toMatch(/^application\/problem\+json/);
  });

  it('gives queryables as a JSON Schema of the filterable properties, with enums, and the geometry', async () => {
    const r = await getJson(`${app.base}/ogc/collections/projects/queryables`);
    expect(r.type).toMatch(/^application\/schema\+json/);
    const filterable = layers.find((l) => l.id === 'projects')!.properties.filter((p) => p.filterable);
    expect(Object.keys(r.body.properties).sort()).toEqual(
      ['geometry', 'id', ...filterable.map((p) => p.name)].sort(),
    );
    expect(r.body.properties.category.enum).toContain('market');
    expect(r.body.properties.geometry.format).toBe('geometry-point');
    expect(r.body.additionalProperties).toBe(false);
  });

  it('serves queryables as application/json to a client that asks for JSON (GDAL)', async () => {
    const r = await getJson(`${app.base}/ogc/collections/projects/queryables`, {
      Accept: 'application/geo+json, application/json',
    });
    expect(r.type).toMatch(/^application\/json/);
  });

  it('lists DWITHIN_KM among the functions a filter may call', async () => {
    const { body } = await getJson(`${app.base}/ogc/functions`);
    const f = body.functions.find((x: any) => x.name === 'DWITHIN_KM');
    expect(f.returns).toEqual(['boolean']);
    expect(f.arguments).toHaveLength(3);
  });
});

describe('OpenAPI document', () => {
  it('is served as OpenAPI 3.0 JSON with the vendor media type', async () => {
    const r = await getJson(`${app.base}/ogc/api`);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/vnd\.oai\.openapi\+json;\s*version=3\.0/);
    expect(r.body.openapi).toMatch(/^3\.0\./);
    expect(r.body.servers[0].url).toBe(`${app.base}/ogc`);
  });

  it("names each collection's concrete items path with limit's default 10 and maximum 10000", async () => {
    const { body } = await getJson(`${app.base}/ogc/api`);
    for (const l of layers) {
      const params = body.paths[`/collections/${l.id}/items`].get.parameters;
      const limit = params.find((p: any) => p.name === 'limit');
      expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 10000, default: 10 });
    }
  });

  it("lists each filterable property as a query parameter of the collection's items path", async () => {
    const { body } = await getJson(`${app.base}/ogc/api`);
    const names = body.paths['/collections/projects/items'].get.parameters.map((p: any) => p.name);
    expect(names).toContain('category');
    expect(names).toContain('datetime');
    expect(names).not.toContain('slug');
  });

  it('lists the paths at the site root with the site as their server', async () => {
    const { body } = await getJson(`${app.base}/ogc/api`);
    for (const path of ['/api/search', '/api/analysis/near-border', '/tiles/{layers}.json', '/health']) {
      expect(body.paths[path]?.servers[0].url, path).toBe(app.base);
    }
  });

  it('has an HTML page at ?f=html that loads a renderer from this origin', async () => {
    const res = await fetch(`${app.base}/ogc/api?f=html`);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain(`data-url="${app.base}/ogc/api?f=json"`);
    for (const src of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
      expect(src[1]!.startsWith('/') || src[1]!.startsWith(app.base), src[1]).toBe(true);
    }
  });
});
