/**
 * Border gates: one point each. The neighbouring country comes from the
 * file, else from the nearest border segment (within 30 km); the commune
 * from its code, name or boundary (place.ts), and may stay unknown.
 */
import { sql } from 'kysely';
import { GATE_KINDS, importedGate, NEIGHBOURS } from '../schema.ts';
import { clean } from '../stage.ts';
import { canonical, text } from '../values.ts';
import { noteField, precisionFields, readPrecision, validate } from './common.ts';
import { foreignConflicts, idField, linkTargets, readKey, slugFromGeometry, v } from './features.ts';
import { placeFields, placeInUnits, readPlace } from './place.ts';
import type { Target } from './types.ts';

const KINDS = GATE_KINDS;
const KIND_ALIASES: Record<string, (typeof KINDS)[number]> = {
  'quốc tế': 'international',
  'cửa khẩu quốc tế': 'international',
  chính: 'main',
  'cửa khẩu chính': 'main',
  'song phương': 'main',
  phụ: 'secondary',
  'cửa khẩu phụ': 'secondary',
  'lối mở': 'secondary',
};
const NEIGHBOUR_ALIASES: Record<string, (typeof NEIGHBOURS)[number]> = {
  china: 'CHN',
  'trung quốc': 'CHN',
  cn: 'CHN',
  laos: 'LAO',
  lào: 'LAO',
  la: 'LAO',
  cambodia: 'KHM',
  campuchia: 'KHM',
  kh: 'KHM',
};

export function gatesTarget(): Target {
  return {
    layer: 'border-gates',
    entity: 'border_gate',
    table: 'border_gates',
    geometry: 'point',
    keyField: 'id',
    fields: {
      ...idField,
      name: { columns: ['name', 'ten', 'ten_cua_khau'], description: 'Name' },
      name_en: { columns: ['name_en'], description: 'Name in English' },
      kind: { columns: ['kind', 'loai', 'cap'], description: `${KINDS.join(', ')} (quốc tế, chính, phụ)` },
      neighbour: {
        columns: ['neighbour', 'neighbor', 'country', 'quoc_gia', 'nuoc'],
        description: `${NEIGHBOURS.join(', ')} (default: the nearest border segment's)`,
      },
      ...placeFields,
      ...precisionFields,
      ...noteField,
    },
    parse(get, field, ctx, _warn, fail) {
      const { key, slug } = readKey(get, field, ctx);
      const name = field('name', text);
      const vals = {
        name,
        name_en: field('name_en', text),
        kind: field('kind', (v) => canonical(v, KINDS, KIND_ALIASES)),
        neighbour: field('neighbour', (v) => canonical(v, NEIGHBOURS, NEIGHBOUR_ALIASES)),
        ...readPlace(field, ctx),
        note: field('note', text),
        ...readPrecision(field, ctx),
      };
      validate(importedGate, vals, fail);
      return { key, slug, name: key ?? name, vals };
    },
    async resolve(trx, ctx) {
      await placeInUnits(trx, ctx);
      await sql`
        UPDATE import_stage s SET vals = s.vals || jsonb_build_object('neighbour', (
          SELECT b.neighbour FROM border_segments b
          WHERE ST_DWithin(b.geom::geography, s.geom::geography, 30000)
          ORDER BY b.geom::geography <-> s.geom::geography LIMIT 1))
        WHERE s.vals->>'neighbour' IS NULL AND ${clean}`.execute(trx);
      await sql`
        INSERT INTO import_problems (n, label, field, reason)
        SELECT s.n, s.label, 'neighbour', 'missing, and no border segment within 30 km to take it from'
        FROM import_stage s WHERE s.vals->>'neighbour' IS NULL AND ${clean}`.execute(trx);
      await slugFromGeometry(ctx.sourceId).execute(trx);
      await foreignConflicts('border_gates', ctx).execute(trx);
    },
    async write(trx, ctx) {
      const { rows } = await sql<{ inserted: boolean }>`
        INSERT INTO border_gates AS g (slug, name, name_en, kind, neighbour, unit_id, geom, precision, uncertainty_m, origin, note)
        SELECT s.slug, ${v('name')}, ${v('name_en')}, ${v('kind')}, ${v('neighbour')}, s.unit_id, s.geom,
          ${v('precision')}::location_precision, ${v('uncertainty_m')}::real, ${ctx.origin}, ${v('note')}
        FROM import_stage s WHERE ${clean} ORDER BY s.n
        ON CONFLICT (slug) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, kind = excluded.kind,
          neighbour = excluded.neighbour, unit_id = excluded.unit_id, geom = excluded.geom,
          precision = excluded.precision, uncertainty_m = excluded.uncertainty_m, note = excluded.note
        WHERE g.origin = ${ctx.origin} AND (g.name, g.name_en, g.kind, g.neighbour, g.unit_id, g.geom, g.precision,
            g.uncertainty_m, g.note)
          IS DISTINCT FROM (excluded.name, excluded.name_en, excluded.kind, excluded.neighbour, excluded.unit_id,
            excluded.geom, excluded.precision, excluded.uncertainty_m, excluded.note)
        RETURNING (xmax = 0) AS inserted`.execute(trx);
      await linkTargets('border_gates').execute(trx);
      const inserted = rows.filter((r) => r.inserted).length;
      return { inserted, updated: rows.length - inserted };
    },
  };
}
