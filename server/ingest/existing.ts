/**
 * Re-ingestion proposes updates, not duplicates: `annotateExisting` marks
 * each candidate of an ingestion result that the atlas holds already
 * (`candidate.existing = { layer, id, slug, etag, changes }`), and leaves
 * the others at null. The review page shows those as "already in the atlas"
 * and accept (accept.ts) updates them under their ETag.
 *
 * A feature of the candidate's layer is the same when
 * - it cites a source of the article (same URL, or the same text hash: the
 *   article pasted again without its URL) and its name is close or it has the
 *   candidate's category and commune; or
 * - without citing it, it has the same category and commune and a close name
 *   (trigram similarity of the accent-free names ≥ 0.5), a road the same ref.
 * Each feature answers one candidate at most, the closest first. An
 * indicator is the same when it has the candidate's key (unit + indicator +
 * year + period + programme).
 *
 * `changes` lists only the properties whose value differs from the stored
 * one, in the record's shape (`details.kiosks`); values the candidate does
 * not give (null) are not changes: accept leaves them as they are.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import { readRecord } from '../features/edit-records.ts';
import { etagOf } from '../features/edit-support.ts';
import { findLayer } from '../features/find-layer.ts';
import { indicatorKey } from '../import/schema.ts';
import { indicatorEtag } from './accept.ts';

import type { ExistingMatch, FeatureCandidate, IndicatorCandidate, IngestResult } from './types.ts';

/** What of an ingestion result the matching reads (tests build these by hand). */
type FeatureCandidateLike = Pick<FeatureCandidate, 'id' | 'type' | 'layer' | 'properties' | 'existing'>;
type IndicatorCandidateLike = Pick<
  IndicatorCandidate,
  | 'id'
  | 'type'
  | 'unit'
  | 'indicator'
  | 'value'
  | 'qualifier'
  | 'year'
  | 'period_start'
  | 'period_end'
  | 'programme'
  | 'existing'
>;
export interface IngestResultLike {
  article: Pick<IngestResult['article'], 'url' | 'hash'>;
  candidates: (FeatureCandidateLike | IndicatorCandidateLike)[];
}

const TABLE = { projects: 'projects', roads: 'roads', 'border-gates': 'border_gates' } as const;
const ENTITY = { projects: 'project', roads: 'road', 'border-gates': 'border_gate' } as const;

/** A name close enough to be the same feature when nothing else ties them. */
const CLOSE = 0.5;
/** Close enough when the feature cites the article already. */
const CLOSE_CITED = 0.3;

interface Match {
  id: number;
  slug: string;
  cited: boolean;
  sim: number;
  same_category: boolean;
  same_commune: boolean;
  same_ref: boolean;
}

/** Fills `existing` of every candidate of `result` (null when the atlas has no such feature or indicator). */
export async function annotateExisting(db: Kysely<DB>, result: IngestResultLike): Promise<void> {
  const { url, hash } = result.article;
  const { rows: src } = await sql<{ id: string }>`
    SELECT id FROM sources WHERE (${url}::text IS NOT NULL AND url = ${url}) OR text_hash = ${hash}`.execute(
    db,
  );
  const sourceIds = src.map((s) => s.id);

  // Every (candidate, feature) pair that may be the same, best first; then one feature per candidate.
  const pairs: { c: FeatureCandidateLike; m: Match; score: number }[] = [];
  for (const c of result.candidates) {
    c.existing = null;
    if (c.type !== 'feature') continue;
    for (const m of await featureMatches(db, c, sourceIds)) {
      const sameRef = c.layer === 'roads' && m.same_ref;
      const ok = m.cited
        ? m.sim >= CLOSE_CITED || sameRef || (m.same_category && m.same_commune)
        : sameRef || (m.same_category && m.same_commune && m.sim >= CLOSE);
      if (ok)
        pairs.push({
          c,
          m,
          score:
            (m.cited ? 1 : 0) +
            m.sim +
            (m.same_category ? 0.3 : 0) +
            (m.same_commune ? 0.3 : 0) +
            (sameRef ? 1 : 0),
        });
    }
  }
  pairs.sort((a, b) => b.score - a.score);
  const taken = new Set<string>();
  for (const { c, m } of pairs) {
    const k = `${c.layer}:${m.id}`;
    if (c.existing || taken.has(k)) continue;
    taken.add(k);
    c.existing = await featureExisting(db, c, m);
  }

  for (const c of result.candidates) if (c.type === 'indicator') c.existing = await indicatorExisting(db, c);
}

async function featureMatches(
  db: Kysely<DB>,
  c: FeatureCandidateLike,
  sourceIds: string[],
): Promise<Match[]> {
  const p = c.properties;
  const name = String(p.name ?? p.ref ?? '');
  const table = sql.table(TABLE[c.layer]);
  const cited = sql<boolean>`EXISTS (SELECT 1 FROM citations ci WHERE ci.entity = ${ENTITY[c.layer]}
    AND ci.entity_id = t.id AND ci.source_id = ANY(${sourceIds}::text[]))`;
  const sim = sql<number>`similarity(plain_text(t.name), plain_text(${name}))`;
  if (c.layer === 'roads') {
    const ref = typeof p.ref === 'string' ? refKey(p.ref) : null;
    const { rows } = await sql<Match>`
      SELECT t.id::int AS id, t.slug, ${cited} AS cited, ${sim}::float8 AS sim, false AS same_category,
        false AS same_commune,
        (${ref}::text IS NOT NULL AND upper(regexp_replace(plain_text(t.ref), '[^a-zA-Z0-9]', '', 'g')) = ${ref}) AS same_ref
      FROM ${table} t`.execute(db);
    return rows.filter((r) => r.cited || r.same_ref);
  }
  const category = c.layer === 'projects' ? sql`t.category = ${String(p.category ?? '')}` : sql`true`;
  const { rows } = await sql<Match>`
    SELECT t.id::int AS id, t.slug, ${cited} AS cited, ${sim}::float8 AS sim, ${category} AS same_category,
      (u.slug = ${String(p.commune ?? '')}) AS same_commune, false AS same_ref
    FROM ${table} t JOIN admin_units u ON u.id = t.unit_id
    WHERE ${cited} OR (${category} AND u.slug = ${String(p.commune ?? '')} AND ${sim} >= ${CLOSE})`.execute(
    db,
  );
  return rows;
}

/** QL4B, QL.4B, Quốc lộ 4B → QL4B; ĐT 544B → DT544B (what a road's ref is compared by). */
function refKey(ref: string): string {
  return ref
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'D')
    .toUpperCase()
    .replace(/^QUOC\s*LO/, 'QL')
    .replace(/^(DUONG\s*TINH|TINH\s*LO)/, 'DT')
    .replace(/[^A-Z0-9]/g, '');
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

async function featureExisting(db: Kysely<DB>, c: FeatureCandidateLike, m: Match): Promise<ExistingMatch> {
  const layer = findLayer(c.layer);
  const stored = (await readRecord(db, c.layer, m.id))!.record.properties as Record<string, unknown>;
  const changes: ExistingMatch['changes'] = {};
  for (const [k, to] of Object.entries(c.properties)) {
    if (to === null || to === undefined || k === 'slug' || k === 'sources') continue;
    if (k === 'details' && typeof to === 'object') {
      const was = (stored.details ?? {}) as Record<string, unknown>;
      for (const [d, v] of Object.entries(to as object))
        if (v !== null && !same(was[d], v)) changes[`details.${d}`] = { from: was[d] ?? null, to: v };
      continue;
    }
    if (!same(stored[k], to)) changes[k] = { from: stored[k] ?? null, to };
  }
  return { layer: layer.id, id: String(m.id), slug: m.slug, etag: (await etagOf(db, layer, m.id))!, changes };
}

async function indicatorExisting(db: Kysely<DB>, c: IndicatorCandidateLike): Promise<ExistingMatch | null> {
  const key = indicatorKey({
    unit: c.unit,
    indicator: c.indicator,
    year: c.year,
    period_start: c.period_start,
    period_end: c.period_end,
    programme: c.programme,
  } as Parameters<typeof indicatorKey>[0]);
  const row = await db
    .selectFrom('indicators')
    .select(['id', 'value', 'qualifier'])
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row) return null;
  const id = Number(row.id);
  const changes: ExistingMatch['changes'] = {};
  if (Number(row.value) !== c.value) changes.value = { from: Number(row.value), to: c.value };
  if (row.qualifier !== c.qualifier) changes.qualifier = { from: row.qualifier, to: c.qualifier };
  return { layer: 'indicators', id: String(id), slug: key, etag: (await indicatorEtag(db, id))!, changes };
}
