/**
 * GET /api/units/{code}/indicators
 *
 * A unit's figures by year (poverty rate 2021 → 2025, population, areas…),
 * each with its sources (title, publisher, url).
 *
 * `{code}` is an official code or a slug (villages have no code). Codes are
 * reused across the 2025 reform (old Y Tý and today's Y Tý are both 02701),
 * so a code names the current unit when there is one, else the most recent
 * former unit with it, answered as itself, with `successors` to follow; we
 * do not silently swap a former unit for a larger merged one.
 *
 * The current unit's answer includes the figures of the units merged into it
 * (`predecessors`), each marked with `reported_for`: the articles give Y Tý's
 * poverty rate for the commune as it was before the merger, and a planner
 * asking for today's Y Tý expects to see it, labelled as such. Districts
 * were abolished in 2025 without successors: a current province shows the
 * figures of the districts it took (Lào Cai, those of huyện Mường Khương),
 * a current commune those of the district(s) its communes came from, each
 * `reported_for` with `type` full or partial (`former_districts`).
 *
 * One query returns the whole answer as one JSON row:
 *   WITH target (code or slug, current first), members (target + predecessors via unit_successors),
 *   figures (indicators of members, with definitions and json_agg of sources via citations)
 *   SELECT json_build_object('unit', …, 'predecessors', …, 'successors', …, 'figures', …)
 */
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/types.ts';
import { field, type Input, Rejected, readParams } from '../http/params.ts';
import { notFound } from '../http/problem.ts';
import type { Report } from './report.ts';

export interface UnitRef {
  code: string | null;
  slug: string;
  name: string;
  kind: string;
  level: string;
  valid_to: string | null;
}

/** A unit whose figures a later unit shows: it went there whole (`full`) or in part. */
export interface PredecessorRef extends UnitRef {
  type: 'full' | 'partial' | null;
}

export interface Figure {
  year: number | null;
  period_start: number | null;
  period_end: number | null;
  value: number;
  qualifier: string;
  programme: string | null;
  note: string | null;
  reported_for: PredecessorRef | null;
  sources: { id: string; title: string; publisher: string | null; url: string | null }[];
}

export interface IndicatorSeries {
  indicator: string;
  name_en: string;
  name_vi: string | null;
  unit_of_measure: string;
  values: Figure[];
}

export interface IndicatorsResult {
  unit: UnitRef & { valid_from: string | null; province: { code: string | null; name: string } | null };
  predecessors: PredecessorRef[];
  /** For a current province or commune: the districts of before 2025 it took, whole or in part. */
  former_districts: PredecessorRef[];
  successors: UnitRef[];
  indicators: IndicatorSeries[];
}

type FlatFigure = Figure & Omit<IndicatorSeries, 'values'>;

export const unitCodeParams = z.object({
  code: field(
    {
      description:
        'Official code of the unit (a current unit first; a code only former units had answers the most recent of them) or its slug',
      schema: { type: 'string', pattern: '^(\\d{2,5}|[a-z0-9][a-z0-9-]{0,99})$' },
      example: '02701',
      required: true,
    },
    (code): string => {
      if (!code || !/^(\d{2,5}|[a-z0-9][a-z0-9-]{0,99})$/.test(code)) {
        throw new Rejected('an official unit code (2 to 5 digits, e.g. 02701) or a unit slug (e.g. xa-y-ty)');
      }
      return code;
    },
  ),
});

export function parseUnitCode(input: Input): { code: string } {
  return readParams(unitCodeParams, input);
}

export async function unitIndicators(db: Kysely<DB>, p: { code: string }): Promise<IndicatorsResult> {
  const ref = (a: string) =>
    sql`json_build_object('code', ${sql.ref(`${a}.code`)}, 'slug', ${sql.ref(`${a}.slug`)}, 'name', ${sql.ref(`${a}.name`)},
      'kind', ${sql.ref(`${a}.kind`)}, 'level', ${sql.ref(`${a}.level`)}, 'valid_to', ${sql.ref(`${a}.valid_to`)}::text)`;
  // The same, with how the unit went into the target (members' `type`).
  const typed = (a: string) =>
    sql`json_build_object('code', ${sql.ref(`${a}.code`)}, 'slug', ${sql.ref(`${a}.slug`)}, 'name', ${sql.ref(`${a}.name`)},
      'kind', ${sql.ref(`${a}.kind`)}, 'level', ${sql.ref(`${a}.level`)}, 'valid_to', ${sql.ref(`${a}.valid_to`)}::text, 'type', m.type)`;
  const { rows } = await sql<{
    answer: (Omit<IndicatorsResult, 'indicators'> & { figures: FlatFigure[] }) | null;
  }>`
    WITH target AS (
      SELECT u.* FROM admin_units u
      WHERE u.code = ${p.code} OR u.slug = ${p.code}
      ORDER BY u.valid_to IS NULL DESC, u.valid_to DESC, u.slug = ${p.code} DESC, u.id
      LIMIT 1
    ),
    members AS (
      SELECT t.id, FALSE AS predecessor, FALSE AS district, NULL::text AS type FROM target t
      UNION
      SELECT s.unit_id, TRUE, FALSE, s.type FROM unit_successors s JOIN target t ON s.successor_id = t.id
      UNION
      -- Districts were abolished in 2025 without successors of their own: a current province took
      -- the districts of the provinces merged into it (or of its own) whole.
      SELECT d.id, TRUE, TRUE, 'full' FROM target t
      JOIN admin_units d ON d.level = 'district' AND d.valid_to IS NOT NULL
        AND (d.parent_id = t.id OR d.parent_id IN (SELECT unit_id FROM unit_successors WHERE successor_id = t.id))
      WHERE t.level = 'province' AND t.valid_to IS NULL
      UNION
      -- A current commune took part of a district (or the whole, when all its communes went there whole).
      SELECT d.id, TRUE, TRUE,
             CASE WHEN bool_and(s.successor_id = t.id AND s.type = 'full') THEN 'full' ELSE 'partial' END
      FROM target t
      JOIN admin_units d ON d.level = 'district' AND d.valid_to IS NOT NULL
        AND d.id IN (SELECT c.parent_id FROM unit_successors x JOIN admin_units c ON c.id = x.unit_id
                     WHERE x.successor_id = t.id)
        AND NOT EXISTS (SELECT 1 FROM unit_successors o WHERE o.unit_id = d.id)
      JOIN admin_units c ON c.parent_id = d.id
      JOIN unit_successors s ON s.unit_id = c.id
      WHERE t.level = 'commune' AND t.valid_to IS NULL
      GROUP BY d.id, t.id
    ),
    figures AS (
      SELECT i.indicator, d.name_en, d.name_vi, d.unit_of_measure, i.year, i.period_start, i.period_end,
             i.value::float8 AS value, i.qualifier, i.programme, i.note,
             CASE WHEN m.predecessor THEN ${typed('ru')} END AS reported_for,
             COALESCE((
               SELECT json_agg(json_build_object('id', s.id, 'title', s.title, 'publisher', s.publisher, 'url', s.url) ORDER BY s.id)
               FROM citations c JOIN sources s ON s.id = c.source_id
               WHERE c.entity = 'indicator' AND c.entity_id = i.id
             ), '[]'::json) AS sources
      FROM members m
      JOIN indicators i ON i.unit_id = m.id
      JOIN indicator_definitions d ON d.code = i.indicator
      JOIN admin_units ru ON ru.id = i.unit_id
    )
    SELECT json_build_object(
      'unit', (SELECT json_build_object('code', t.code, 'slug', t.slug, 'name', t.name, 'kind', t.kind, 'level', t.level,
                 'valid_from', t.valid_from::text, 'valid_to', t.valid_to::text,
                 'province', (SELECT json_build_object('code', pr.code, 'name', pr.name) FROM admin_units pr
                              WHERE pr.level = 'province' AND pr.id IN (t.id, t.parent_id,
                                (SELECT parent_id FROM admin_units WHERE id = t.parent_id)) LIMIT 1))
               FROM target t),
      'predecessors', COALESCE((SELECT json_agg(${typed('u')} ORDER BY u.name, u.slug)
               FROM members m JOIN admin_units u ON u.id = m.id WHERE m.predecessor AND NOT m.district), '[]'::json),
      'former_districts', COALESCE((SELECT json_agg(${typed('u')} ORDER BY u.name, u.slug)
               FROM members m JOIN admin_units u ON u.id = m.id WHERE m.district), '[]'::json),
      'successors', COALESCE((SELECT json_agg(${ref('u')} ORDER BY u.name, u.slug)
               FROM target t JOIN unit_successors s ON s.unit_id = t.id JOIN admin_units u ON u.id = s.successor_id), '[]'::json),
      'figures', COALESCE((SELECT json_agg(f ORDER BY f.indicator, COALESCE(f.year, f.period_end, f.period_start),
                 f.period_start, f.value) FROM figures f), '[]'::json)
    ) AS answer
    FROM target`.execute(db);
  const answer = rows[0]?.answer;
  if (!answer) throw notFound(`no administrative unit with code or slug "${p.code}"`);
  const series = new Map<string, IndicatorSeries>();
  for (const f of answer.figures) {
    const { indicator, name_en, name_vi, unit_of_measure, ...value } = f;
    let s = series.get(indicator);
    if (!s) {
      s = { indicator, name_en, name_vi, unit_of_measure, values: [] };
      series.set(indicator, s);
    }
    s.values.push(value);
  }
  return {
    unit: answer.unit,
    predecessors: answer.predecessors,
    former_districts: answer.former_districts,
    successors: answer.successors,
    indicators: [...series.values()],
  };
}

const COLUMNS = [
  'indicator',
  'name_en',
  'unit_of_measure',
  'year',
  'period_start',
  'period_end',
  'value',
  'qualifier',
  'programme',
  'reported_for',
  'source_titles',
  'source_urls',
] as const;

export const indicatorsReport: Report<{ code: string }, IndicatorsResult> = {
  name: 'indicators',
  path: '/api/units/:code/indicators',
  summary:
    "A unit's figures by year with their sources (official code or slug; former codes answer the former unit)",
  params: unitCodeParams,
  parse: parseUnitCode,
  run: unitIndicators,
  json: (r) => r,
  table: (r) => ({
    columns: COLUMNS,
    rows: r.indicators.flatMap((s) =>
      s.values.map((v) => ({
        indicator: s.indicator,
        name_en: s.name_en,
        unit_of_measure: s.unit_of_measure,
        year: v.year,
        period_start: v.period_start,
        period_end: v.period_end,
        value: v.value,
        qualifier: v.qualifier,
        programme: v.programme,
        reported_for: v.reported_for
          ? `${v.reported_for.name} (${v.reported_for.code ?? v.reported_for.slug})${v.reported_for.type === 'partial' ? ', in part' : ''}`
          : '',
        source_titles: v.sources.map((x) => x.title).join(' | '),
        source_urls: v.sources.map((x) => x.url ?? '').join(' | '),
      })),
    ),
  }),
};
