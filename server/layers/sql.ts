/**
 * SQL the layer modules share: how a project or border gate (alias `p`, with
 * `unit_id`) reaches its unit `u0` (commune, or the district/province a wide
 * programme is attached to) and its current province `pr`. Units nest at
 * most four deep (village → commune → district → province), as in the
 * project_places view; a project attached to a unit of before the 2025
 * reform reaches a former province (old Lào Cai, code 10), which is
 * replaced by the province that took it over (Lào Cai, code 15), so that
 * statistics by province add up per province of today.
 */
import { sql } from 'kysely';

export const projectPlaceJoins = sql`
  LEFT JOIN admin_units u0 ON u0.id = p.unit_id
  LEFT JOIN admin_units u1 ON u1.id = u0.parent_id
  LEFT JOIN admin_units u2 ON u2.id = u1.parent_id
  LEFT JOIN admin_units u3 ON u3.id = u2.parent_id
  LEFT JOIN admin_units pr0 ON pr0.id = CASE 'province'
    WHEN u0.level THEN u0.id WHEN u1.level THEN u1.id WHEN u2.level THEN u2.id WHEN u3.level THEN u3.id END
  LEFT JOIN (SELECT unit_id, min(successor_id) AS successor_id FROM unit_successors GROUP BY unit_id) prs
    ON prs.unit_id = pr0.id AND pr0.valid_to IS NOT NULL
  LEFT JOIN admin_units pr ON pr.id = COALESCE(prs.successor_id, pr0.id)`;

/**
 * The place and precision columns a point layer's analysis rows end with
 * (after `projectPlaceJoins`), and their property names in the same order.
 */
export const placeColumns = sql`u0.name AS commune, u0.code AS commune_code, pr.name AS province,
  pr.code AS province_code, p.precision::text AS precision, p.uncertainty_m::float8 AS uncertainty_m`;
export const placeProperties = [
  'commune',
  'commune_code',
  'province',
  'province_code',
  'precision',
  'uncertainty_m',
] as const;

/** Search rows of the administrative units of one level, of every period. */
export function unitSearch(level: string) {
  return sql`SELECT u.id, u.name, u.name_plain, u.kind, u.level, u.code, u.seat AS point, u.valid_to
    FROM admin_units u WHERE u.level = ${level}`;
}
