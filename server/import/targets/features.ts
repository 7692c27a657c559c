/**
 * Shared by roads, projects and border gates: a record's natural key and
 * slug. A keyed record (data/, the write API) brings its slug. A file's
 * record is keyed by the file's id column (or the feature id), and its slug
 * is the source's id and that key, so two files with an "id 1" do not
 * collide; a record with no id at all is keyed by its geometry (md5), which
 * keeps a second import of the same file from duplicating it.
 */
import { sql } from 'kysely';
import type { Getter } from '../mapping.ts';
import { slugify } from '../slug.ts';
import { clean } from '../stage.ts';
import { text } from '../values.ts';
import type { FieldReader, TargetContext } from './types.ts';

export function readKey(
  get: Getter,
  field: FieldReader,
  ctx: TargetContext,
): { key: string | null; slug: string | null } {
  const key = field('id', text) ?? text(get('$fid'));
  return { key, slug: key === null ? null : `${ctx.sourceId}-${slugify(key, 120) || 'x'}` };
}

/** Fills the slug of records without an id, from the source id and their geometry. */
export function slugFromGeometry(sourceId: string | null) {
  return sql`UPDATE import_stage s SET slug = ${`${sourceId}-`} || left(md5(ST_AsEWKB(s.geom)), 12)
    WHERE s.slug IS NULL AND ${clean}`;
}

/** A slug that belongs to a row written by someone else (data/ for an import, an import for data/). */
export function foreignConflicts(
  table: 'admin_units' | 'roads' | 'projects' | 'border_gates',
  ctx: TargetContext,
) {
  const field = ctx.keyed ? 'slug' : 'id';
  const advice = ctx.keyed ? '' : '; use another id';
  return sql`
    INSERT INTO import_problems (n, label, field, reason)
    SELECT s.n, s.label, ${field}, 'slug ' || s.slug || ' belongs to a row of origin ' || t.origin || ${advice}
    FROM import_stage s JOIN ${sql.table(table)} t ON t.slug = s.slug
    WHERE t.origin <> ${ctx.origin} AND ${clean}`;
}

/** Links each staged row to the row it became. */
export function linkTargets(table: 'admin_units' | 'roads' | 'projects' | 'border_gates') {
  return sql`UPDATE import_stage s SET target_id = t.id FROM ${sql.table(table)} t WHERE t.slug = s.slug AND ${clean}`;
}

export const idField = {
  id: {
    columns: ['id', 'slug', 'ma', 'fid', 'objectid', 'osm_id'],
    description: 'Stable id within the file (default: the feature id; else the geometry)',
  },
} as const;

/** `(s.vals->>'k')`: a staged value as text. */
export const v = (k: string) => sql`(s.vals->>${k})`;
