/**
 * One view per layer of the registry (server/layers). Each exposes `id`,
 * `geom` (EPSG:4326) and exactly the properties its layer module declares,
 * so feature, tile and analysis SQL can be written once for every layer.
 *
 * Provinces and communes show their boundary when one is known (after an
 * import) and otherwise their seat point; `geometry_kind` says which.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE VIEW layer_countries AS
      SELECT c.id, c.geom, c.iso3, c.name, c.name_vi, c.precision::text AS precision, c.uncertainty_m
      FROM countries c;

    CREATE VIEW layer_provinces AS
      SELECT u.id, COALESCE(u.boundary, u.seat) AS geom, u.code, u.name, u.kind,
             CASE WHEN u.boundary IS NULL THEN 'seat' ELSE 'boundary' END AS geometry_kind,
             COALESCE(u.boundary_precision, u.seat_precision)::text AS precision,
             CASE WHEN u.boundary IS NULL THEN u.seat_uncertainty_m ELSE u.boundary_uncertainty_m END AS uncertainty_m,
             u.valid_from::text AS valid_from
      FROM admin_units u
      WHERE u.level = 'province' AND u.valid_to IS NULL AND COALESCE(u.boundary, u.seat) IS NOT NULL;

    CREATE VIEW layer_communes AS
      SELECT u.id, COALESCE(u.boundary, u.seat) AS geom, u.code, u.name, u.kind,
             p.name AS province, p.code AS province_code,
             CASE WHEN u.boundary IS NULL THEN 'seat' ELSE 'boundary' END AS geometry_kind,
             COALESCE(u.boundary_precision, u.seat_precision)::text AS precision,
             CASE WHEN u.boundary IS NULL THEN u.seat_uncertainty_m ELSE u.boundary_uncertainty_m END AS uncertainty_m,
             u.valid_from::text AS valid_from
      FROM admin_units u
      LEFT JOIN admin_units p ON p.id = u.parent_id
      WHERE u.level = 'commune' AND u.valid_to IS NULL AND COALESCE(u.boundary, u.seat) IS NOT NULL;

    CREATE VIEW layer_border_segments AS
      SELECT s.id, s.geom, s.neighbour, s.part, round((s.length_m / 1000)::numeric, 3)::float8 AS length_km,
             s.precision::text AS precision, s.uncertainty_m
      FROM border_segments s;

    CREATE VIEW layer_border_gates AS
      SELECT g.id, g.geom, g.slug, g.name, g.name_en, g.kind, g.neighbour,
             u.name AS commune, u.code AS commune_code, g.precision::text AS precision, g.uncertainty_m
      FROM border_gates g LEFT JOIN admin_units u ON u.id = g.unit_id;

    CREATE VIEW layer_roads AS
      SELECT r.id, r.geom, r.slug, r.ref, r.name, r.class, array_to_string(r.via, ' – ') AS via,
             r.precision::text AS precision, r.uncertainty_m
      FROM roads r;

    -- Province of a project: walk up from its unit to the province.
    CREATE VIEW project_places AS
      WITH RECURSIVE up AS (
        SELECT p.id AS project_id, u.id AS unit_id, u.parent_id, u.level, 0 AS depth
        FROM projects p JOIN admin_units u ON u.id = p.unit_id
        UNION ALL
        SELECT up.project_id, u.id, u.parent_id, u.level, up.depth + 1
        FROM up JOIN admin_units u ON u.id = up.parent_id
        WHERE up.depth < 5
      )
      SELECT p.id AS project_id,
             (SELECT unit_id FROM up WHERE up.project_id = p.id AND up.level = 'province' LIMIT 1) AS province_id
      FROM projects p;

    CREATE VIEW layer_projects AS
      SELECT p.id, p.geom, p.slug, p.name, p.name_en, p.category, p.investment_bn_vnd::float8 AS investment_bn_vnd,
             p.investment_qualifier, p.funding, p.start_year, p.end_year, p.status, p.area_m2::float8 AS area_m2,
             u.name AS commune, u.code AS commune_code, pr.name AS province, pr.code AS province_code,
             p.precision::text AS precision, p.uncertainty_m
      FROM projects p
      JOIN admin_units u ON u.id = p.unit_id
      JOIN project_places pp ON pp.project_id = p.id
      LEFT JOIN admin_units pr ON pr.id = pp.province_id;

    CREATE VIEW layer_markets AS
      SELECT lp.*, m.kiosks, m.floors_min, m.floors_max, m.floor_area_m2::float8 AS floor_area_m2
      FROM layer_projects lp JOIN market_details m ON m.project_id = lp.id
      WHERE lp.category = 'market';

    CREATE VIEW layer_industrial_parks AS
      SELECT lp.*, d.hectares::float8 AS hectares, d.phase, d.phase_hectares::float8 AS phase_hectares,
             d.occupancy_pct::float8 AS occupancy_pct, d.enterprises, d.workers, d.investor,
             d.enterprise_investment_bn_vnd::float8 AS enterprise_investment_bn_vnd,
             d.state_support_bn_vnd::float8 AS state_support_bn_vnd,
             d.target_enterprises, d.target_workers, d.levelled_pct::float8 AS levelled_pct,
             d.next_phase_hectares::float8 AS next_phase_hectares
      FROM layer_projects lp JOIN industrial_park_details d ON d.project_id = lp.id
      WHERE lp.category = 'industrial_park';

    -- Everything a place search can find: units of every level and period,
    -- and named features. Units that no longer exist keep their end date.
    CREATE VIEW search_entries AS
      SELECT 'unit'::text AS entity, u.id, u.name, u.name_plain, u.kind, u.level,
             CASE u.level WHEN 'province' THEN 'provinces' WHEN 'commune' THEN 'communes' END AS layer,
             u.seat AS point, u.code, u.valid_to
      FROM admin_units u
      UNION ALL
      SELECT 'feature', p.id, p.name, p.name_plain, p.category, 'feature',
             CASE p.category WHEN 'market' THEN 'markets' WHEN 'industrial_park' THEN 'industrial-parks' ELSE 'projects' END,
             p.geom, NULL, NULL
      FROM projects p
      UNION ALL
      SELECT 'feature', g.id, g.name, g.name_plain, g.kind, 'feature', 'border-gates', g.geom, NULL, NULL
      FROM border_gates g
      UNION ALL
      SELECT 'feature', r.id, r.name, plain_text(concat_ws(' ', r.ref, r.name)), r.class, 'feature', 'roads',
             ST_LineInterpolatePoint(r.geom, 0.5), r.ref, NULL
      FROM roads r;
  `.execute(db);
}
