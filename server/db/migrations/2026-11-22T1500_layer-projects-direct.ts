/**
 * layer_projects without the join back to projects through project_places.
 *
 * Reading the view joined projects to itself (p ⋈ project_places ⋈ p): a
 * page deep in the 100,000 benchmark projects (ORDER BY id OFFSET 90000)
 * hashed and sorted the whole set, ~0.8 s a page. Walking up from the
 * project's own unit with the same fixed chain of primary-key joins as
 * project_places gives the same columns; left joins whose columns a query
 * does not use are then dropped by the planner, so `SELECT id … ORDER BY id`
 * is an index scan plus one lookup per row.
 *
 * Same columns and types, so CREATE OR REPLACE keeps layer_markets and
 * layer_industrial_parks, which select from it. project_places stays for
 * whoever reads it.
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
      LEFT JOIN admin_units pr ON pr.id = CASE 'province'
                                            WHEN u.level THEN u.id
                                            WHEN u1.level THEN u1.id
                                            WHEN u2.level THEN u2.id
                                            WHEN u3.level THEN u3.id
                                            WHEN u4.level THEN u4.id
                                          END;
  `.execute(db);
}
