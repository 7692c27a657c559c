/**
 * The data version (bumped by seeding, imports and writes): the key that
 * lets collection extents and numberMatched be cached until the data change.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';

export async function dataVersion(db: Kysely<DB>): Promise<number> {
  const { rows } = await sql<{ version: number }>`SELECT version FROM data_version`.execute(db);
  return rows[0]?.version ?? 0;
}
