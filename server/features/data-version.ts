/**
 * The data version (bumped by seeding, imports and writes): the key that
 * lets collection extents and numberMatched be cached until the data change.
 */
import { type Kysely, sql } from 'kysely';

export async function dataVersion(db: Kysely<any>): Promise<number> {
  const { rows } = await sql<{ version: number }>`SELECT version FROM data_version`.execute(db);
  return rows[0]?.version ?? 0;
}
