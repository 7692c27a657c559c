import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { layers } from '../server/layers/index.ts';
import { useApp } from './helpers.ts';

const app = useApp();
const database = app.database;

async function idOf(table: string, slug: string): Promise<number> {
  const { rows } = await sql<{ id: string }>`SELECT id FROM ${sql.table(table)} WHERE slug = ${slug}`.execute(
    database.db,
  );
  return Number(rows[0]!.id);
}

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${app.base}${path}`);
  return { status: res.status, body: await res.json() };
}

describe('GET /api/features/{layer}/{id}/sources', () => {
  it('gives a market its article, its approximate precision and its uncertainty', async () => {
    const id = await idOf('projects', 'cho-kim-son');
    const { status, body } = await get(`/api/features/markets/${id}/sources`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ layer: 'markets', id, precision: 'approximate', uncertainty_m: 2000 });
    expect(body.sources.map((s: any) => s.id)).toEqual(['art-que-phong-infrastructure']);
    expect(body.sources[0].title).toMatch(/Quế Phong/);
  });

  it("lists a project's other figures (people served by the Kim Sơn water plant)", async () => {
    const id = await idOf('projects', 'nha-may-nuoc-kim-son');
    const { body } = await get(`/api/features/projects/${id}/sources`);
    expect(body.figures).toContainEqual({ key: 'people_served_min', value: 2800 });
  });

  it('says a road is schematic', async () => {
    const id = await idOf('roads', 'ql16-kim-son');
    const { body } = await get(`/api/features/roads/${id}/sources`);
    expect(body.precision).toBe('schematic');
    expect(body.sources.length).toBeGreaterThan(0);
  });

  it('answers for the first feature of every layer of the registry, each with at least one source', async () => {
    for (const layer of layers) {
      const { rows } = await sql<{ id: string }>`SELECT min(id) AS id FROM ${sql.table(layer.view)}`.execute(
        database.db,
      );
      const { status, body } = await get(`/api/features/${layer.id}/${rows[0]!.id}/sources`);
      expect(status, layer.id).toBe(200);
      expect(body.sources.length, layer.id).toBeGreaterThan(0);
      expect(['surveyed', 'approximate', 'schematic'], layer.id).toContain(body.precision);
    }
  });

  it('answers 404 for an unknown layer, naming it', async () => {
    const { status, body } = await get('/api/features/rivers/1/sources');
    expect(status).toBe(404);
    expect(body.detail).toContain('rivers');
  });

  it('answers 404 for a feature id the layer does not have', async () => {
    const { status } = await get('/api/features/markets/999999999/sources');
    expect(status).toBe(404);
  });

  it('answers 400 naming id for an id that is not a positive integer', async () => {
    for (const bad of ['abc', '0', '-3', '1.5', '9999999999999999999']) {
      const { status, body } = await get(`/api/features/projects/${bad}/sources`);
      expect(status, bad).toBe(400);
      expect(body.parameter).toBe('id');
    }
  });

  it('answers 400 for an unknown query parameter', async () => {
    const { status, body } = await get('/api/features/projects/1/sources?lang=vi');
    expect(status).toBe(400);
    expect(body.parameter).toBe('lang');
  });

  it('is described in the OpenAPI document at /ogc/api', async () => {
    const res = await fetch(`${app.base}/ogc/api`);
    const doc: any = await res.json();
    expect(doc.paths['/api/features/{layer}/{id}/sources'].get.parameters.map((p: any) => p.name)).toEqual([
      'layer',
      'id',
    ]);
  });
});
