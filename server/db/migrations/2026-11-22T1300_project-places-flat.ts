/**
 * project_places without recursion.
 *
 * The first version walked up admin_units with a recursive CTE over every
 * project and then looked each project up in it by a correlated subquery:
 * PostgreSQL materialises the CTE and scans it once per row, so reading
 * layer_projects cost O(projects²) (minutes for the 100,000 benchmark
 * projects, ~0.4 s even for one project by id). Units nest at most four deep
 * (village → commune → district → province), so a fixed chain of joins on
 * the primary key finds the province, stays inlinable, and lets a filter or
 * LIMIT on layer_projects reach the projects table.
 *
 * Same columns and types as before, so CREATE OR REPLACE keeps the views
 * that depend on it.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE VIEW project_places AS
      SELECT p.id AS project_id,
             CASE 'province'
               WHEN u0.level THEN u0.id
               WHEN u1.level THEN u1.id
               WHEN u2.level THEN u2.id
               WHEN u3.level THEN u3.id
               WHEN u4.level THEN u4.id
             END AS province_id
      FROM projects p
      JOIN admin_units u0 ON u0.id = p.unit_id
      LEFT JOIN admin_units u1 ON u1.id = u0.parent_id
      LEFT JOIN admin_units u2 ON u2.id = u1.parent_id
      LEFT JOIN admin_units u3 ON u3.id = u2.parent_id
      LEFT JOIN admin_units u4 ON u4.id = u3.parent_id;
  `.execute(db);
}
