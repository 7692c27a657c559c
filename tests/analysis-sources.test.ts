import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { pointLayerIds, pointRows, pointSource } from '../server/analysis/sources.ts';
import { getLayer, layers } from '../server/layers/index.ts';
import { useApp } from './helpers.ts';

const app = useApp();
const database = app.database;

describe('the analysis reads the registry layers', () => {
  for (const layer of pointLayerIds()) {
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

    it(`layer views match these sources: ${layer} has the same property values in its view and in the analysis`, async () => {
      const def = getLayer(layer)!;
      const shared = def.analysis!.properties.filter((p) => def.properties.some((q) => q.name === p));
      const cols = (a: string) => sql.join(shared.map((c) => sql`${sql.ref(`${a}.${c}`)}::text`));
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM (
          (SELECT v.id, ${cols('v')} FROM ${sql.table(def.view)} v
           EXCEPT SELECT r.id, ${cols('r')} FROM (${pointRows(layer)}) r JOIN ${sql.table(def.view)} v2 ON v2.id = r.id)
          UNION ALL
          (SELECT r.id, ${cols('r')} FROM (${pointRows(layer)}) r JOIN ${sql.table(def.view)} v2 ON v2.id = r.id
           EXCEPT SELECT v.id, ${cols('v')} FROM ${sql.table(def.view)} v)
        ) d`.execute(database.db);
      expect(shared.length).toBeGreaterThan(2);
      expect(rows[0]!.n).toBe(0);
    });
  }
});

describe('search reads the registry layers', () => {
  for (const def of layers.filter((l) => l.search?.select)) {
    it(`${def.id}: its search rows cover every feature of its view, with the same name`, async () => {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM ${sql.table(def.view)} v
        WHERE NOT EXISTS (SELECT 1 FROM (${def.search!.select}) s
                          WHERE s.id = v.id AND s.name = ${sql.ref(`v.${def.search!.name}`)})`.execute(
        database.db,
      );
      expect(rows[0]!.n).toBe(0);
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
