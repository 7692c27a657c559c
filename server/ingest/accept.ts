/**
 * POST /api/ingest/accept (editor; CSRF like every write): the candidates an
 * editor reviewed, written into the atlas citing their article.
 *
 *   { "article": { "title", "url", "publisher", "published", "hash"? },
 *     "candidates": [ <feature or indicator candidate of the ingestion JSON, possibly edited> ] }
 *   → 200 { "source": "<id>", "written": [{ "candidate": "c1", "layer", "id", "slug", "created" }] }
 *
 * One transaction, through the write API's own pieces (server/features/edit.ts):
 * the article becomes a source (resolveSource: found by URL, else by the hash
 * of its text, else created; its date kept); each feature candidate is mapped
 * to a record (edit-records.ts fromApi) and written by writeRecords with origin
 * `edit`, each indicator by the indicators target; one audit row per row
 * written; the data version bumped once, so tiles and lists show them at once.
 *
 * A candidate with `existing` updates that feature: its ETag is compared
 * inside the transaction (as If-Match): stale → 412, nothing written. The
 * update adds what the article gives (values it leaves out stay as they are)
 * and cites the article; the feature keeps its location unless it had none.
 *
 * Every refused candidate is named (`candidates[2].properties.category`,
 * `candidates[0].location.geometry`): 400 when the body's shape is wrong,
 * 422 when the write path refuses a value; either way nothing is written.
 */
import { createHash } from 'node:crypto';
import { type RequestHandler, Router } from 'express';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import { audit } from '../audit/log.ts';
import { type Actor, type Auth, actorOf } from '../auth/index.ts';
import type { Database } from '../db/connect.ts';
import type { DB } from '../db/types.ts';
import {
  Conflict,
  checked,
  EDIT_ORIGIN,
  freeSlug,
  idOfSlug,
  lockCurrent,
  writeRecord,
} from '../features/edit.ts';
import { type FieldError, fromApi, type RecordFeature, readRecord, toApi } from '../features/edit-records.ts';
import {
  Invalid,
  invalidProblem,
  refusedByDatabase,
  resolveSource,
  stale,
} from '../features/edit-support.ts';
import { findLayer } from '../features/find-layer.ts';
import { ProblemError } from '../http/problem.ts';
import { bumpVersion } from '../import/provenance.ts';
import { indicatorKey, industrialParkDetails, marketDetails } from '../import/schema.ts';
import { writeIndicatorRecords } from '../import/targets/indicators.ts';

/** The feature layers a candidate may be written to. */
export const CANDIDATE_LAYERS = ['projects', 'roads', 'border-gates'] as const;

const range = z.tuple([z.number().int().min(0), z.number().int().min(0)]);
const existing = z
  .object({
    layer: z.string(),
    id: z.union([z.string().regex(/^\d{1,15}$/, 'a feature id'), z.number().int().positive()]),
    slug: z.string(),
    etag: z.string().min(1, 'the ETag of the feature as it was read'),
    changes: z.record(z.string(), z.unknown()).optional(),
  })
  .nullable()
  .optional();

const point = z.object({
  type: z.literal('Point', 'a GeoJSON Point'),
  coordinates: z.tuple([z.number(), z.number()], 'longitude and latitude'),
});

// contract: /work/wt/ingest-contract.md (server/ingest/types.ts FeatureCandidate, IndicatorCandidate)
const featureCandidate = z.object({
  id: z.string().min(1),
  type: z.literal('feature'),
  layer: z.enum(CANDIDATE_LAYERS, `one of ${CANDIDATE_LAYERS.join(', ')}`),
  properties: z.record(z.string(), z.unknown(), 'an object: the record in data/’s shape'),
  location: z.object(
    {
      geometry: point.nullable(),
      precision: z.enum(['surveyed', 'approximate', 'schematic'], 'surveyed, approximate or schematic'),
      uncertainty_m: z.number().positive().nullable().optional(),
      how: z.string().nullable().optional(),
    },
    'an object: where the candidate is and how precisely',
  ),
  figures: z.array(z.string()).optional(),
  place: z.string().nullable().optional(),
  ranges: z.array(range).optional(),
  existing,
});

const indicatorCandidate = z.object({
  id: z.string().min(1),
  type: z.literal('indicator'),
  unit: z.string().min(1, 'the slug of the unit'),
  unit_code: z.string().nullable().optional(),
  indicator: z.string().min(1),
  value: z.number('a number'),
  qualifier: z.string().default('exact'),
  year: z.number().int().nullable().optional(),
  period_start: z.number().int().nullable().optional(),
  period_end: z.number().int().nullable().optional(),
  programme: z.string().nullable().optional(),
  note: z.string().nullable().optional(),
  figures: z.array(z.string()).optional(),
  ranges: z.array(range).optional(),
  existing,
});

export const acceptBody = z.strictObject({
  article: z.object(
    {
      title: z.string().trim().min(3, 'a title of at least 3 characters'),
      url: z.url({ protocol: /^https?$/, error: 'an http(s) URL or null' }).nullable(),
      publisher: z.string().trim().min(1).nullable().optional(),
      published: z.iso.date('a date YYYY-MM-DD or null').nullable().optional(),
      hash: z
        .string()
        .regex(/^[0-9a-f]{64}$/, 'the sha256 of the text, hex')
        .nullable()
        .optional(),
      // The ingestion answer's article may be sent back whole: its text gives the hash.
      text: z.string().optional(),
      lang: z.enum(['vi', 'en']).optional(),
    },
    'an object: the article (title, url, publisher, published)',
  ),
  candidates: z
    .array(
      z.discriminatedUnion('type', [featureCandidate, indicatorCandidate], {
        error: 'a candidate of type "feature" or "indicator"',
      }),
      'an array of candidates',
    )
    .min(1, 'at least one candidate'),
});
export type AcceptBody = z.infer<typeof acceptBody>;
type FeatureCand = z.infer<typeof featureCandidate>;
type IndicatorCand = z.infer<typeof indicatorCandidate>;

export interface Written {
  candidate: string;
  layer: string;
  id: number;
  slug: string;
  created: boolean;
}

/** The body checked, or a 400 naming every field that is wrong. */
export function readAcceptBody(body: unknown): AcceptBody {
  const r = acceptBody.safeParse(body);
  if (r.success) return r.data;
  const errors = r.error.issues.map((i) => ({ field: pathText(i.path), message: i.message }));
  throw invalidProblem(errors.length ? errors : [{ field: 'body', message: 'a JSON object' }], 400);
}

/** ['candidates', 2, 'location', 'geometry'] → candidates[2].location.geometry */
function pathText(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'body';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

/** A write API field of candidate `i` as the candidate names it. */
function candidateField(i: number, field: string): string {
  const at = `candidates[${i}]`;
  if (field === 'geometry') return `${at}.location.geometry`;
  if (field === 'properties.precision' || field === 'properties.uncertainty_m')
    return `${at}.location.${field.slice('properties.'.length)}`;
  if (field === 'properties.commune_code' || field === 'properties.commune_slug')
    return `${at}.properties.commune`;
  if (field === 'properties.source') return 'article';
  return `${at}.${field}`;
}

const MARKET_KEYS = Object.keys(marketDetails.shape);
const PARK_KEYS = Object.keys(industrialParkDetails.shape);

/** A candidate's properties as the write API takes them (commune by slug, a market's figures flat). */
function apiProperties(c: FeatureCand): Record<string, unknown> {
  const p: Record<string, unknown> = { ...c.properties };
  delete p.sources;
  delete p.source;
  if (c.layer !== 'roads' && typeof p.commune === 'string' && !p.commune_code && !p.commune_slug)
    p.commune_slug = p.commune;
  delete p.commune;
  const flatKeys =
    p.category === 'market' ? MARKET_KEYS : p.category === 'industrial_park' ? PARK_KEYS : null;
  if (flatKeys && p.details && typeof p.details === 'object') {
    for (const [k, v] of Object.entries(p.details as object)) if (!(k in p)) p[k] = v;
    delete p.details;
  }
  p.precision = c.location.precision;
  p.uncertainty_m = c.location.uncertainty_m ?? null;
  return p;
}

/** The properties the article gives over the feature's own: what it leaves out (null) stays. */
function overlay(base: Record<string, unknown>, given: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(given)) {
    if (v === null || v === undefined) continue;
    if (k === 'details' && v && typeof v === 'object' && base.details && typeof base.details === 'object')
      out.details = { ...(base.details as object), ...(v as object) };
    else out[k] = v;
  }
  return out;
}

interface Ctx {
  actor: Actor;
  sourceId: string;
}

async function acceptFeature(
  trx: Kysely<DB>,
  ctx: Ctx,
  c: FeatureCand,
  i: number,
  errors: FieldError[],
): Promise<Written | null> {
  const layer = findLayer(c.layer);
  const kind = c.layer;
  const given = apiProperties(c);
  const fail = (list: FieldError[]) => {
    for (const e of list) errors.push({ field: candidateField(i, e.field), message: e.message });
    return null;
  };
  if (c.existing) {
    if (c.existing.layer !== c.layer)
      return fail([{ field: 'existing.layer', message: `must be the candidate's layer "${c.layer}"` }]);
    const id = Number(c.existing.id);
    const before = await lockCurrent(trx, { layer, kind }, id, [c.existing.etag]);
    const base = await toApi(trx, kind, before);
    const keepsPlace = base.geometry !== null;
    const merged = overlay(base.properties, given);
    if (keepsPlace) {
      merged.precision = base.properties.precision;
      merged.uncertainty_m = base.properties.uncertainty_m;
    }
    delete merged.slug;
    const sources = [...new Set([...((before.properties.sources as string[]) ?? []), ctx.sourceId])].sort();
    const mapped = await fromApi(
      trx,
      layer,
      kind,
      { properties: merged, geometry: keepsPlace ? base.geometry : c.location.geometry },
      before.properties.slug,
      sources,
      before,
    );
    if (mapped.errors.length) return fail(mapped.errors);
    const wrote = await writeOrCollect(trx, kind, checked([], mapped), fail);
    if (!wrote) return null;
    const after = (await readRecord(trx, kind, id))!.record;
    await audit(trx, {
      actor: ctx.actor,
      layer: layer.id,
      featureId: id,
      operation: 'update',
      outcome: 'applied',
      before,
      after,
      sourceId: ctx.sourceId,
    });
    return { candidate: c.id, layer: layer.id, id, slug: before.properties.slug, created: false };
  }
  if (!c.location.geometry)
    return fail([
      {
        field: 'geometry',
        message: 'the candidate has no location: pick its place (a unit with a seat) before accepting',
      },
    ]);
  const slug =
    typeof given.slug === 'string' && given.slug
      ? given.slug
      : await freeSlug(trx, kind, String(given.name ?? given.ref ?? 'feature'));
  const mapped = await fromApi(trx, layer, kind, { properties: given, geometry: c.location.geometry }, slug, [
    ctx.sourceId,
  ]);
  if (mapped.errors.length) return fail(mapped.errors);
  const { rows } = await sql`SELECT 1 FROM ${sql.table(kind === 'border-gates' ? 'border_gates' : kind)}
    WHERE slug = ${slug}`.execute(trx);
  if (rows.length) return fail([{ field: 'properties.slug', message: `"${slug}" is taken: leave it out` }]);
  const wrote = await writeOrCollect(trx, kind, mapped.record!, fail);
  if (!wrote) return null;
  const id = await idOfSlug(trx, kind, slug);
  const after = (await readRecord(trx, kind, id))!.record;
  await audit(trx, {
    actor: ctx.actor,
    layer: layer.id,
    featureId: id,
    operation: 'create',
    outcome: 'applied',
    after,
    sourceId: ctx.sourceId,
  });
  return { candidate: c.id, layer: layer.id, id, slug, created: true };
}

/** writeRecord, its refusal collected as the candidate's errors (the others are still checked). */
async function writeOrCollect(
  trx: Kysely<DB>,
  kind: FeatureCand['layer'],
  record: RecordFeature,
  fail: (list: FieldError[]) => null,
): Promise<boolean> {
  try {
    await writeRecord(trx, { kind }, record);
    return true;
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    fail(e.errors);
    return false;
  }
}

/** The md5 of an indicator's row: its ETag (the `existing.etag` of an indicator candidate). */
export async function indicatorEtag(db: Kysely<DB>, id: number): Promise<string | undefined> {
  const { rows } = await sql<{
    e: string;
  }>`SELECT md5(i::text) AS e FROM indicators i WHERE i.id = ${id}`.execute(db);
  return rows[0] ? `"${rows[0].e}"` : undefined;
}

async function acceptIndicators(
  trx: Kysely<DB>,
  ctx: Ctx,
  list: { c: IndicatorCand; i: number }[],
  errors: FieldError[],
): Promise<Written[]> {
  if (!list.length) return [];
  for (const { c } of list) {
    if (!c.existing) continue;
    const id = Number(c.existing.id);
    await sql`SELECT 1 FROM indicators WHERE id = ${id} FOR UPDATE`.execute(trx);
    const etag = await indicatorEtag(trx, id);
    if (!etag) throw new ProblemError(404, 'not-found', 'Not found', `no indicator ${id}`);
    if (etag !== c.existing.etag)
      throw new Conflict(etag, { type: 'Feature', properties: { slug: String(id) }, geometry: null });
  }
  const records = list.map(({ c }) => ({
    record: {
      unit: c.unit,
      indicator: c.indicator,
      value: c.value,
      qualifier: c.qualifier,
      year: c.year ?? null,
      period_start: c.period_start ?? null,
      period_end: c.period_end ?? null,
      programme: c.programme ?? null,
      sources: [ctx.sourceId],
      ...(c.note ? { note: c.note } : {}),
    },
    takeOver: Boolean(c.existing),
  }));
  const before = new Map<string, unknown>();
  for (const { record } of records) {
    const key = indicatorKey(record as Parameters<typeof indicatorKey>[0]);
    const { rows } = await sql`SELECT to_jsonb(i) AS row FROM indicators i WHERE key = ${key}`.execute(trx);
    if (rows[0]) before.set(key, (rows[0] as { row: unknown }).row);
  }
  const r = await writeIndicatorRecords(trx, records, { origin: EDIT_ORIGIN });
  if (!r.ok) {
    for (const p of r.problems)
      errors.push({ field: `candidates[${list[p.n]!.i}].${p.field}`, message: p.reason });
    return [];
  }
  const out: Written[] = [];
  for (const w of r.written) {
    const { c } = list[w.n]!;
    const { rows } = await sql`SELECT to_jsonb(i) AS row FROM indicators i WHERE id = ${w.id}`.execute(trx);
    await audit(trx, {
      actor: ctx.actor,
      layer: 'indicators',
      featureId: w.id,
      operation: w.inserted ? 'create' : 'update',
      outcome: 'applied',
      before: before.get(w.key) ?? null,
      after: (rows[0] as { row: unknown }).row,
      sourceId: ctx.sourceId,
    });
    out.push({ candidate: c.id, layer: 'indicators', id: w.id, slug: w.key, created: w.inserted });
  }
  return out;
}

/** Writes the accepted candidates in one transaction; throws the problem that answers a refusal. */
export async function accept(
  db: Kysely<DB>,
  actor: Actor,
  body: AcceptBody,
): Promise<{ source: string; written: Written[] }> {
  const { article } = body;
  const textHash =
    article.hash ?? (article.text ? createHash('sha256').update(article.text).digest('hex') : null);
  const ids = body.candidates.map((c) => c.id);
  const twice = ids.findIndex((id, i) => ids.indexOf(id) !== i);
  if (twice >= 0)
    throw invalidProblem(
      [{ field: `candidates[${twice}].id`, message: `"${ids[twice]}" is given twice` }],
      400,
    );
  const updated = body.candidates.flatMap((c, i) =>
    c.existing ? [{ key: `${c.type}:${c.existing.id}`, i }] : [],
  );
  const dup = updated.find((u, k) => updated.findIndex((x) => x.key === u.key) !== k);
  if (dup)
    throw invalidProblem(
      [
        {
          field: `candidates[${dup.i}].existing`,
          message: 'another candidate updates the same feature: merge them',
        },
      ],
      400,
    );
  let conflictOf: { layer: string; id: number; before: RecordFeature; current: string } | null = null;
  try {
    return await db.transaction().execute(async (trx) => {
      const sourceId = await resolveSource(trx, {
        title: article.title,
        url: article.url,
        publisher: article.publisher ?? null,
        published: article.published ?? null,
        textHash,
      });
      const ctx: Ctx = { actor, sourceId };
      const errors: FieldError[] = [];
      const written: Written[] = [];
      const indicators: { c: IndicatorCand; i: number }[] = [];
      for (const [i, c] of body.candidates.entries()) {
        if (c.type === 'indicator') {
          indicators.push({ c, i });
          continue;
        }
        try {
          const w = await acceptFeature(trx, ctx, c, i, errors);
          if (w) written.push(w);
        } catch (e) {
          if (e instanceof Conflict && c.existing)
            conflictOf = { layer: c.layer, id: Number(c.existing.id), before: e.before, current: e.current };
          throw e;
        }
      }
      written.push(...(await acceptIndicators(trx, ctx, indicators, errors)));
      if (errors.length) throw new Invalid(errors);
      await bumpVersion(trx);
      const order = new Map(ids.map((id, i) => [id, i]));
      written.sort((a, b) => order.get(a.candidate)! - order.get(b.candidate)!);
      return { source: sourceId, written };
    });
  } catch (e) {
    if (e instanceof Invalid) throw invalidProblem(e.errors);
    if (e instanceof Conflict) {
      const c = conflictOf as { layer: string; id: number; before: RecordFeature; current: string } | null;
      if (c)
        await audit(db, {
          actor,
          layer: c.layer,
          featureId: c.id,
          operation: 'update',
          outcome: 'conflict',
          before: c.before,
          detail: `ingestion accept: the ETag given did not match ${c.current}`,
        });
      throw stale(e.current);
    }
    if (e instanceof ProblemError && e.status === 404)
      // An `existing` feature that is gone since the article was ingested: stale, as a changed one is.
      throw new ProblemError(
        412,
        'precondition-failed',
        'Precondition failed',
        `${e.message}: it was removed since the article was ingested; nothing was written. Ingest the article again`,
      );
    const refused = refusedByDatabase(e);
    if (refused) throw invalidProblem(refused.map((r) => ({ ...r, field: `candidates.${r.field}` })));
    throw e;
  }
}

export function acceptRouter(database: Database, auth: Auth): Router {
  const r = Router();
  const handler: RequestHandler = async (req, res) => {
    if (!req.is('application/json'))
      throw new ProblemError(
        415,
        'unsupported-media-type',
        'Unsupported media type',
        'send the body as application/json',
        {
          parameter: 'Content-Type',
        },
      );
    const body = readAcceptBody(req.body);
    res.json(await accept(database.db, actorOf(res), body));
  };
  r.post('/api/ingest/accept', auth.require('editor'), handler);
  return r;
}
