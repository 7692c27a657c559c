/**
 * Which unit a point feature (project, border gate) belongs to. A keyed
 * record (data/, the write API) names it by slug: a commune, district or
 * province, never a village. A file's record:
 *
 *   1. the current commune with the record's commune code;
 *   2. the commune with the record's accent-free commune name in its
 *      province (province code column or --parent), if exactly one;
 *   3. the current commune whose boundary contains the point (after a
 *      commune boundary import), else the province whose boundary does.
 *
 * Sets import_stage.unit_id; a code or name that matches nothing is a
 * problem, never a silent fallback to the location.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import { clean } from '../stage.ts';
import { officialCode, text } from '../values.ts';
import type { FieldReader, TargetContext } from './types.ts';

/** The columns a file may place a point feature with. */
export const placeFields = {
  commune_code: { columns: ['commune_code', 'ma_xa'], description: 'Official code of the commune' },
  commune: {
    columns: ['commune', 'xa', 'ten_xa'],
    description: 'Commune name (with province_code or --parent)',
  },
  province_code: {
    columns: ['province_code', 'ma_tinh'],
    description: 'Province code (default: --parent)',
  },
} as const;

/** A file record's placement values, for placeInUnits. */
export function readPlace(field: FieldReader, ctx: TargetContext) {
  return {
    commune_code: field('commune_code', (v) => officialCode(v, 5)),
    commune_name: field('commune', text),
    province_code: field('province_code', (v) => officialCode(v, 2)) ?? ctx.parent,
  };
}

export async function placeInUnits(trx: Kysely<DB>, ctx: TargetContext): Promise<void> {
  const run = (q: ReturnType<typeof sql>) => q.execute(trx);
  if (ctx.keyed) {
    await run(sql`
      UPDATE import_stage s SET unit_id = u.id FROM admin_units u WHERE u.slug = s.vals->>'commune' AND ${clean}`);
    await run(sql`
      INSERT INTO import_problems (n, label, field, reason)
      SELECT s.n, s.label, 'commune', 'unknown commune "' || (s.vals->>'commune') || '"'
      FROM import_stage s WHERE s.unit_id IS NULL AND ${clean}`);
    await run(sql`
      INSERT INTO import_problems (n, label, field, reason)
      SELECT s.n, s.label, 'commune', 'must be a commune, district or province, not a village'
      FROM import_stage s JOIN admin_units u ON u.id = s.unit_id WHERE u.level = 'village' AND ${clean}`);
    return;
  }
  const parentOption = ctx.parent;
  await run(sql`
    UPDATE import_stage s SET parent_id = p.id FROM admin_units p
    WHERE p.level = 'province' AND p.valid_to IS NULL AND p.code = s.vals->>'province_code'`);
  await run(sql`
    INSERT INTO import_problems (n, label, field, reason)
    SELECT s.n, s.label, ${parentOption ? '--parent' : 'province_code'},
           'no current province has code ' || (s.vals->>'province_code')
    FROM import_stage s WHERE s.parent_id IS NULL AND s.vals->>'province_code' IS NOT NULL AND ${clean}`);
  await run(sql`
    UPDATE import_stage s SET unit_id = u.id FROM admin_units u
    WHERE u.level = 'commune' AND u.valid_to IS NULL AND u.code = s.vals->>'commune_code' AND ${clean}`);
  await run(sql`
    INSERT INTO import_problems (n, label, field, reason)
    SELECT s.n, s.label, 'commune_code', 'no current commune has code ' || (s.vals->>'commune_code')
    FROM import_stage s WHERE s.unit_id IS NULL AND s.vals->>'commune_code' IS NOT NULL AND ${clean}`);
  await run(sql`
    WITH c AS (
      SELECT s.n, array_agg(u.id) AS ids
      FROM import_stage s JOIN admin_units u
        ON u.level = 'commune' AND u.valid_to IS NULL AND u.name_plain = plain_text(s.vals->>'commune_name')
       AND u.parent_id = s.parent_id
      WHERE s.unit_id IS NULL AND s.vals->>'commune_name' IS NOT NULL AND ${clean}
      GROUP BY s.n
    )
    UPDATE import_stage s SET unit_id = c.ids[1] FROM c WHERE c.n = s.n AND cardinality(c.ids) = 1`);
  await run(sql`
    INSERT INTO import_problems (n, label, field, reason)
    SELECT s.n, s.label, 'commune',
           CASE WHEN s.parent_id IS NULL THEN 'a commune name needs its province: give a province_code column or --parent'
                ELSE 'no single current commune named ' || (s.vals->>'commune_name') || ' in province ' || (s.vals->>'province_code') END
    FROM import_stage s WHERE s.unit_id IS NULL AND s.vals->>'commune_name' IS NOT NULL AND ${clean}`);
  for (const level of ['commune', 'province'] as const)
    await run(sql`
      UPDATE import_stage s SET unit_id = (
        SELECT u.id FROM admin_units u
        WHERE u.level = ${level} AND u.valid_to IS NULL AND u.boundary IS NOT NULL AND ST_Intersects(u.boundary, s.geom)
        ORDER BY ST_Area(u.boundary) LIMIT 1)
      WHERE s.unit_id IS NULL AND s.geom IS NOT NULL AND ${clean}`);
  await run(sql`
    INSERT INTO import_warnings (n, label, field, reason)
    SELECT s.n, s.label, 'geometry', 'the point lies ' || round((ST_Distance(s.geom::geography, u.boundary::geography) / 1000)::numeric, 1)
           || ' km outside the boundary of ' || u.name
    FROM import_stage s JOIN admin_units u ON u.id = s.unit_id
    WHERE u.boundary IS NOT NULL AND NOT ST_DWithin(s.geom::geography, u.boundary::geography, 1000) AND ${clean}`);
}
