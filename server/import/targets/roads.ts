/**
 * Roads: one LineString each (a MultiLineString whose parts join up is
 * merged). The class comes from the file, else from the route number
 * (QL → national, ĐT → provincial, CT → expressway), else 'rural' with a
 * warning.
 */
import { sql } from 'kysely';
import { clean } from '../stage.ts';
import { FieldError, oneOf, text } from '../values.ts';
import { noteField, precisionFields, readPrecision } from './common.ts';
import { idField, linkTargets, readKey, seededConflicts, slugFromGeometry } from './features.ts';
import type { Target } from './types.ts';

const CLASSES = ['expressway', 'national', 'provincial', 'district', 'commune', 'rural'] as const;
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
  parse(get, field, ctx, warn) {
    const { key, slug } = readKey(get, field, ctx);
    const ref = field('ref', text);
    const name = field('name', text) ?? ref;
    if (name === null)
      field('name', () => {
        throw new FieldError('missing (and no route number to use)');
      });
    let cls = field('class', (v) => oneOf(v, CLASSES, ALIASES)) ?? classFromRef(ref);
    if (cls === null) {
      cls = 'rural';
      warn('class', 'no class and no route number: stored as rural');
    }
    const via = (field('via', text) ?? '').split(/\s*[,;–|]\s*/).filter(Boolean);
    return {
      key,
      slug,
      name: key ?? name,
      vals: { ref, name, class: cls, via, note: field('note', text), ...readPrecision(field, ctx) },
    };
  },
  async resolve(trx, ctx) {
    await slugFromGeometry(ctx.sourceId).execute(trx);
    await seededConflicts('roads').execute(trx);
  },
  async write(trx) {
    const { rows } = await sql<{ inserted: boolean }>`
      INSERT INTO roads AS r (slug, ref, name, class, via, geom, precision, uncertainty_m, origin, note)
      SELECT s.slug, s.vals->>'ref', s.vals->>'name', s.vals->>'class',
             ARRAY(SELECT jsonb_array_elements_text(s.vals->'via')), s.geom,
             (s.vals->>'precision')::location_precision, (s.vals->>'uncertainty_m')::real, 'import', s.vals->>'note'
      FROM import_stage s WHERE ${clean} ORDER BY s.n
      ON CONFLICT (slug) DO UPDATE SET ref = excluded.ref, name = excluded.name, class = excluded.class,
        via = excluded.via, geom = excluded.geom, precision = excluded.precision,
        uncertainty_m = excluded.uncertainty_m, note = excluded.note
      WHERE r.origin = 'import' AND (r.ref, r.name, r.class, r.via, r.geom, r.precision, r.uncertainty_m, r.note)
        IS DISTINCT FROM (excluded.ref, excluded.name, excluded.class, excluded.via, excluded.geom,
          excluded.precision, excluded.uncertainty_m, excluded.note)
      RETURNING (xmax = 0) AS inserted`.execute(trx);
    await linkTargets('roads').execute(trx);
    const inserted = rows.filter((r) => r.inserted).length;
    return { inserted, updated: rows.length - inserted };
  },
};
