/**
 * Every imported record cites where it came from: the `--source` becomes a
 * row of `sources` (reused when an earlier import brought the same URL, or
 * the same title without a URL) and each imported or matched row gains a
 * citation. Import sources are never the seeded ones (their ids start with
 * `import-`): a keyed write (seeding) replaces a row's other citations with
 * its record's `sources`, and must be able to tell them apart from an
 * import's.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import type { SourceRef } from './options.ts';
import { slugify } from './slug.ts';
import type { CitedEntity } from './targets/types.ts';

export interface SourceRow {
  id: string;
  title: string;
  url: string | null;
  created: boolean;
}

export async function findOrCreateSource(trx: Kysely<DB>, ref: SourceRef): Promise<SourceRow> {
  const found = await trx
    .selectFrom('sources')
    .select(['id', 'title', 'url'])
    .where('id', 'like', 'import-%')
    .where((eb) =>
      ref.url !== null
        ? eb('url', '=', ref.url)
        : eb.and([eb('url', 'is', null), eb('title', '=', ref.title)]),
    )
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (found) return { ...found, created: false };
  const base = slugify(`import ${ref.title}`, 60) || 'import';
  const taken = await trx
    .selectFrom('sources')
    .select('id')
    .where((eb) => eb.or([eb('id', '=', base), eb('id', 'like', `${base}-%`)]))
    .execute();
  const ids = new Set(taken.map((r) => r.id));
  let id = base;
  for (let i = 2; ids.has(id); i++) id = `${base}-${i}`;
  await trx
    .insertInto('sources')
    .values({ id, title: ref.title, url: ref.url, topic: 'imported data' })
    .execute();
  return { id, title: ref.title, url: ref.url, created: true };
}

/**
 * Citations for every staged row that became (or matched) a row; returns
 * how many changed. With one source (an import) each row gains it. Keyed
 * records list their own `sources`: those replace the row's citations,
 * except an import's (a boundary an import attached to a seeded unit keeps
 * citing the import).
 */
export async function cite(trx: Kysely<DB>, entity: CitedEntity, sourceId: string | null): Promise<number> {
  if (sourceId !== null) {
    const r = await sql`
      INSERT INTO citations (entity, entity_id, source_id)
      SELECT DISTINCT ${entity}, s.target_id, ${sourceId} FROM import_stage s WHERE s.target_id IS NOT NULL
      ON CONFLICT DO NOTHING`.execute(trx);
    return Number(r.numAffectedRows ?? 0);
  }
  const gone = await sql`
    DELETE FROM citations c USING import_stage s
    WHERE c.entity = ${entity} AND c.entity_id = s.target_id AND c.source_id NOT LIKE 'import-%'
      AND NOT (s.vals->'sources' ? c.source_id)`.execute(trx);
  const added = await sql`
    INSERT INTO citations (entity, entity_id, source_id)
    SELECT DISTINCT ${entity}, s.target_id, x FROM import_stage s, jsonb_array_elements_text(s.vals->'sources') x
    WHERE s.target_id IS NOT NULL
    ON CONFLICT DO NOTHING`.execute(trx);
  return Number(gone.numAffectedRows ?? 0) + Number(added.numAffectedRows ?? 0);
}

/** Tiles and caches key on the data version: bump it when the import changed something. */
export async function bumpVersion(trx: Kysely<DB>): Promise<number> {
  const row = await trx
    .updateTable('data_version')
    .set((eb) => ({ version: eb('version', '+', 1), updated_at: sql`now()` }))
    .returning('version')
    .executeTakeFirstOrThrow();
  return row.version;
}
