/**
 * Resolves a place named in a text to units of the gazetteer, ranked: the
 * building block of article ingestion.
 *
 *   await resolvePlace(db, { name: 'Bản Qua', parents: ['Bát Xát'] })
 *   // [{ code: '02716', era: 'before-2025', level: 'commune', name: 'Bản Qua', kind: 'xã',
 *   //    province: { code: '10', name: 'Lào Cai' }, district: { code: '082', name: 'Bát Xát' },
 *   //    successors: [{ code: '02683', name: 'Bát Xát', type: 'full' }], score: 2.6 }, ...]
 *
 * - `name` and `parents` may carry a kind, in Vietnamese before the name
 *   ("xã Bản Qua", "huyện Bát Xát") or in English after it ("Ban Qua
 *   commune", "Bat Xat district"); accents and case do not matter; typos
 *   are tolerated (trigram similarity).
 * - `parents`: the enclosing names the text gives, nearest first; each
 *   adds to a unit's score by how well it matches one of the unit's parents
 *   (district, province), the nearest weighing most.
 * - `level` keeps units of that level; `at` (YYYY-MM-DD) those in force on
 *   that day (an article of 2024 names units before the 2025 reform).
 * - `nearCodes`: codes of the article's other places; a unit whose
 *   parents, successors or itself have one of them ranks higher (ties
 *   between two "Quảng An" broken by the article's other places).
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import { fold, leadingKind, nameScore, parentJoins } from './match.ts';

export interface PlaceQuery {
  name: string;
  level?: 'province' | 'district' | 'commune' | 'village';
  /** Enclosing names from the text, nearest first. */
  parents?: string[];
  /** YYYY-MM-DD: only units in force that day. */
  at?: string;
}

export interface ResolveOptions {
  /** Codes of the other places of the same article, to break ties. */
  nearCodes?: string[];
  /** Most candidates returned (default 10). */
  limit?: number;
}

export interface ResolvedPlace {
  code: string | null;
  /** The unit's slug (its key: codes are reused across eras). */
  slug: string;
  era: '2025' | 'before-2025';
  level: string;
  name: string;
  kind: string;
  province: { code: string | null; name: string } | null;
  district?: { code: string | null; name: string };
  successors: { code: string | null; slug: string; name: string; type: 'full' | 'partial' | null }[];
  score: number;
}

const ENGLISH_KINDS =
  /\s+(commune|ward|township|town|district|province|city|special zone|municipality|village|hamlet)$/i;

/** "xã Bản Qua" / "Ban Qua commune" → "Bản Qua". */
export function bareName(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  const english = t.replace(ENGLISH_KINDS, '').trim();
  const { rest } = leadingKind(english || t);
  return rest;
}

const PARENT_WEIGHTS = [0.8, 0.5, 0.3];

export async function resolvePlace(
  db: Kysely<DB>,
  query: PlaceQuery,
  options: ResolveOptions = {},
): Promise<ResolvedPlace[]> {
  const name = bareName(query.name);
  if (!fold(name)) return [];
  const parents = (query.parents ?? [])
    .map(bareName)
    .filter((p) => fold(p))
    .slice(0, 3);
  const near = options.nearCodes ?? [];
  const nq = sql`plain_text(${name})`;
  const parentScore = parents.length
    ? sql.join(
        parents.map(
          (p, i) => sql`${sql.lit(PARENT_WEIGHTS[i]!)} * GREATEST(
            COALESCE(similarity(plain_text(${p}), p1.name_plain), 0),
            COALESCE(similarity(plain_text(${p}), p2.name_plain), 0),
            COALESCE(similarity(plain_text(${p}), p3.name_plain), 0))`,
        ),
        sql` + `,
      )
    : sql`0`;
  const level = query.level ? sql`c.level = ${query.level}` : sql`true`;
  const at = query.at
    ? sql`(c.valid_from IS NULL OR c.valid_from <= ${query.at}::date) AND (c.valid_to IS NULL OR c.valid_to >= ${query.at}::date)`
    : sql`true`;
  const nearBonus = near.length
    ? sql`CASE WHEN c.code = ANY(${near}::text[]) OR p1.code = ANY(${near}::text[]) OR p2.code = ANY(${near}::text[])
            OR p3.code = ANY(${near}::text[])
            OR EXISTS (SELECT 1 FROM unit_successors s JOIN admin_units b ON b.id = s.successor_id
                       LEFT JOIN admin_units bp ON bp.id = b.parent_id
                       WHERE s.unit_id = c.id AND (b.code = ANY(${near}::text[]) OR bp.code = ANY(${near}::text[])))
          THEN 0.3 ELSE 0 END`
    : sql`0`;
  const { rows } = await sql<ResolvedPlace & { district: { code: string | null; name: string } | null }>`
    WITH hits AS (
      SELECT c.id, ${nameScore(nq)} + ${parentScore} + ${nearBonus} AS score,
        CASE 'district' WHEN p1.level THEN p1.id WHEN p2.level THEN p2.id END AS district_id,
        CASE 'province' WHEN c.level THEN NULL WHEN p1.level THEN p1.id WHEN p2.level THEN p2.id
             WHEN p3.level THEN p3.id END AS province_id
      FROM admin_units c ${parentJoins}
      WHERE (c.name_plain % ${nq} OR ${nq} <% c.name_plain) AND ${level} AND ${at}
      ORDER BY score DESC, c.valid_to DESC NULLS FIRST, c.code
      LIMIT ${options.limit ?? 10}
    )
    SELECT c.code, c.slug, CASE WHEN c.valid_to IS NULL THEN '2025' ELSE 'before-2025' END AS era, c.level, c.name, c.kind,
      CASE WHEN pr.id IS NULL THEN NULL ELSE json_build_object('code', pr.code, 'name', pr.name) END AS province,
      CASE WHEN d.id IS NULL THEN NULL ELSE json_build_object('code', d.code, 'name', d.name) END AS district,
      COALESCE((SELECT json_agg(json_build_object('code', b.code, 'slug', b.slug, 'name', b.name, 'type', s.type) ORDER BY b.code)
                FROM unit_successors s JOIN admin_units b ON b.id = s.successor_id WHERE s.unit_id = c.id), '[]') AS successors,
      round(h.score::numeric, 3)::float8 AS score
    FROM hits h JOIN admin_units c ON c.id = h.id
    LEFT JOIN admin_units d ON d.id = h.district_id
    LEFT JOIN admin_units pr ON pr.id = h.province_id
    ORDER BY h.score DESC, c.valid_to DESC NULLS FIRST, c.code`.execute(db);
  return rows.map(({ district, ...r }) => (district ? { ...r, district } : r));
}
