/**
 * A feature's GeoJSON text from a row of featuresSql, as PostgreSQL's text
 * (raw-values.ts): id, the geometry's GeoJSON written by PostGIS, then the
 * property values in registry order. Key prefixes and per-type writers are
 * chosen once per request; a row costs one concatenation per property.
 *
 *   featureText([{ name: 'name', type: 'string' }])(['7', '{"type":"Point","coordinates":[104.9,19.6]}', 'Chợ Kim Sơn'])
 *   // '{"type":"Feature","id":7,"geometry":{"type":"Point",…},"properties":{"name":"Chợ Kim Sơn"}}'
 */
import type { LayerProperty } from '../layers/types.ts';
import { JSON_CELL } from './raw-values.ts';

export function featureText(
  props: readonly Pick<LayerProperty, 'name' | 'type'>[],
): (row: unknown[]) => string {
  const keys = props.map((p, i) => `${i ? ',' : ''}${JSON.stringify(p.name)}:`);
  const cells = props.map((p) => JSON_CELL[p.type]);
  const n = props.length;
  return (row) => {
    let s = `{"type":"Feature","id":${row[0]},"geometry":${row[1] ?? 'null'},"properties":{`;
    for (let i = 0; i < n; i++) s += keys[i]! + cells[i]!(row[i + 2] as string | null);
    return `${s}}}`;
  };
}
