/**
 * Roads: one LineString each (a MultiLineString whose parts join up is
 * merged). The class comes from the file, else from the route number
 * (QL → national, ĐT → provincial, CT → expressway), else 'rural' with a
 * warning.
 */
import { sql } from 'kysely';
import { importedRoad, ROAD_CLASSES } from '../schema.ts';
import { clean } from '../stage.ts';
import { canonical, text } from '../values.ts';
import { noteField, precisionFields, readPrecision, validate } from './common.ts';
import { foreignConflicts, idField, linkTargets, readKey, slugFromGeometry } from './features.ts';
import type { Target } from './types.ts';

const CLASSES = ROAD_CLASSES;
const ALIASES: Record<string, (typeof CLASSES)[number]> = {
  'cao tốc': 'expressway',
  motorway: 'expressway',
  'quốc lộ': 'national',
  ql: 'national',
  trunk: 'national',
  primary: 'national',
  'tỉnh lộ': 'provincial',
  'đường tỉnh': 'provincial',
  secondary: 'provincial',
  'huyện lộ': 'district',
  'đường huyện': 'district',
  tertiary: 'district',
  'đường xã': 'commune',
  unclassified: 'commune',
  'nông thôn': 'rural',
  track: 'rural',
  residential: 'rural',
};

export function classFromRef(ref: string | null): (typeof CLASSES)[number] | null {
  if (!ref) return null;
  const r = ref.replace(/[Đđ]/g, 'D').toUpperCase().replace(/\s+/g, '');
  if (/^(CT|CAOTOC)/.test(r)) return 'expressway';
  if (/^(QL|AH)/.test(r)) return 'national';
  if (/^(DT|TL)/.test(r)) return 'provincial';
  if (/^(DH|HL)/.test(r)) return 'district';
  return null;
}

export const roadsTarget: Target = {
  layer: 'roads',
  entity: 'road',
  table: 'roads',
  geometry: 'line',
  keyField: 'id',
  fields: {
    ...idField,
    ref: { columns: ['ref', 'so_hieu', 'ma_duong', 'route'], description: 'Route number (QL4H, ĐT.145)' },
    name: { columns: ['name', 'ten', 'ten_duong'], description: 'Name (default: the route number)' },
    class: {
      columns: ['class', 'loai', 'cap', 'cap_duong', 'highway'],
      description: `One of ${CLASSES.join(', ')} (default: from the route number, else rural)`,
    },
    via: { columns: ['via', 'qua', 'di_qua'], description: 'Places it passes, separated by , ; or –' },
    ...precisionFields,
    ...noteField,
  },
  parse(get, field, ctx, warn, fail) {
    const { key, slug } = readKey(get, field, ctx);
    const ref = field('ref', text);
    const name = field('name', text) ?? ref;
    let cls = field('class', (v) => canonical(v, CLASSES, ALIASES)) ?? classFromRef(ref);
    if (cls === null) {
      cls = 'rural';
      warn('class', 'no class and no route number: stored as rural');
    }
    const via = (field('via', text) ?? '').split(/\s*[,;–|]\s*/).filter(Boolean);
    const vals = { ref, name, class: cls, via, note: field('note', text), ...readPrecision(field, ctx) };
    if (name === null) fail('name', 'missing (and no route number to use)');
    else validate(importedRoad, vals, fail);
    return { key, slug, name: key ?? name, vals };
  },
  async resolve(trx, ctx) {
    await slugFromGeometry(ctx.sourceId).execute(trx);
    await foreignConflicts('roads', ctx).execute(trx);
  },
  async write(trx, ctx) {
    const { rows } = await sql<{ inserted: boolean }>`
      INSERT INTO roads AS r (slug, ref, name, class, via, geom, precision, uncertainty_m, origin, note)
      SELECT s.slug, s.vals->>'ref', s.vals->>'name', s.vals->>'class',
             ARRAY(SELECT jsonb_array_elements_text(s.vals->'via')), s.geom,
             (s.vals->>'precision')::location_precision, (s.vals->>'uncertainty_m')::real, ${ctx.origin}, s.vals->>'note'
      FROM import_stage s WHERE ${clean} ORDER BY s.n
      ON CONFLICT (slug) DO UPDATE SET ref = excluded.ref, name = excluded.name, class = excluded.class,
        via = excluded.via, geom = excluded.geom, precision = excluded.precision,
        uncertainty_m = excluded.uncertainty_m, note = excluded.note
      WHERE r.origin = ${ctx.origin} AND (r.ref, r.name, r.class, r.via, r.geom, r.precision, r.uncertainty_m, r.note)
        IS DISTINCT FROM (excluded.ref, excluded.name, excluded.class, excluded.via, excluded.geom,
          excluded.precision, excluded.uncertainty_m, excluded.note)
      RETURNING (xmax = 0) AS inserted`.execute(trx);
    await linkTargets('roads').execute(trx);
    const inserted = rows.filter((r) => r.inserted).length;
    return { inserted, updated: rows.length - inserted };
  },
};
