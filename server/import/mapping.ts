/**
 * From a record's columns to the target's fields. Each layer declares, per
 * field, the column names it looks for by default (targets/*.ts); `--map
 * field=column` replaces that list for one field. Column names are compared
 * exactly first, then accent-, case- and separator-free, so `maXa`, `MA_XA`
 * and `Mã xã` all find the `ma_xa` default.
 */
import { ImportArgumentError } from './errors.ts';

export interface FieldSpec {
  /** Columns looked for, in order. */
  columns: readonly string[];
  description: string;
}

/** Geometry columns, for formats without a geometry of their own (CSV). */
export const GEOMETRY_FIELDS: Record<string, FieldSpec> = {
  lon: {
    columns: ['lon', 'lng', 'long', 'longitude', 'x', 'kinh_do'],
    description: 'Longitude (or easting with --srid)',
  },
  lat: { columns: ['lat', 'latitude', 'y', 'vi_do'], description: 'Latitude (or northing with --srid)' },
  wkt: { columns: ['wkt', 'geometry', 'geom', 'the_geom', 'shape'], description: 'Geometry as WKT or EWKT' },
};

const squash = (s: string) =>
  s
    .replace(/[Đđ]/g, 'd')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

export type Getter = (field: string) => unknown;

export interface Mapper {
  /** Values of one record's fields, read lazily. */
  getter(properties: Record<string, unknown>): Getter;
  /** Mapped columns (from --map) that no record had: most likely a typo. */
  unusedMappedColumns(): string[];
}

export function makeMapper(fields: Record<string, FieldSpec>, map: Record<string, string> = {}): Mapper {
  for (const field of Object.keys(map))
    if (!(field in fields))
      throw new ImportArgumentError(
        '--map',
        `fields of this layer: ${Object.keys(fields).join(', ')}`,
        `"${field}"`,
      );
  const candidates: Record<string, string[]> = {};
  for (const [field, spec] of Object.entries(fields))
    candidates[field] = map[field] !== undefined ? [map[field]!] : [...spec.columns];
  const seenMapped = new Set<string>();
  // Column lookup tables are cached by the record's key list: files repeat it.
  let lastKeys = '';
  let resolved = new Map<string, string | null>();

  return {
    getter(props) {
      const keys = Object.keys(props);
      const sig = keys.join('\u0000');
      if (sig !== lastKeys) {
        lastKeys = sig;
        const bySquash = new Map<string, string>();
        for (const k of keys) if (!bySquash.has(squash(k))) bySquash.set(squash(k), k);
        resolved = new Map();
        for (const [field, cols] of Object.entries(candidates)) {
          let hit: string | null = null;
          for (const c of cols) {
            if (c in props) hit = c;
            else hit = bySquash.get(squash(c)) ?? null;
            if (hit !== null) break;
          }
          resolved.set(field, hit);
          if (hit !== null && map[field] !== undefined) seenMapped.add(field);
        }
      }
      return (field) => {
        const col = resolved.get(field);
        return col == null ? undefined : props[col];
      };
    },
    unusedMappedColumns() {
      return Object.entries(map)
        .filter(([field]) => !seenMapped.has(field))
        .map(([field, col]) => `${field}=${col}`);
    },
  };
}
