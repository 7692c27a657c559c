import { readdirSync } from 'node:fs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../server/db/migrate.ts';
import { scratchDatabase } from './helpers.ts';

describe('migrations', () => {
  it('apply from an empty database, in file-name order, and a second run applies nothing', async () => {
    const scratch = await scratchDatabase(); // already migrated once by the helper
    try {
      const files = readdirSync(new URL('../server/db/migrations', import.meta.url))
        .filter((f) => f !== 'index.ts')
        .map((f) => f.replace(/\.ts$/, ''))
        .sort();
      const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(
        scratch.database.db,
      );
      expect(rows.map((r) => r.name)).toEqual(files);
      expect(await migrateToLatest(scratch.database.db)).toEqual([]);
    } finally {
      await scratch.drop();
    }
  });

  it('create every table and layer view the registry needs', async () => {
    const scratch = await scratchDatabase();
    try {
      const { rows } = await sql<{ name: string }>`
        SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`.execute(
        scratch.database.db,
      );
      const names = rows.map((r) => r.name);
      for (const t of [
        'admin_units',
        'unit_successors',
        'countries',
        'border_segments',
        'border_gates',
        'roads',
        'projects',
        'market_details',
        'industrial_park_details',
        'indicators',
        'sources',
        'citations',
        'data_version',
      ]) {
        expect(names).toContain(t);
      }
      const { layers } = await import('../server/layers/index.ts');
      for (const l of layers) expect(names).toContain(l.view);
    } finally {
      await scratch.drop();
    }
  });
});
