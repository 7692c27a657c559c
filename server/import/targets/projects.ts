/**
 * Investment projects (markets and industrial parks included): one point
 * each, placed in a commune (place.ts). A market or industrial park also gets
 * its details row, so it shows on the markets / industrial-parks layers.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import { CATEGORIES, FUNDING, QUALIFIERS, STATUS } from '../../layers/project-properties.ts';
import { importedProject } from '../schema.ts';
import { clean } from '../stage.ts';
import { canonical, num, text } from '../values.ts';
import { noteField, precisionFields, readPrecision, validate } from './common.ts';
import { foreignConflicts, idField, linkTargets, readKey, slugFromGeometry, v } from './features.ts';
import { placeFields, placeInUnits, readPlace } from './place.ts';
import type { Target } from './types.ts';

const FUNDING_ALIASES: Record<string, (typeof FUNDING)[number]> = {
  'ngân sách': 'state_budget',
  'ngân sách nhà nước': 'state_budget',
  'ngoài ngân sách': 'non_budget',
  'tín dụng': 'credit',
  'xã hội hóa': 'socialised',
  'xã hội hoá': 'socialised',
  'tài trợ': 'sponsor',
  'hỗn hợp': 'mixed',
};
const STATUS_ALIASES: Record<string, (typeof STATUS)[number]> = {
  'kế hoạch': 'planned',
  'chuẩn bị đầu tư': 'planned',
  'đã cấp phép': 'licensed',
  'đang xây dựng': 'under_construction',
  'đang thi công': 'under_construction',
  'hoàn thành': 'completed',
  'đã hoàn thành': 'completed',
  'đang hoạt động': 'operating',
  'vận hành': 'operating',
};

export function projectsTarget(): Target {
  // Category names in Vietnamese and English, from project_categories (prepare).
  let categoryAliases: Record<string, (typeof CATEGORIES)[number]> = {};
  return {
    layer: 'projects',
    entity: 'project',
    table: 'projects',
    geometry: 'point',
    keyField: 'id',
    fields: {
      ...idField,
      name: { columns: ['name', 'ten', 'ten_du_an', 'project'], description: 'Name' },
      name_en: { columns: ['name_en', 'ten_tieng_anh'], description: 'Name in English' },
      category: {
        columns: ['category', 'loai', 'linh_vuc', 'nhom'],
        description: `One of ${CATEGORIES.join(', ')}, or its Vietnamese/English name (default: other)`,
      },
      investment_bn_vnd: {
        columns: ['investment_bn_vnd', 'von_ty_dong', 'tong_von', 'investment', 'von'],
        description: 'Total investment, billion VND',
      },
      investment_qualifier: {
        columns: ['investment_qualifier'],
        description: `${QUALIFIERS.join(', ')} (default: exact when an investment is given)`,
      },
      funding: { columns: ['funding', 'nguon_von'], description: FUNDING.join(', ') },
      start_year: { columns: ['start_year', 'nam_bat_dau', 'year', 'nam'], description: 'Year started' },
      end_year: { columns: ['end_year', 'nam_hoan_thanh', 'nam_ket_thuc'], description: 'Year finished' },
      status: { columns: ['status', 'trang_thai', 'tinh_trang'], description: STATUS.join(', ') },
      area_m2: { columns: ['area_m2', 'dien_tich_m2'], description: 'Area, m²' },
      ...placeFields,
      kiosks: { columns: ['kiosks', 'so_kiot'], description: 'Markets: number of kiosks' },
      hectares: { columns: ['hectares', 'dien_tich_ha'], description: 'Industrial parks: area, ha' },
      ...precisionFields,
      ...noteField,
    },
    async prepare(trx) {
      const { rows } = await sql<{ id: (typeof CATEGORIES)[number]; name_en: string; name_vi: string }>`
        SELECT id, name_en, name_vi FROM project_categories`.execute(trx);
      categoryAliases = Object.fromEntries(
        rows.flatMap((r) => [
          [r.name_en, r.id],
          [r.name_vi, r.id],
        ]),
      );
    },
    parse(get, field, ctx, warn, fail) {
      const { key, slug } = readKey(get, field, ctx);
      const name = field('name', text);
      let category = field('category', (v) => canonical(v, CATEGORIES, categoryAliases));
      if (category === null && get('category') === undefined) {
        category = 'other';
        warn('category', 'no category: stored as other');
      }
      const investment = field('investment_bn_vnd', num);
      const qualifier =
        field('investment_qualifier', (v) => canonical(v, QUALIFIERS)) ??
        (investment === null ? null : 'exact');
      // The detail fields a file may carry; data/ and the API give them all.
      const details: Record<string, number> = {};
      const kiosks = category === 'market' ? field('kiosks', num) : null;
      const hectares = category === 'industrial_park' ? field('hectares', num) : null;
      if (kiosks !== null) details.kiosks = kiosks;
      if (hectares !== null) details.hectares = hectares;
      const vals = {
        name,
        name_en: field('name_en', text),
        category,
        investment_bn_vnd: investment,
        investment_qualifier: qualifier,
        funding: field('funding', (v) => canonical(v, FUNDING, FUNDING_ALIASES)),
        start_year: field('start_year', num),
        end_year: field('end_year', num),
        status: field('status', (v) => canonical(v, STATUS, STATUS_ALIASES)),
        area_m2: field('area_m2', num),
        details,
        ...readPlace(field, ctx),
        note: field('note', text),
        ...readPrecision(field, ctx),
      };
      validate(importedProject, vals, fail);
      return { key, slug, name: key ?? name, vals };
    },
    async resolve(trx, ctx) {
      await placeInUnits(trx, ctx);
      await sql`
        INSERT INTO import_problems (n, label, field, reason)
        SELECT s.n, s.label, 'commune_code',
               'cannot place this project: give a commune_code (ma_xa) or commune name column, or import commune boundaries first'
        FROM import_stage s WHERE s.unit_id IS NULL AND ${clean}`.execute(trx);
      await sql`
        INSERT INTO import_problems (n, label, field, reason)
        SELECT s.n, s.label, 'commune_as_named', 'unknown commune "' || (s.vals->>'commune_as_named') || '"'
        FROM import_stage s WHERE s.vals->>'commune_as_named' IS NOT NULL AND ${clean}
          AND NOT EXISTS (SELECT 1 FROM admin_units u WHERE u.slug = s.vals->>'commune_as_named')`.execute(
        trx,
      );
      await slugFromGeometry(ctx.sourceId).execute(trx);
      await foreignConflicts('projects', ctx).execute(trx);
    },
    async write(trx, ctx) {
      const { rows } = await sql<{ inserted: boolean }>`
        INSERT INTO projects AS p (slug, name, name_en, category, investment_bn_vnd, investment_qualifier, funding,
          start_year, end_year, status, area_m2, figure_qualifiers, unit_id, unit_as_named_id, geom, precision, uncertainty_m,
          origin, note)
        SELECT s.slug, ${v('name')}, ${v('name_en')}, ${v('category')}, ${v('investment_bn_vnd')}::numeric,
          ${v('investment_qualifier')}, ${v('funding')}, ${v('start_year')}::int, ${v('end_year')}::int, ${v('status')},
          ${v('area_m2')}::numeric, COALESCE(s.vals->'figure_qualifiers', '{}'), s.unit_id, n.id, s.geom, ${v('precision')}::location_precision,
          ${v('uncertainty_m')}::real, ${ctx.origin}, ${v('note')}
        FROM import_stage s LEFT JOIN admin_units n ON n.slug = s.vals->>'commune_as_named'
        WHERE ${clean} ORDER BY s.n
        ON CONFLICT (slug) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, category = excluded.category,
          investment_bn_vnd = excluded.investment_bn_vnd, investment_qualifier = excluded.investment_qualifier,
          funding = excluded.funding, start_year = excluded.start_year, end_year = excluded.end_year,
          status = excluded.status, area_m2 = excluded.area_m2, figure_qualifiers = excluded.figure_qualifiers,
          unit_id = excluded.unit_id,
          unit_as_named_id = excluded.unit_as_named_id, geom = excluded.geom,
          precision = excluded.precision, uncertainty_m = excluded.uncertainty_m, note = excluded.note
        WHERE p.origin = ${ctx.origin} AND (p.name, p.name_en, p.category, p.investment_bn_vnd, p.investment_qualifier,
            p.funding, p.start_year, p.end_year, p.status, p.area_m2, p.figure_qualifiers, p.unit_id, p.unit_as_named_id, p.geom, p.precision,
            p.uncertainty_m, p.note)
          IS DISTINCT FROM (excluded.name, excluded.name_en, excluded.category, excluded.investment_bn_vnd,
            excluded.investment_qualifier, excluded.funding, excluded.start_year, excluded.end_year, excluded.status,
            excluded.area_m2, excluded.figure_qualifiers, excluded.unit_id, excluded.unit_as_named_id, excluded.geom, excluded.precision,
            excluded.uncertainty_m, excluded.note)
        RETURNING (xmax = 0) AS inserted`.execute(trx);
      await linkTargets('projects').execute(trx);
      const inserted = rows.filter((r) => r.inserted).length;
      return { inserted, updated: rows.length - inserted, details: await writeDetails(trx) };
    },
  };
}

/**
 * A project's details: a market's or an industrial park's row, other
 * kinds' figures (project_figures). A project that changed kind loses the
 * details of its old kind. Returns how many detail rows changed.
 */
async function writeDetails(trx: Kysely<DB>): Promise<number> {
  const n = (r: { numAffectedRows?: bigint }) => Number(r.numAffectedRows ?? 0);
  const kind = (k: string) => sql`s.vals->>'category' = ${k} AND ${clean}`;
  const markets = await sql`
    INSERT INTO market_details AS d (project_id, kiosks, floors_min, floors_max, floor_area_m2)
    SELECT s.target_id, r.kiosks, r.floors_min, r.floors_max, r.floor_area_m2
    FROM import_stage s, jsonb_to_record(s.vals->'details') AS r(kiosks int, floors_min int, floors_max int,
      floor_area_m2 numeric)
    WHERE ${kind('market')}
    ON CONFLICT (project_id) DO UPDATE SET kiosks = excluded.kiosks, floors_min = excluded.floors_min,
      floors_max = excluded.floors_max, floor_area_m2 = excluded.floor_area_m2
    WHERE (d.kiosks, d.floors_min, d.floors_max, d.floor_area_m2)
      IS DISTINCT FROM (excluded.kiosks, excluded.floors_min, excluded.floors_max, excluded.floor_area_m2)`.execute(
    trx,
  );
  const parkColumns = [
    'hectares',
    'phase',
    'phase_hectares',
    'occupancy_pct',
    'enterprises',
    'enterprise_investment_bn_vnd',
    'workers',
    'investor',
    'state_support_bn_vnd',
    'target_enterprises',
    'target_workers',
    'levelled_pct',
    'next_phase_hectares',
  ];
  const cols = sql.raw(parkColumns.join(', '));
  const parks = await sql`
    INSERT INTO industrial_park_details AS d (project_id, ${cols})
    SELECT s.target_id, ${sql.raw(parkColumns.map((c) => `r.${c}`).join(', '))}
    FROM import_stage s, jsonb_populate_record(NULL::industrial_park_details, s.vals->'details') AS r
    WHERE ${kind('industrial_park')}
    ON CONFLICT (project_id) DO UPDATE SET ${sql.raw(parkColumns.map((c) => `${c} = excluded.${c}`).join(', '))}
    WHERE (${sql.raw(parkColumns.map((c) => `d.${c}`).join(', '))})
      IS DISTINCT FROM (${sql.raw(parkColumns.map((c) => `excluded.${c}`).join(', '))})`.execute(trx);
  const figures = sql`(SELECT s.target_id, f.key, f.value::numeric AS value
    FROM import_stage s, jsonb_each_text(s.vals->'details') AS f(key, value)
    WHERE s.vals->>'category' NOT IN ('market', 'industrial_park') AND ${clean})`;
  const staleFigures = await sql`
    DELETE FROM project_figures d USING import_stage s
    WHERE d.project_id = s.target_id AND ${clean}
      AND (d.project_id, d.key, d.value) NOT IN ${figures}`.execute(trx);
  const newFigures = await sql`
    INSERT INTO project_figures AS d (project_id, key, value) SELECT * FROM ${figures} f
    ON CONFLICT (project_id, key) DO NOTHING`.execute(trx);
  const dropped = await sql`
    WITH m AS (
      DELETE FROM market_details d USING import_stage s
      WHERE d.project_id = s.target_id AND s.vals->>'category' <> 'market' AND ${clean} RETURNING 1
    ), i AS (
      DELETE FROM industrial_park_details d USING import_stage s
      WHERE d.project_id = s.target_id AND s.vals->>'category' <> 'industrial_park' AND ${clean} RETURNING 1
    )
    SELECT (SELECT count(*) FROM m) + (SELECT count(*) FROM i) AS n`.execute(trx);
  return (
    n(markets) + n(parks) + n(staleFigures) + n(newFigures) + Number((dropped.rows[0] as { n: number }).n)
  );
}
