/**
 * Where the analysis reads the point layers of the registry, and how it
 * names a project's commune and province.
 *
 * The layer views (layer_projects, layer_markets...) say what each layer is,
 * but a join through them cannot reach the GiST index: on the 100,000
 * benchmark projects a spatial join to layer_projects ran a nested loop
 * over the whole view (28 s for 10 km) and an id lookup of 12,000 projects
 * hashed the whole view (1 s). So the spatial stage reads the base tables
 * with the same row filter as the view (same category, same details join),
 * and properties are joined by primary key afterwards. The `layer views
 * match these sources` test keeps the two in step.
 */
import { type RawBuilder, sql } from 'kysely';
import type { PointSource } from './border-distance.ts';

/** Point layers a near-border query can measure, by layer id. */
export const POINT_LAYERS = ['projects', 'markets', 'industrial-parks', 'border-gates'] as const;
export type PointLayer = (typeof POINT_LAYERS)[number];

/** The project kinds, i.e. the layers whose features carry an investment. */
export const PROJECT_LAYERS: readonly PointLayer[] = ['projects', 'markets', 'industrial-parks'];

const selects: Record<PointLayer, RawBuilder<unknown>> = {
  projects: sql`SELECT p.id, p.name, p.geom FROM projects p`,
  markets: sql`SELECT p.id, p.name, p.geom FROM projects p
    WHERE p.category = 'market' AND EXISTS (SELECT 1 FROM market_details d WHERE d.project_id = p.id)`,
  'industrial-parks': sql`SELECT p.id, p.name, p.geom FROM projects p
    WHERE p.category = 'industrial_park' AND EXISTS (SELECT 1 FROM industrial_park_details d WHERE d.project_id = p.id)`,
  'border-gates': sql`SELECT g.id, g.name, g.geom FROM border_gates g`,
};

export function pointSource(layer: PointLayer): PointSource {
  return { layer, select: selects[layer] };
}

/**
 * Joins that give a project or border gate (alias `p`, with `unit_id`) its
 * unit `u0` (commune, or the district/province a wide programme is attached
 * to) and its current province `pr`. Units nest at most four deep (village →
 * commune → district → province), as in the project_places view; a project
 * attached to a unit of before the 2025 reform reaches a former province
 * (old Lào Cai, code 10), which is replaced by the province that took it
 * over (Lào Cai, code 15), so that statistics by province add up per
 * province of today.
 */
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
