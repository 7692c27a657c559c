import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { layers } from '../server/layers/index.ts';
import { runDatabase } from './helpers.ts';

const database = runDatabase();
afterAll(() => database.close());

describe('layer registry', () => {
  it('declares the nine layers of the design, each once', () => {
    expect(layers.map((l) => l.id).sort()).toEqual(
      [
        'border-gates',
        'border-segments',
        'communes',
        'countries',
        'industrial-parks',
        'markets',
        'projects',
        'provinces',
        'roads',
      ].sort(),
    );
  });

  for (const layer of layers) {
    it(`${layer.id}: its view has id, geom and exactly the declared properties`, async () => {
      const { rows } = await sql<{ column_name: string }>`
        SELECT column_name FROM information_schema.columns WHERE table_name = ${layer.view}`.execute(
        database.db,
      );
      const cols = rows.map((r) => r.column_name).sort();
      expect(cols).toEqual(['geom', 'id', ...layer.properties.map((p) => p.name)].sort());
    });
  }
});
