/**
 * Matching words against the gazetteer's names (admin_units.name_plain:
 * unaccented, lower case, đ→d; trigram-indexed), told apart by parents.
 *
 * A query may carry its context after the name: "quang an dam ha" is the
 * name "quang an" within "dam ha". Every split of the words into a name
 * (the first k words) and a context (the rest, up to MAX_CONTEXT words) is
 * tried; a unit's score is its best over the splits:
 *
 *   name score   = max(similarity, word_similarity) of the name part
 *                  + 1.0 exact | 0.5 prefix | 0.3 substring
 *   with context + CONTEXT_WEIGHT × word_similarity(context, parents' names) − CONTEXT_COST
 *
 * A leading kind word ("xã", "thành phố"...) is taken off and favours
 * units of that kind. The whole query as a name finds by trigram
 * similarity or word similarity (a substring scores 1; typos less); a name part with a context must match exactly (btree
 * on name_plain): trigram similarity there matched every "Quảng …" of the
 * country for "quang an" and cost a scan of the table per split.
 */
import { type RawBuilder, sql } from 'kysely';

export const MAX_CONTEXT = 6;
export const CONTEXT_WEIGHT = 0.6;
export const CONTEXT_COST = 0.2;

/** ["quang an dam ha"] → [{ name: 'quang an dam ha', context: null }, { name: 'quang an dam', context: 'ha' }, ...]. */
export function splits(q: string): { name: string; context: string | null }[] {
  const words = q.trim().split(/\s+/).filter(Boolean);
  const out: { name: string; context: string | null }[] = [];
  for (let k = words.length; k >= Math.max(1, words.length - MAX_CONTEXT); k--)
    out.push({
      name: words.slice(0, k).join(' '),
      context: k < words.length ? words.slice(k).join(' ') : null,
    });
  return out;
}

/** The name score of unit alias `c` against plain text expression `nq`. */
export function nameScore(nq: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(GREATEST(similarity(c.name_plain, ${nq}), word_similarity(${nq}, c.name_plain))
    + CASE WHEN c.name_plain = ${nq} THEN 1.0 WHEN strpos(c.name_plain, ${nq}) = 1 THEN 0.5
           WHEN strpos(c.name_plain, ${nq}) > 0 THEN 0.3 ELSE 0 END)`;
}

/** Parents' names of unit alias `c`, nearest first, as one plain string (needs the joins of parentJoins). */
export const parentJoins = sql`
  LEFT JOIN admin_units p1 ON p1.id = c.parent_id
  LEFT JOIN admin_units p2 ON p2.id = p1.parent_id
  LEFT JOIN admin_units p3 ON p3.id = p2.parent_id`;
export const parentsPlain = sql`concat_ws(' ', p1.name_plain, p2.name_plain, p3.name_plain)`;

/** Kind words a query may start with ("thanh pho ho chi minh", "xa quang an"), accent-free. */
const KIND_WORDS = ['thanh pho', 'thi tran', 'thi xa', 'dac khu', 'phuong', 'huyen', 'tinh', 'quan', 'xa'];

export function fold(text: string): string {
  return text
    .replace(/[Đđ]/g, 'd')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** "Thành phố Hồ Chí Minh" → { kind: 'thanh pho', rest: 'Hồ Chí Minh' }; a lone kind word stays a name. */
export function leadingKind(q: string): { kind: string | null; rest: string } {
  const words = q.trim().split(/\s+/);
  const folded = fold(q);
  for (const k of KIND_WORDS) {
    const n = k.split(' ').length;
    if (words.length > n && folded.startsWith(`${k} `)) return { kind: k, rest: words.slice(n).join(' ') };
  }
  return { kind: null, rest: q };
}

/**
 * SELECT id, score, located, valid_to of the units matching `q` (one row
 * per unit) that may be among its best `limit`, over every level and
 * period (without `limit`: every unit matching). `located`: the unit has a
 * seat or a boundary.
 *
 * The whole query is matched against the distinct names (unit_names, ~7,000
 * for ~14,000 units), one trigram index scan per operator so that each
 * candidate is checked once, and scored once per name (materialised: joined
 * first, "trung thanh" scored its 509 names once per unit, 1,394 times).
 * Only the names that can still rank are joined to their units, each name
 * on the btree (a hash join read all 14,000 units for it): every name has a
 * unit, so `limit` units score at least the `limit`-th best name score
 * (`cut`), and a name below it, even with the kind bonus, cannot rank
 * ("thanh minh phu tho" matches 245 names of 873 units; 10 of them are
 * read). The name-and-context splits are one scan too: their exact names,
 * looked up together on the btree, each scored with its own context.
 */
export function unitHitsSql(query: string, limit?: number): RawBuilder<unknown> {
  const { kind, rest: q } = leadingKind(query);
  const [whole, ...withContext] = splits(q);
  if (!whole)
    return sql`SELECT NULL::bigint AS id, NULL::float8 AS score, NULL::boolean AS located, NULL::date AS valid_to WHERE false`;
  // The statement's text is the same for every query (the kind, the splits and the limit are
  // parameters), so that search can keep it prepared with one generic plan: planning it took
  // longer than running it (server/search/search.ts, "Prepared").
  // A kind word given ("xa quang an") favours units of that kind a little.
  const k = sql`${kind}::text`;
  const kindBonus = sql` + CASE WHEN plain_text(c.kind) = ${k} THEN 0.1 ELSE 0 END`;
  // Folded once (an InitPlan), not once per name compared: under a generic plan
  // plain_text(parameter) is not folded into a constant at planning.
  const nq = sql`(SELECT q FROM nq)`;
  const unit = sql`c.id, (c.seat IS NOT NULL OR c.boundary IS NOT NULL) AS located, c.valid_to`;
  const parts = [
    // OFFSET 0 keeps the lookup per name (a join would be planned as a hash join over every unit).
    sql`SELECT c.id, c.located, c.valid_to, n.score${kindBonus} AS score
      FROM n CROSS JOIN LATERAL (SELECT ${unit}, c.kind FROM admin_units c WHERE c.name_plain = n.name_plain OFFSET 0) c
      WHERE n.score + CASE WHEN ${k} IS NULL THEN 0 ELSE 0.1 END >= COALESCE((SELECT score FROM cut), '-infinity')`,
    // Each split's exact name on the btree (LATERAL and OFFSET 0 as above), scored with its own context.
    sql`SELECT ${unit}, ${nameScore(sql`s.name`)}${kindBonus}
        + ${sql.lit(CONTEXT_WEIGHT)} * word_similarity(s.context, ${parentsPlain}) - ${sql.lit(CONTEXT_COST)} AS score
      FROM (SELECT plain_text(x.name) AS name, plain_text(x.context) AS context
            FROM unnest(${withContext.map((w) => w.name)}::text[], ${withContext.map((w) => w.context ?? '')}::text[]) x (name, context)) s
      CROSS JOIN LATERAL (SELECT c.* FROM admin_units c WHERE c.name_plain = s.name OFFSET 0) c ${parentJoins}`,
  ];
  return sql`WITH nq AS (SELECT plain_text(${whole.name}::text) AS q),
    n AS MATERIALIZED (
      SELECT c.name_plain, ${nameScore(nq)} AS score FROM (
        SELECT name_plain FROM unit_names WHERE name_plain % ${nq}
        UNION SELECT name_plain FROM unit_names WHERE ${nq} <% name_plain) c),
    cut AS (SELECT score FROM n ${limit ? sql`ORDER BY score DESC OFFSET ${limit - 1}::int LIMIT 1` : sql`WHERE false`})
    SELECT x.id, max(x.score)::float8 AS score, bool_or(x.located) AS located, max(x.valid_to) AS valid_to
    FROM (${sql.join(parts, sql` UNION ALL `)}) x GROUP BY x.id`;
}
