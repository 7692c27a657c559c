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
    it(`${layer.id}: every value of its enums has a label in Vietnamese and English, and no other`, () => {
      for (const p of layer.properties) {
        if (!p.enum) {
          expect(p.labels, p.name).toBeUndefined();
          continue;
        }
        expect(Object.keys(p.labels ?? {}).sort(), p.name).toEqual([...p.enum].sort());
        for (const [v, l] of Object.entries(p.labels!)) {
          // `exact` qualifies a figure by saying nothing.
          if (v === 'exact') continue;
          expect(l.vi, `${p.name}=${v}`).not.toBe('');
          expect(l.en, `${p.name}=${v}`).not.toBe('');
        }
      }
    });

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
