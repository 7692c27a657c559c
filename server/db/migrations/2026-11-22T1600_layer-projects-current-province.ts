/**
 * layer_projects names today's province. A project attached to a unit that
 * ended in the 2025 reform (the old Mường Khương district, under the old Lào
 * Cai province, code 10) walked up to that old province; it now follows the
 * province's successor (Lào Cai, code 15), as the statistics do.
 *
 * Same columns and types, so CREATE OR REPLACE keeps the views built on it.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE VIEW layer_projects AS
      SELECT p.id, p.geom, p.slug, p.name, p.name_en, p.category, p.investment_bn_vnd::float8 AS investment_bn_vnd,
             p.investment_qualifier, p.funding, p.start_year, p.end_year, p.status, p.area_m2::float8 AS area_m2,
             u.name AS commune, u.code AS commune_code, pr.name AS province, pr.code AS province_code,
             p.precision::text AS precision, p.uncertainty_m
      FROM projects p
      JOIN admin_units u ON u.id = p.unit_id
      LEFT JOIN admin_units u1 ON u1.id = u.parent_id
      LEFT JOIN admin_units u2 ON u2.id = u1.parent_id
      LEFT JOIN admin_units u3 ON u3.id = u2.parent_id
      LEFT JOIN admin_units u4 ON u4.id = u3.parent_id
      LEFT JOIN admin_units p0 ON p0.id = CASE 'province'
                                            WHEN u.level THEN u.id
                                            WHEN u1.level THEN u1.id
                                            WHEN u2.level THEN u2.id
                                            WHEN u3.level THEN u3.id
                                            WHEN u4.level THEN u4.id
                                          END
      LEFT JOIN LATERAL (
        SELECT s.successor_id FROM unit_successors s
        WHERE p0.valid_to IS NOT NULL AND s.unit_id = p0.id ORDER BY s.successor_id LIMIT 1
      ) ps ON true
      LEFT JOIN admin_units pr ON pr.id = COALESCE(ps.successor_id, p0.id);
  `.execute(db);
}
