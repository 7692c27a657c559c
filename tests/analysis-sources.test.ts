import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { POINT_LAYERS, pointSource } from '../server/analysis/sources.ts';
import { getLayer } from '../server/layers/index.ts';
import { useApp } from './helpers.ts';

const app = useApp();
const database = app.database;

describe('the analysis reads the registry layers', () => {
  for (const layer of POINT_LAYERS) {
    it(`layer views match these sources: ${layer} has the same features in its view and in the analysis`, async () => {
      const view = getLayer(layer)!.view;
      const fromView = await sql<{ id: number }>`SELECT id FROM ${sql.table(view)} ORDER BY id`.execute(
        database.db,
      );
      const fromSource = await sql<{ id: number }>`
        SELECT s.id FROM (${pointSource(layer).select}) s ORDER BY s.id`.execute(database.db);
      expect(fromSource.rows.map((r) => r.id)).toEqual(fromView.rows.map((r) => r.id));
      expect(fromView.rows.length).toBeGreaterThan(0);
    });
  }
});

describe('GET /ogc/api', () => {
  it('documents every analysis endpoint with its parameters and an example answer', async () => {
    const doc = await (await fetch(`${app.base}/ogc/api?f=json`)).json();
    for (const [path, params] of [
      ['/api/analysis/near-border', ['km', 'layers', 'neighbour', 'f']],
      ['/api/stats/distance-bands', ['bands', 'by', 'neighbour', 'from', 'to']],
      ['/api/stats/investment', ['by', 'from', 'to', 'category', 'status', 'province', 'within_km']],
      ['/api/stats/border-length', ['by']],
      ['/api/stats/accessibility', ['province']],
      ['/api/units/{code}/indicators', ['code']],
      ['/api/analysis/near-border/tiles/{z}/{x}/{y}.mvt', ['z', 'x', 'y', 'km']],
    ] as const) {
      const get = doc.paths[path]?.get;
      expect(get, path).toBeDefined();
      const names = get.parameters.map((p: any) => p.name);
      for (const p of params) expect(names, `${path} ${p}`).toContain(p);
      if (!path.endsWith('.mvt')) {
        const content = get.responses['200'].content;
        const example = (content['application/json'] ?? content['application/geo+json']).example;
        expect(example, path).toBeTypeOf('object');
      }
    }
  });
});
