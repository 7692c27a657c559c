/**
 * `bbox` (Part 1) and `bbox-crs` (Part 2): features whose geometry
 * intersects the box. In CRS84 a box whose minx is greater than its maxx
 * crosses the antimeridian and is split in two.
 *
 *   bboxWhere(parseBbox('103,21,105,23', 4326)!)
 *   // ST_Intersects("geom", ST_MakeEnvelope($1, $2, $3, $4, 4326))
 */
import { type RawBuilder, sql } from 'kysely';
import { badRequest } from '../http/problem.ts';
import type { Srid } from './crs.ts';

export interface BboxFilter {
  boxes: [number, number, number, number][];
  srid: Srid;
}

const WEB_MERCATOR_MAX = 20_037_508.342_789_244;

export function parseBbox(v: string | undefined, srid: Srid): BboxFilter | undefined {
  if (v === undefined) return undefined;
  const accepts =
    srid === 4326
      ? 'four numbers minLon,minLat,maxLon,maxLat (or six with heights) in CRS84, lon -180..180, lat -90..90'
      : `four numbers minX,minY,maxX,maxY in EPSG:3857 metres, within ±${WEB_MERCATOR_MAX}`;
  const parts = v.split(',');
  if (parts.length !== 4 && parts.length !== 6) throw badRequest('bbox', accepts, v);
  const n = parts.map((s) => (s.trim() === '' ? Number.NaN : Number(s)));
  if (n.some((x) => !Number.isFinite(x))) throw badRequest('bbox', accepts, v);
  const [x0, y0, x1, y1] = n.length === 4 ? n : [n[0]!, n[1]!, n[3]!, n[4]!];
  if (y0! > y1!) throw badRequest('bbox', `${accepts}, with minLat ≤ maxLat`, v);
  if (srid === 3857) {
    if (n.some((x) => Math.abs(x) > WEB_MERCATOR_MAX) || x0! > x1!) throw badRequest('bbox', accepts, v);
    return { boxes: [[x0!, y0!, x1!, y1!]], srid };
  }
  if (Math.abs(x0!) > 180 || Math.abs(x1!) > 180 || Math.abs(y0!) > 90 || Math.abs(y1!) > 90) {
    throw badRequest('bbox', accepts, v);
  }
  if (x0! > x1!) {
    return {
      boxes: [
        [x0!, y0!, 180, y1!],
        [-180, y0!, x1!, y1!],
      ],
      srid,
    };
  }
  return { boxes: [[x0!, y0!, x1!, y1!]], srid };
}

export function bboxWhere(b: BboxFilter): RawBuilder<unknown> {
  const parts = b.boxes.map(([x0, y0, x1, y1]) => {
    const env = sql`ST_MakeEnvelope(${x0}::float8, ${y0}::float8, ${x1}::float8, ${y1}::float8, ${b.srid}::int)`;
    return b.srid === 4326
      ? sql`ST_Intersects(${sql.ref('geom')}, ${env})`
      : sql`ST_Intersects(${sql.ref('geom')}, ST_Transform(${env}, 4326))`;
  });
  return parts.length === 1 ? parts[0]! : sql`(${sql.join(parts, sql` OR `)})`;
}
