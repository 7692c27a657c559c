/**
 * How the source states a figure, for the figures that had no place for it.
 *
 * - projects.figure_qualifiers: a JSON object from a figure's name (`area_m2`
 *   or a details key such as `state_support_bn_vnd`) to exact/about/nearly/
 *   over, as investment_qualifier already does for the investment. A figure
 *   not named in it is exact. Imports that do not set it store '{}'.
 * - indicators.qualifier gains `up_to` ("as much as"), which is neither a
 *   lower bound (over) nor an upper one (under).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE projects ADD COLUMN figure_qualifiers jsonb NOT NULL DEFAULT '{}'::jsonb
      CONSTRAINT projects_figure_qualifiers_check CHECK (
        jsonb_typeof(figure_qualifiers) = 'object'
        AND NOT jsonb_path_exists(figure_qualifiers, '$.* ? (@ != "exact" && @ != "about" && @ != "nearly" && @ != "over")')
      );

    ALTER TABLE indicators DROP CONSTRAINT indicators_qualifier_check;
    ALTER TABLE indicators ADD CONSTRAINT indicators_qualifier_check
      CHECK (qualifier IN ('exact', 'about', 'nearly', 'over', 'under', 'up_to'));
  `.execute(db);
}
