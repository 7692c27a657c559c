/**
 * Investment projects (markets and industrial parks included): one point
 * each, placed in a commune (place.ts). A market or industrial park also gets
 * its details row, so it shows on the markets / industrial-parks layers.
 */
import { sql } from 'kysely';
import { CATEGORIES, FUNDING, QUALIFIERS, STATUS } from '../../layers/project-properties.ts';
import { clean } from '../stage.ts';
import { FieldError, nonNegative, officialCode, oneOf, text, year } from '../values.ts';
import { noteField, precisionFields, readPrecision, required } from './common.ts';
import { idField, linkTargets, readKey, seededConflicts, slugFromGeometry } from './features.ts';
import { placeInUnits } from './place.ts';
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
      commune_code: { columns: ['commune_code', 'ma_xa'], description: 'Official code of the commune' },
      commune: {
        columns: ['commune', 'xa', 'ten_xa'],
        description: 'Commune name (with province_code or --parent)',
      },
      province_code: {
        columns: ['province_code', 'ma_tinh'],
        description: 'Province code (default: --parent)',
      },
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
    parse(get, field, ctx, warn) {
      const { key, slug } = readKey(get, field, ctx);
      const name = field('name', required);
      let category = field('category', (v) => oneOf(v, CATEGORIES, categoryAliases));
      if (category === null && get('category') === undefined) {
        category = 'other';
        warn('category', 'no category: stored as other');
      }
      const investment = field('investment_bn_vnd', nonNegative);
      const qualifier =
        field('investment_qualifier', (v) => oneOf(v, QUALIFIERS)) ?? (investment === null ? null : 'exact');
      const start = field('start_year', year);
      const end = field('end_year', year);
      if (start !== null && end !== null && end < start)
        field('end_year', () => {
          throw new FieldError(`${end} is before start_year ${start}`);
        });
      return {
        key,
        slug,
        name: key ?? name,
        vals: {
          name,
          name_en: field('name_en', text),
          category,
          investment_bn_vnd: investment,
          investment_qualifier: qualifier,
          funding: field('funding', (v) => oneOf(v, FUNDING, FUNDING_ALIASES)),
          start_year: start,
          end_year: end,
          status: field('status', (v) => oneOf(v, STATUS, STATUS_ALIASES)),
          area_m2: field('area_m2', nonNegative),
          commune_code: field('commune_code', (v) => officialCode(v, 5)),
          commune: field('commune', text),
          province_code: field('province_code', (v) => officialCode(v, 2)) ?? ctx.parent,
          kiosks: field('kiosks', nonNegative),
          hectares: field('hectares', nonNegative),
          note: field('note', text),
          ...readPrecision(field, ctx),
        },
      };
    },
    async resolve(trx, ctx) {
      await placeInUnits(trx, ctx.parent);
      await sql`
        INSERT INTO import_problems (n, label, field, reason)
        SELECT s.n, s.label, 'commune_code',
               'cannot place this project: give a commune_code (ma_xa) or commune name column, or import commune boundaries first'
        FROM import_stage s WHERE s.unit_id IS NULL AND ${clean}`.execute(trx);
      await slugFromGeometry(ctx.sourceId).execute(trx);
      await seededConflicts('projects').execute(trx);
    },
    async write(trx) {
      const v = (k: string) => sql`(s.vals->>${k})`;
      const { rows } = await sql<{ inserted: boolean }>`
        INSERT INTO projects AS p (slug, name, name_en, category, investment_bn_vnd, investment_qualifier, funding,
          start_year, end_year, status, area_m2, unit_id, geom, precision, uncertainty_m, origin, note)
        SELECT s.slug, ${v('name')}, ${v('name_en')}, ${v('category')}, ${v('investment_bn_vnd')}::numeric,
          ${v('investment_qualifier')}, ${v('funding')}, ${v('start_year')}::int, ${v('end_year')}::int, ${v('status')},
          ${v('area_m2')}::numeric, s.unit_id, s.geom, ${v('precision')}::location_precision,
          ${v('uncertainty_m')}::real, 'import', ${v('note')}
        FROM import_stage s WHERE ${clean} ORDER BY s.n
        ON CONFLICT (slug) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, category = excluded.category,
          investment_bn_vnd = excluded.investment_bn_vnd, investment_qualifier = excluded.investment_qualifier,
          funding = excluded.funding, start_year = excluded.start_year, end_year = excluded.end_year,
          status = excluded.status, area_m2 = excluded.area_m2, unit_id = excluded.unit_id, geom = excluded.geom,
          precision = excluded.precision, uncertainty_m = excluded.uncertainty_m, note = excluded.note
        WHERE p.origin = 'import' AND (p.name, p.name_en, p.category, p.investment_bn_vnd, p.investment_qualifier,
            p.funding, p.start_year, p.end_year, p.status, p.area_m2, p.unit_id, p.geom, p.precision,
            p.uncertainty_m, p.note)
          IS DISTINCT FROM (excluded.name, excluded.name_en, excluded.category, excluded.investment_bn_vnd,
            excluded.investment_qualifier, excluded.funding, excluded.start_year, excluded.end_year, excluded.status,
            excluded.area_m2, excluded.unit_id, excluded.geom, excluded.precision, excluded.uncertainty_m, excluded.note)
        RETURNING (xmax = 0) AS inserted`.execute(trx);
      await linkTargets('projects').execute(trx);
      const markets = await sql`
        INSERT INTO market_details AS d (project_id, kiosks)
        SELECT s.target_id, ${v('kiosks')}::int FROM import_stage s
        WHERE s.vals->>'category' = 'market' AND ${clean}
        ON CONFLICT (project_id) DO UPDATE SET kiosks = excluded.kiosks
        WHERE d.kiosks IS DISTINCT FROM excluded.kiosks`.execute(trx);
      const parks = await sql`
        INSERT INTO industrial_park_details AS d (project_id, hectares)
        SELECT s.target_id, ${v('hectares')}::numeric FROM import_stage s
        WHERE s.vals->>'category' = 'industrial_park' AND ${clean}
        ON CONFLICT (project_id) DO UPDATE SET hectares = excluded.hectares
        WHERE d.hectares IS DISTINCT FROM excluded.hectares`.execute(trx);
      // A project that is no longer a market (or park) loses its details row.
      const dropped = await sql`
        WITH m AS (
          DELETE FROM market_details d USING import_stage s
          WHERE d.project_id = s.target_id AND s.vals->>'category' <> 'market' AND ${clean} RETURNING 1
        ), i AS (
          DELETE FROM industrial_park_details d USING import_stage s
          WHERE d.project_id = s.target_id AND s.vals->>'category' <> 'industrial_park' AND ${clean} RETURNING 1
        )
        SELECT (SELECT count(*) FROM m) + (SELECT count(*) FROM i) AS n`.execute(trx);
      const inserted = rows.filter((r) => r.inserted).length;
      const details =
        Number(markets.numAffectedRows ?? 0) +
        Number(parks.numAffectedRows ?? 0) +
        Number((dropped.rows[0] as { n: number }).n);
      return { inserted, updated: rows.length - inserted, details };
    },
  };
}
