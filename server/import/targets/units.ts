/**
 * Provinces and communes: boundaries for the units we already have, or new
 * units. A record is matched, in order,
 *
 *   1. by official code among current units of its level (codes are reused
 *      across periods, so units with an end date are never matched);
 *   2. by accent-free name within its province (communes) or among
 *      provinces, when the file or the unit has no code ("Muong Nha" finds
 *      Mường Nhà), and only when exactly one unit answers;
 *   3. otherwise it is a new unit (origin 'import'), with a seat on its
 *      boundary (ST_PointOnSurface) marked approximate.
 *
 * A matched unit keeps its name, seat and history (seeded facts win); it
 * gains the boundary. Units created by an import take name and kind from
 * the file each time.
 *
 * Keyed records (data/units.json, the write API) are matched by slug and
 * bring level, parent and successors (by slug), seat, validity dates,
 * note, and (the write API) a boundary when the record has a geometry. A unit no longer written is removed
 * only when nothing points at it (`pinned`).
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import { importedUnit, UNIT_KINDS } from '../schema.ts';
import { slugify } from '../slug.ts';
import { clean } from '../stage.ts';
import { canonical, officialCode, text } from '../values.ts';
import { precisionFields, readPrecision, validate } from './common.ts';
import { foreignConflicts, linkTargets, v } from './features.ts';
import type { Target, TargetContext, WriteCounts } from './types.ts';

type Level = 'province' | 'commune';

const KINDS: Record<Level, { kinds: readonly string[]; aliases: Record<string, string>; digits: number }> = {
  province: {
    kinds: UNIT_KINDS.province,
    aliases: { province: 'tỉnh', city: 'thành phố', tp: 'thành phố', 'tp.': 'thành phố' },
    digits: 2,
  },
  commune: {
    kinds: UNIT_KINDS.commune,
    aliases: {
      commune: 'xã',
      ward: 'phường',
      township: 'thị trấn',
      town: 'thị trấn',
      'special zone': 'đặc khu',
    },
    digits: 5,
  },
};

/** "Xã Mường Nhà" → { kind: 'xã', name: 'Mường Nhà' }; no known prefix → kind null. */
export function splitKind(level: Level, full: string): { kind: string | null; name: string } {
  const words = full.trim().split(/\s+/);
  const slug = slugify(full);
  const prefixes = [...KINDS[level].kinds, ...Object.keys(KINDS[level].aliases)];
  for (const p of prefixes.sort((a, b) => b.length - a.length)) {
    const ps = slugify(p);
    const k = p.split(/\s+/).length;
    if (ps && slug.startsWith(`${ps}-`) && words.length > k) {
      const kind = KINDS[level].kinds.includes(p) ? p : KINDS[level].aliases[p]!;
      return { kind, name: words.slice(k).join(' ') };
    }
  }
  return { kind: null, name: full.trim() };
}

export function unitsTarget(level: Level): Target {
  const spec = KINDS[level];
  const isCommune = level === 'commune';
  const fields = {
    code: {
      columns: isCommune
        ? ['code', 'ma', 'ma_xa', 'ma_dvhc', 'commune_code', 'ward_code']
        : ['code', 'ma', 'ma_tinh', 'ma_dvhc', 'province_code'],
      description: `Official code (${spec.digits} digits; lost leading zeros are restored)`,
    },
    name: {
      columns: isCommune ? ['name', 'ten', 'ten_xa', 'ten_dvhc'] : ['name', 'ten', 'ten_tinh', 'ten_dvhc'],
      description: 'Name; a leading kind ("Xã", "Phường", "Tỉnh"...) is taken as the kind',
    },
    full_name: {
      columns: ['full_name', 'fullname', 'ten_day_du'],
      description: 'Full name with its kind ("Phường Điện Biên Phủ"), used for the kind',
    },
    kind: { columns: ['kind', 'loai', 'loai_dvhc', 'cap'], description: `One of ${spec.kinds.join(', ')}` },
    ...(isCommune
      ? {
          province_code: {
            columns: ['province_code', 'ma_tinh', 'parent_code', 'tinh_code'],
            description: 'Code of the province (default: --parent)',
          },
        }
      : {}),
    ...precisionFields,
  };

  return {
    layer: isCommune ? 'communes' : 'provinces',
    entity: 'admin_unit',
    table: 'admin_units',
    geometry: 'area',
    keyField: 'code',
    fields,
    parse(get, field, ctx, _warn, fail) {
      const code = field('code', (v) => officialCode(v, spec.digits));
      const rawName = field('name', text);
      const full = text(get('full_name'));
      const fromName = rawName ? splitKind(level, rawName) : { kind: null, name: null };
      const fromFull = full ? splitKind(level, full) : { kind: null, name: null };
      const kind =
        field('kind', (v) => canonical(v, spec.kinds, spec.aliases)) ??
        fromName.kind ??
        fromFull.kind ??
        spec.kinds[0]!;
      const name = fromName.name;
      const province = isCommune ? field('province_code', (v) => officialCode(v, 2)) : null;
      const vals = {
        code,
        name,
        kind,
        level,
        province_code: province ?? ctx.parent,
        ...readPrecision(field, ctx),
      };
      validate(importedUnit, vals, fail);
      return { key: code, slug: name ? slugify(`${kind} ${name}`) : null, name: code ?? rawName, vals };
    },

    async resolve(trx, ctx) {
      const run = (q: ReturnType<typeof sql>) => q.execute(trx);
      if (ctx.keyed) return resolveKeyed(trx, ctx);
      if (isCommune) {
        await run(sql`
          UPDATE import_stage s SET parent_id = p.id FROM admin_units p
          WHERE p.level = 'province' AND p.valid_to IS NULL AND p.code = s.vals->>'province_code'`);
        await run(sql`
          INSERT INTO import_problems (n, label, field, reason)
          SELECT s.n, s.label, ${ctx.parent ? '--parent' : 'province_code'},
                 'no current province has code ' || (s.vals->>'province_code')
          FROM import_stage s WHERE s.parent_id IS NULL AND s.vals->>'province_code' IS NOT NULL AND ${clean}`);
      }
      // 1. by code
      await run(sql`
        UPDATE import_stage s SET target_id = u.id, matched = 'code' FROM admin_units u
        WHERE u.valid_to IS NULL AND u.level = ${level} AND u.code = s.vals->>'code' AND ${clean}`);
      await run(sql`
        INSERT INTO import_problems (n, label, field, reason)
        SELECT s.n, s.label, 'code', 'code ' || u.code || ' belongs to the ' || u.level || ' ' || u.name
        FROM import_stage s JOIN admin_units u ON u.valid_to IS NULL AND u.code = s.vals->>'code' AND u.level <> ${level}
        WHERE s.target_id IS NULL AND ${clean}`);
      await run(sql`
        INSERT INTO import_warnings (n, label, field, reason)
        SELECT s.n, s.label, 'name', 'code ' || u.code || ' is ' || u.name || ' here; the file calls it ' || (s.vals->>'name')
        FROM import_stage s JOIN admin_units u ON u.id = s.target_id
        WHERE s.matched = 'code' AND u.name_plain <> plain_text(s.vals->>'name')`);
      // 2. by accent-free name within the province, when one side has no code
      await run(sql`
        WITH c AS (
          SELECT s.n, array_agg(u.id) AS ids
          FROM import_stage s JOIN admin_units u
            ON u.level = ${level} AND u.valid_to IS NULL AND u.name_plain = plain_text(s.vals->>'name')
           AND (s.vals->>'code' IS NULL OR u.code IS NULL)
           AND (${level} = 'province' OR u.parent_id = s.parent_id)
          WHERE s.target_id IS NULL AND ${clean}
          GROUP BY s.n
        )
        UPDATE import_stage s SET target_id = c.ids[1], matched = 'name' FROM c
        WHERE c.n = s.n AND cardinality(c.ids) = 1`);
      await run(sql`
        INSERT INTO import_problems (n, label, field, reason)
        SELECT s.n, s.label, 'name', count(*) || ' units are named ' || (s.vals->>'name') || ' here: give a code'
        FROM import_stage s JOIN admin_units u
          ON u.level = ${level} AND u.valid_to IS NULL AND u.name_plain = plain_text(s.vals->>'name')
         AND (s.vals->>'code' IS NULL OR u.code IS NULL) AND (${level} = 'province' OR u.parent_id = s.parent_id)
        WHERE s.target_id IS NULL AND ${clean}
        GROUP BY s.n, s.label, s.vals HAVING count(*) > 1`);
      // 3. new units need a province (communes)
      if (isCommune)
        await run(sql`
          INSERT INTO import_problems (n, label, field, reason)
          SELECT s.n, s.label, 'province_code',
                 'no existing commune has this code or name, and a new one needs its province: give a province_code column or --parent'
          FROM import_stage s WHERE s.target_id IS NULL AND s.parent_id IS NULL AND ${clean}`);
      await run(sql`
        INSERT INTO import_problems (n, label, field, reason)
        SELECT s.n, s.label, 'code', 'same unit as record ' || f.label
        FROM import_stage s JOIN LATERAL (
          SELECT o.label FROM import_stage o WHERE o.target_id = s.target_id AND o.n < s.n ORDER BY o.n LIMIT 1
        ) f ON true
        WHERE s.target_id IS NOT NULL AND ${clean}`);
    },

    async write(trx, ctx): Promise<WriteCounts> {
      if (ctx.keyed) return writeKeyed(trx, ctx);
      const run = (q: ReturnType<typeof sql>) => q.execute(trx);
      const seatSize = sql`greatest(1, sqrt(ST_Area(s.geom::geography) / pi()))::real`;
      const changedIds = new Set<number>();
      const note = (rows: { id: number }[]) => {
        for (const r of rows) changedIds.add(r.id);
      };
      const boundary = await sql<{ id: number }>`
        UPDATE admin_units u SET boundary = s.geom,
          boundary_precision = (s.vals->>'precision')::location_precision,
          boundary_uncertainty_m = (s.vals->>'uncertainty_m')::real
        FROM import_stage s
        WHERE s.target_id = u.id AND ${clean}
          AND (u.boundary IS DISTINCT FROM s.geom
            OR u.boundary_precision IS DISTINCT FROM (s.vals->>'precision')::location_precision
            OR u.boundary_uncertainty_m IS DISTINCT FROM (s.vals->>'uncertainty_m')::real)
        RETURNING u.id`.execute(trx);
      note(boundary.rows);
      const seats = await sql<{ id: number }>`
        UPDATE admin_units u SET seat = ST_PointOnSurface(s.geom), seat_precision = 'approximate',
          seat_uncertainty_m = ${seatSize}, seat_how = 'a point inside the imported boundary'
        FROM import_stage s WHERE s.target_id = u.id AND u.seat IS NULL AND ${clean}
        RETURNING u.id`.execute(trx);
      note(seats.rows);
      const own = await sql<{ id: number }>`
        UPDATE admin_units u SET name = s.vals->>'name', kind = s.vals->>'kind',
          parent_id = COALESCE(s.parent_id, u.parent_id), code = COALESCE(s.vals->>'code', u.code)
        FROM import_stage s
        WHERE s.target_id = u.id AND u.origin = ${ctx.origin} AND ${clean}
          AND (u.name, u.kind, u.parent_id, u.code) IS DISTINCT FROM
              (s.vals->>'name', s.vals->>'kind', COALESCE(s.parent_id, u.parent_id), COALESCE(s.vals->>'code', u.code))
        RETURNING u.id`.execute(trx);
      note(own.rows);

      // New units: the proposed slug unless taken (by a row or another record), then slug-code.
      await run(sql`
        UPDATE import_stage s SET slug = s.slug || '-' || COALESCE(s.vals->>'code', s.n::text)
        WHERE s.target_id IS NULL AND ${clean}
          AND (EXISTS (SELECT 1 FROM admin_units u WHERE u.slug = s.slug)
            OR EXISTS (SELECT 1 FROM import_stage o WHERE o.slug = s.slug AND o.n <> s.n AND o.target_id IS NULL))`);
      const inserted = await sql<{ id: number }>`
        INSERT INTO admin_units (slug, code, name, kind, level, parent_id, seat, seat_precision, seat_uncertainty_m,
          seat_how, boundary, boundary_precision, boundary_uncertainty_m, origin)
        SELECT s.slug, s.vals->>'code', s.vals->>'name', s.vals->>'kind', ${level}, s.parent_id,
          ST_PointOnSurface(s.geom), 'approximate', ${seatSize}, 'a point inside the imported boundary',
          s.geom, (s.vals->>'precision')::location_precision, (s.vals->>'uncertainty_m')::real, ${ctx.origin}
        FROM import_stage s WHERE s.target_id IS NULL AND ${clean}
        ORDER BY s.n
        RETURNING id`.execute(trx);
      await run(sql`
        UPDATE import_stage s SET target_id = u.id, matched = 'new' FROM admin_units u
        WHERE s.target_id IS NULL AND u.slug = s.slug AND ${clean}`);
      const m = await sql<{ code: number; name: number }>`
        SELECT count(*) FILTER (WHERE matched = 'code')::int AS code, count(*) FILTER (WHERE matched = 'name')::int AS name
        FROM import_stage`.execute(trx);
      return {
        inserted: inserted.rows.length,
        updated: changedIds.size,
        matchedByCode: m.rows[0]!.code,
        matchedByName: m.rows[0]!.name,
      };
    },
  };
}

/** Units of data/units.json (or the write API): every level, matched by slug. */
export function keyedUnitsTarget(): Target {
  return {
    ...unitsTarget('commune'),
    layer: 'units',
    geometryOptional: true,
    keyField: 'slug',
    pinned: sql`(EXISTS (SELECT 1 FROM projects p WHERE p.unit_id = t.id OR p.unit_as_named_id = t.id)
      OR EXISTS (SELECT 1 FROM indicators i WHERE i.unit_id = t.id)
      OR EXISTS (SELECT 1 FROM border_gates g WHERE g.unit_id = t.id)
      OR EXISTS (SELECT 1 FROM admin_units c WHERE c.parent_id = t.id))`,
  };
}

/**
 * Parents and successors must exist (in the batch or the table), a unit
 * with successors must have ended, current codes are unique.
 */
/** The successors a staged unit lists, as rows (slug, type): a slug string, or { slug, type }. */
function successorsOf(stage: ReturnType<typeof sql>) {
  return sql`LATERAL (
    SELECT CASE jsonb_typeof(e) WHEN 'string' THEN e #>> '{}' ELSE e->>'slug' END AS slug, e->>'type' AS type
    FROM jsonb_array_elements(COALESCE(${stage}.vals->'successors', '[]'::jsonb)) e
    ) `;
}

async function resolveKeyed(trx: Kysely<DB>, ctx: TargetContext): Promise<void> {
  const run = (q: ReturnType<typeof sql>) => q.execute(trx);
  // The gazetteer stages ~14,000 units: index and analyse the stage so the checks below are hash joins.
  await run(sql`CREATE INDEX IF NOT EXISTS import_stage_slug ON import_stage (slug)`);
  await run(sql`ANALYZE import_stage`);
  const known = (
    slug: ReturnType<typeof sql>,
  ) => sql`(EXISTS (SELECT 1 FROM import_stage o WHERE o.slug = ${slug})
    OR EXISTS (SELECT 1 FROM admin_units u WHERE u.slug = ${slug}))`;
  await run(sql`
    INSERT INTO import_problems (n, label, field, reason)
    SELECT s.n, s.label, 'parent', 'unknown unit "' || (s.vals->>'parent') || '"'
    FROM import_stage s WHERE s.vals->>'parent' IS NOT NULL AND NOT ${known(sql`s.vals->>'parent'`)} AND ${clean}`);
  await run(sql`
    INSERT INTO import_problems (n, label, field, reason)
    SELECT DISTINCT ON (s.n) s.n, s.label, 'successors', 'unknown unit "' || x.slug || '"'
    FROM import_stage s, ${successorsOf(sql`s`)} x
    WHERE NOT ${known(sql`x.slug`)} AND ${clean} ORDER BY s.n`);
  await run(sql`
    INSERT INTO import_problems (n, label, field, reason)
    SELECT s.n, s.label, 'valid_to', 'a unit with successors must have ended'
    FROM import_stage s WHERE jsonb_array_length(s.vals->'successors') > 0 AND s.vals->>'valid_to' IS NULL`);
  await run(sql`
    INSERT INTO import_problems (n, label, field, reason)
    SELECT d.n, d.label, 'code', 'duplicate "' || d.code || '" among current units (first at ' || d.first || ')'
    FROM (SELECT s.n, s.label, s.vals->>'code' AS code, first_value(s.label) OVER w AS first, row_number() OVER w AS rn
          FROM import_stage s WHERE s.vals->>'valid_to' IS NULL AND s.vals->>'code' IS NOT NULL AND ${clean}
          WINDOW w AS (PARTITION BY s.vals->>'code' ORDER BY s.n)) d
    WHERE d.rn > 1`);
  await run(sql`
    INSERT INTO import_problems (n, label, field, reason)
    SELECT s.n, s.label, 'code', 'code ' || u.code || ' belongs to the current unit ' || u.slug
    FROM import_stage s JOIN admin_units u ON u.code = s.vals->>'code' AND u.valid_to IS NULL AND u.slug <> s.slug
    WHERE s.vals->>'valid_to' IS NULL AND ${clean}
      AND NOT EXISTS (SELECT 1 FROM import_stage o WHERE o.slug = u.slug)`);
  await foreignConflicts('admin_units', ctx).execute(trx);
}

async function writeKeyed(trx: Kysely<DB>, ctx: TargetContext): Promise<WriteCounts> {
  const seat = (k: string) => sql`(s.vals->'seat'->>${k})`;
  const { rows } = await sql<{ inserted: boolean }>`
    INSERT INTO admin_units AS u (slug, code, name, kind, level, seat, seat_precision, seat_uncertainty_m, seat_how,
      valid_from, valid_to, origin, note)
    SELECT s.slug, ${v('code')}, ${v('name')}, ${v('kind')}, ${v('level')},
      CASE WHEN s.vals->'seat' = 'null'::jsonb THEN NULL
           ELSE ST_SetSRID(ST_MakePoint(${seat('lon')}::float8, ${seat('lat')}::float8), 4326) END,
      ${seat('precision')}::location_precision, ${seat('uncertainty_m')}::real, ${seat('how')},
      ${v('valid_from')}::date, ${v('valid_to')}::date, ${ctx.origin}, ${v('note')}
    FROM import_stage s WHERE ${clean} ORDER BY s.n
    ON CONFLICT (slug) DO UPDATE SET code = excluded.code, name = excluded.name, kind = excluded.kind,
      level = excluded.level, seat = excluded.seat, seat_precision = excluded.seat_precision,
      seat_uncertainty_m = excluded.seat_uncertainty_m, seat_how = excluded.seat_how,
      valid_from = excluded.valid_from, valid_to = excluded.valid_to, note = excluded.note
    WHERE u.origin = ${ctx.origin} AND (u.code, u.name, u.kind, u.level, u.seat, u.seat_precision, u.seat_uncertainty_m,
        u.seat_how, u.valid_from, u.valid_to, u.note)
      IS DISTINCT FROM (excluded.code, excluded.name, excluded.kind, excluded.level, excluded.seat,
        excluded.seat_precision, excluded.seat_uncertainty_m, excluded.seat_how, excluded.valid_from,
        excluded.valid_to, excluded.note)
    RETURNING (xmax = 0) AS inserted`.execute(trx);
  await linkTargets('admin_units').execute(trx);
  await sql`ANALYZE import_stage`.execute(trx);
  // A record with a geometry (the write API) brings the unit's boundary; data/'s records have none.
  const boundaries = await sql`
    UPDATE admin_units u SET boundary = s.geom,
      boundary_precision = COALESCE(${v('boundary_precision')}, 'surveyed')::location_precision,
      boundary_uncertainty_m = ${v('boundary_uncertainty_m')}::real
    FROM import_stage s
    WHERE u.id = s.target_id AND s.geom IS NOT NULL AND ${clean}
      AND (u.boundary, u.boundary_precision, u.boundary_uncertainty_m) IS DISTINCT FROM
        (s.geom, COALESCE(${v('boundary_precision')}, 'surveyed')::location_precision, ${v('boundary_uncertainty_m')}::real)`.execute(
    trx,
  );
  const parents = await sql`
    UPDATE admin_units u SET parent_id = p.id
    FROM import_stage s LEFT JOIN admin_units p ON p.slug = s.vals->>'parent'
    WHERE u.id = s.target_id AND u.parent_id IS DISTINCT FROM p.id AND ${clean}`.execute(trx);
  // Successors: the batch's units get exactly the successors their records list.
  // Each is a slug, or { slug, type } with type full | partial (the gazetteer).
  await sql`
    CREATE TEMP TABLE import_succession ON COMMIT DROP AS
    SELECT DISTINCT ON (s.target_id, b.id) s.target_id AS unit_id, b.id AS successor_id, x.type
    FROM import_stage s, ${successorsOf(sql`s`)} x JOIN admin_units b ON b.slug = x.slug
    WHERE ${clean} ORDER BY s.target_id, b.id, x.type NULLS LAST`.execute(trx);
  await sql`ANALYZE import_succession`.execute(trx);
  const stale = await sql`
    DELETE FROM unit_successors d USING (
      SELECT o.unit_id, o.successor_id FROM unit_successors o JOIN import_stage s ON s.target_id = o.unit_id AND ${clean}
      LEFT JOIN import_succession f ON f.unit_id = o.unit_id AND f.successor_id = o.successor_id
      WHERE f.unit_id IS NULL) x
    WHERE d.unit_id = x.unit_id AND d.successor_id = x.successor_id`.execute(trx);
  const added = await sql`
    INSERT INTO unit_successors AS d (unit_id, successor_id, type) SELECT unit_id, successor_id, type FROM import_succession
    ON CONFLICT (unit_id, successor_id) DO UPDATE SET type = excluded.type WHERE d.type IS DISTINCT FROM excluded.type`.execute(
    trx,
  );
  await sql`DROP TABLE import_succession`.execute(trx);
  const inserted = rows.filter((r) => r.inserted).length;
  return {
    inserted,
    updated: rows.length - inserted,
    details:
      Number(boundaries.numAffectedRows ?? 0) +
      Number(parents.numAffectedRows ?? 0) +
      Number(stale.numAffectedRows ?? 0) +
      Number(added.numAffectedRows ?? 0),
  };
}
