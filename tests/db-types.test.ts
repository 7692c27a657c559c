import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateDbTypes, typesFile } from '../scripts/lib/db-types.ts';
import { scratchDatabase } from './helpers.ts';

describe('database types', () => {
  it('server/db/types.ts is what kysely-codegen makes of the migrated schema (else run npm run db:types)', async () => {
    const scratch = await scratchDatabase();
    try {
      const generated = await generateDbTypes(scratch.url);
      expect(generated).toContain('export interface DB {');
      expect(readFileSync(typesFile, 'utf8'), 'server/db/types.ts is stale: run npm run db:types').toBe(
        generated,
      );
    } finally {
      await scratch.drop();
    }
  });
});
