/**
 * OGC API - Features Part 4 (Create, Replace, Update, Delete) for the
 * writable layers of the registry (those with an import target):
 *
 *   POST   /ogc/collections/{id}/items          a Feature        → 201, Location, ETag
 *   PUT    /ogc/collections/{id}/items/{fid}    a Feature        → 200, ETag      (If-Match)
 *   PATCH  /ogc/collections/{id}/items/{fid}    a merge patch    → 200, ETag      (If-Match)
 *   DELETE /ogc/collections/{id}/items/{fid}                     → 204            (If-Match)
 *
 * Every write is one transaction: the row is locked (SELECT … FOR UPDATE),
 * its ETag compared with If-Match, the feature mapped to a record in
 * data/'s shape (edit-records.ts) and written through the one write path
 * (server/import/write.ts: the same checks as seeding and import), the
 * audit row written and the data version bumped. Anything refused rolls it
 * all back. Rows an edit touches belong to the origin 'edit' from then on,
 * so seeding leaves them alone (seeds/load.ts).
 *
 * Derived layers (border segments, countries) have no write route: 405
 * with Allow from server/http/methods.ts, before the body is read.
 */
import express, { type RequestHandler, Router } from 'express';
import { type Kysely, sql } from 'kysely';
import { audit, type Operation } from '../audit/log.ts';
import { type Actor, type Auth, actorOf } from '../auth/index.ts';
import type { Database } from '../db/connect.ts';
import type { DB } from '../db/types.ts';
import { notFound, ProblemError } from '../http/problem.ts';
import { bumpVersion } from '../import/provenance.ts';
import { slugify } from '../import/slug.ts';
import type { KeyedLayer } from '../import/targets/index.ts';
import { removeRows, writeRecords } from '../import/write.ts';
import { layers } from '../layers/index.ts';
import type { LayerDef } from '../layers/types.ts';
import {
  apiField,
  type FieldError,
  fromApi,
  inLayer,
  keyedLayerOf,
  type RecordFeature,
  readRecord,
  TABLES,
  toApi,
} from './edit-records.ts';
import {
  etagOf,
  etagSql,
  featureBody,
  Invalid,
  ifMatch,
  invalidProblem,
  matches,
  mergePatch,
  readSource,
  refusedByDatabase,
  resolveSource,
  stale,
} from './edit-support.ts';
import { featureText } from './feature-text.ts';
import { findLayer } from './find-layer.ts';
import { featureSql } from './items-sql.ts';
import { apiRoot, MEDIA } from './links.ts';
import { RAW_TEXT } from './raw-values.ts';

export const MERGE_PATCH = 'application/merge-patch+json';

/** The origin of rows the write API wrote or took over. */
export const EDIT_ORIGIN = 'edit';

const READ_ONLY_ALLOW = 'GET, HEAD, OPTIONS';
const ITEMS_ALLOW = 'GET, HEAD, POST, OPTIONS';
const ITEM_ALLOW = 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS';

/** The methods a path takes, for OPTIONS and 405. */
export function allowOf(layer: LayerDef, item: boolean): string {
  if (!keyedLayerOf(layer)) return READ_ONLY_ALLOW;
  return item ? ITEM_ALLOW : ITEMS_ALLOW;
}

/** OPTIONS on items and an item: 204 with Allow (mounted before cors, which answers preflights). */
export const featureOptions: RequestHandler = (req, res, next) => {
  if (req.method !== 'OPTIONS' || req.headers['access-control-request-method']) return next();
  const m = /^\/ogc\/collections\/([^/]+)\/items(\/[^/]+)?\/?$/.exec(req.path);
  if (!m) return next();
  let layer: LayerDef;
  try {
    layer = findLayer(decodeURIComponent(m[1]!));
  } catch (e) {
    return next(e);
  }
  res.setHeader('Allow', allowOf(layer, m[2] !== undefined));
  res.status(204).end();
};

function contentType(kinds: string[]): RequestHandler {
  return (req, _res, next) => {
    if (req.is(kinds)) return next();
    throw new ProblemError(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      `send the body as ${kinds.join(' or ')}`,
      { parameter: 'Content-Type' },
    );
  };
}

function featureId(raw: unknown, layer: LayerDef): number {
  const s = String(raw);
  if (!/^\d{1,15}$/.test(s)) throw notFound(`no feature ${JSON.stringify(s)} in ${layer.id}`);
  return Number(s);
}

/** The feature as GET answers it, and its ETag, after the write (undefined when it left the layer). */
async function answerOf(database: Database, layer: LayerDef, id: number) {
  // Text and ETag in one statement, so of one snapshot (as GET reads them, item.ts).
  const q = sql`SELECT q.*, ${etagSql(layer, id)} AS etag FROM (${featureSql(layer, id, 4326)}) q`.compile(
    database.db,
  );
  const r = await database.pool.query({
    text: q.sql,
    values: q.parameters as unknown[],
    rowMode: 'array',
    types: RAW_TEXT,
  });
  const row = r.rows[0] as unknown[] | undefined;
  if (!row) return undefined;
  return { text: featureText(layer.properties)(row), etag: `"${row[row.length - 1]}"` };
}

/** A conflict after the transaction: the audit keeps the attempt. */
export class Conflict extends Error {
  constructor(
    readonly current: string,
    readonly before: RecordFeature,
  ) {
    super('stale ETag');
  }
}

export interface Ctx {
  layer: LayerDef;
  kind: KeyedLayer;
  actor: Actor;
}

export function editRouter(database: Database, auth: Auth, bodyLimit: string): Router {
  const r = Router();
  const { db } = database;
  const json = express.json({ type: [MEDIA.geojson, MERGE_PATCH], limit: bodyLimit });
  const asFeature = contentType([MEDIA.json, MEDIA.geojson]);
  const asPatch = contentType([MERGE_PATCH, MEDIA.json]);
  const editor = auth.require('editor');

  const ctxOf = (layer: LayerDef, res: Parameters<RequestHandler>[1]): Ctx => ({
    layer,
    kind: keyedLayerOf(layer)!,
    actor: actorOf(res),
  });

  /** Runs `write` in one transaction; maps refusals to 422 and stale ETags to 412 (audited). */
  async function transact<T>(
    ctx: Ctx,
    id: number | null,
    op: Operation,
    write: (trx: Kysely<DB>) => Promise<T>,
  ) {
    try {
      return await db.transaction().execute(write);
    } catch (e) {
      if (e instanceof Invalid) throw invalidProblem(e.errors);
      if (e instanceof Conflict) {
        await audit(db, {
          actor: ctx.actor,
          layer: ctx.layer.id,
          featureId: id,
          operation: op,
          outcome: 'conflict',
          before: e.before,
          detail: `If-Match did not match the ETag ${e.current}`,
        });
        throw stale(e.current);
      }
      const refused = refusedByDatabase(e);
      if (refused) throw invalidProblem(refused);
      throw e;
    }
  }

  /** The source of the body checked and resolved, the errors of the body's own checks added. */
  /** The source of the body checked and resolved (null when refused: its errors go to `errors`). */
  async function cite(trx: Kysely<DB>, properties: Record<string, unknown>, errors: FieldError[]) {
    const { ref, errors: sourceErrors } = readSource(properties.source);
    delete properties.source;
    errors.push(...sourceErrors);
    if (!ref) return null;
    try {
      return await resolveSource(trx, ref);
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      errors.push(...e.errors);
      return null;
    }
  }

  async function respond(
    res: Parameters<RequestHandler>[1],
    req: Parameters<RequestHandler>[0],
    ctx: Ctx,
    id: number,
    status: number,
    fallback: RecordFeature | undefined,
  ) {
    const out = await answerOf(database, ctx.layer, id);
    const self = `${apiRoot(req)}/collections/${ctx.layer.id}/items/${id}`;
    if (status === 201) res.setHeader('Location', self);
    res.status(status);
    res.setHeader('Content-Type', `${MEDIA.geojson}; charset=utf-8`);
    if (!out) {
      // It left the layer (a unit given an end date, a market made a school): the record as written.
      res.send(JSON.stringify({ ...(fallback ? await toApi(db, ctx.kind, fallback) : {}), id }));
      return;
    }
    if (out.etag) res.setHeader('ETag', out.etag);
    res.send(out.text);
  }

  // ── POST: create ──────────────────────────────────────────────────────────
  const create =
    (layer: LayerDef): RequestHandler =>
    async (req, res) => {
      const ctx = ctxOf(layer, res);
      const body = featureBody(req.body, false);
      const created = await transact(ctx, null, 'create', async (trx) => {
        const errors: FieldError[] = [];
        const given = body.properties.slug;
        let slug: string;
        if (given !== undefined) {
          slug = String(given);
          const { rows } =
            await sql`SELECT 1 FROM ${sql.table(TABLES[ctx.kind].table)} WHERE slug = ${slug}`.execute(trx);
          if (rows.length)
            errors.push({
              field: 'properties.slug',
              message: `"${slug}" is taken: leave it out or choose another`,
            });
        } else {
          slug = await freeSlug(trx, ctx.kind, String(body.properties.name ?? 'feature'));
        }
        const sourceId = await cite(trx, body.properties, errors);
        const mapped = await fromApi(
          trx,
          ctx.layer,
          ctx.kind,
          { properties: body.properties, geometry: body.geometry },
          slug,
          sourceId ? [sourceId] : [],
        );
        await writeRecord(trx, ctx, checked(errors, mapped));
        const id = await idOfSlug(trx, ctx.kind, slug);
        const after = (await readRecord(trx, ctx.kind, id))!.record;
        await bumpVersion(trx);
        await audit(trx, {
          actor: ctx.actor,
          layer: ctx.layer.id,
          featureId: id,
          operation: 'create',
          outcome: 'applied',
          after,
          sourceId,
        });
        return { id, after };
      });
      await respond(res, req, ctx, created.id, 201, created.after);
    };

  // ── PUT / PATCH: replace, update ─────────────────────────────────────────
  const change =
    (layer: LayerDef, op: 'replace' | 'update'): RequestHandler =>
    async (req, res) => {
      const ctx = ctxOf(layer, res);
      const id = featureId(req.params.featureId, ctx.layer);
      const tags = ifMatch(req.get('If-Match'));
      const body = featureBody(req.body, op === 'update');
      const done = await transact(ctx, id, op, async (trx) => {
        const before = await lockCurrent(trx, ctx, id, tags);
        const errors: FieldError[] = [];
        const source = body.properties.source;
        delete body.properties.source;
        let merged: { properties: Record<string, unknown>; geometry: unknown };
        if (op === 'update') {
          const patch = req.body as Record<string, unknown>;
          const base = await toApi(trx, ctx.kind, before);
          const p = mergePatch(base, { ...patch, properties: body.properties }) as typeof merged;
          merged = { properties: p.properties ?? {}, geometry: 'geometry' in p ? p.geometry : null };
          if ('geometry' in patch && !('precision' in body.properties))
            errors.push({
              field: 'properties.precision',
              message: 'required when the geometry changes: surveyed, approximate or schematic',
            });
        } else {
          merged = { properties: body.properties, geometry: body.geometry ?? null };
        }
        const givenSlug = merged.properties.slug;
        if (givenSlug !== undefined && givenSlug !== before.properties.slug)
          errors.push({
            field: 'properties.slug',
            message: `a feature keeps its slug ("${before.properties.slug}")`,
          });
        merged.properties.source = source;
        const sourceId = await cite(trx, merged.properties, errors);
        const sources = [
          ...new Set([...((before.properties.sources as string[]) ?? []), ...(sourceId ? [sourceId] : [])]),
        ].sort();
        const mapped = await fromApi(
          trx,
          ctx.layer,
          ctx.kind,
          merged,
          before.properties.slug,
          sources,
          before,
        );
        await writeRecord(trx, ctx, checked(errors, mapped));
        const after = (await readRecord(trx, ctx.kind, id))!.record;
        if (JSON.stringify(after) !== JSON.stringify(before)) await bumpVersion(trx);
        await audit(trx, {
          actor: ctx.actor,
          layer: ctx.layer.id,
          featureId: id,
          operation: op,
          outcome: 'applied',
          before,
          after,
          sourceId,
        });
        return after;
      });
      await respond(res, req, ctx, id, 200, done);
    };

  // ── DELETE ───────────────────────────────────────────────────────────────
  const remove =
    (layer: LayerDef): RequestHandler =>
    async (req, res) => {
      const ctx = ctxOf(layer, res);
      const id = featureId(req.params.featureId, ctx.layer);
      const tags = ifMatch(req.get('If-Match'));
      await transact(ctx, id, 'delete', async (trx) => {
        const before = await lockCurrent(trx, ctx, id, tags);
        const n = await removeRows(trx, ctx.kind, EDIT_ORIGIN, [before.properties.slug]);
        if (n === 0)
          throw new ProblemError(
            409,
            'still-referenced',
            'Conflict',
            `${ctx.layer.id} ${id} is still referenced (projects, border gates, indicators or units point at it); nothing was deleted`,
          );
        await bumpVersion(trx);
        await audit(trx, {
          actor: ctx.actor,
          layer: ctx.layer.id,
          featureId: id,
          operation: 'delete',
          outcome: 'applied',
          before,
        });
      });
      res.status(204).end();
    };

  // Concrete paths per writable layer: on a derived layer (border segments, countries) no write
  // route matches, so methodNotAllowed answers 405 with Allow before the body is read.
  for (const layer of layers.filter((l) => keyedLayerOf(l))) {
    const items = `/ogc/collections/${layer.id}/items`;
    const item = `${items}/:featureId`;
    r.post(items, editor, asFeature, json, create(layer));
    r.put(item, editor, asFeature, json, change(layer, 'replace'));
    r.patch(item, editor, asPatch, json, change(layer, 'update'));
    r.delete(item, editor, remove(layer));
  }

  return r;
}

/** A slug from the name not yet taken in the layer's table. */
export async function freeSlug(trx: Kysely<DB>, kind: KeyedLayer, name: string): Promise<string> {
  const base = slugify(name, 100) || 'feature';
  const { rows } = await sql<{ slug: string }>`
    SELECT slug FROM ${sql.table(TABLES[kind].table)} WHERE slug = ${base} OR slug LIKE ${`${base}-%`}`.execute(
    trx,
  );
  const taken = new Set(rows.map((r) => r.slug));
  let slug = base;
  for (let i = 2; taken.has(slug); i++) slug = `${base}-${i}`;
  return slug;
}

/** Restores a deleted feature from its audit record's `before` (the audit router's restore). */
export async function restoreRecord(
  trx: Kysely<DB>,
  layer: LayerDef,
  record: RecordFeature,
): Promise<{ id: number; after: RecordFeature }> {
  const kind = keyedLayerOf(layer);
  if (!kind) throw new ProblemError(409, 'not-writable', 'Conflict', `${layer.id} cannot be written`);
  const slug = record.properties.slug;
  const { rows } = await sql`SELECT 1 FROM ${sql.table(TABLES[kind].table)} WHERE slug = ${slug}`.execute(
    trx,
  );
  if (rows.length)
    throw new ProblemError(
      409,
      'exists',
      'Conflict',
      `a feature with the slug "${slug}" exists; nothing was restored`,
    );
  const result = await writeRecords(
    trx,
    kind,
    [{ label: `"${slug}"`, properties: record.properties, geometry: record.geometry }],
    { origin: EDIT_ORIGIN },
  );
  if (!result.ok)
    throw new Invalid(
      result.problems.list.map((p) => ({
        field: apiField(kind, String(record.properties.category ?? ''), p.field.split('.')),
        message: p.reason,
      })),
    );
  const { rows: ids } = await sql<{ id: number }>`
    SELECT id::int FROM ${sql.table(TABLES[kind].table)} WHERE slug = ${slug}`.execute(trx);
  const id = ids[0]!.id;
  return { id, after: (await readRecord(trx, kind, id))!.record };
}

/** Writes one record through the write path; its problems become field errors. */
export async function writeRecord(
  trx: Kysely<DB>,
  ctx: Pick<Ctx, 'kind'>,
  record: RecordFeature,
): Promise<void> {
  const result = await writeRecords(
    trx,
    ctx.kind,
    [{ label: `"${record.properties.slug}"`, properties: record.properties, geometry: record.geometry }],
    { origin: EDIT_ORIGIN },
  );
  if (!result.ok) {
    const category = String(record.properties.category ?? '');
    throw new Invalid(
      result.problems.list.map((p) => ({
        field: apiField(ctx.kind, category, p.field === 'geometry' ? ['geometry'] : p.field.split('.')),
        message: p.reason,
      })),
    );
  }
}

export async function idOfSlug(trx: Kysely<DB>, kind: KeyedLayer, slug: string): Promise<number> {
  const { rows } = await sql<{ id: number }>`
    SELECT id::int FROM ${sql.table(TABLES[kind].table)} WHERE slug = ${slug}`.execute(trx);
  return rows[0]!.id;
}

/** Locks the row, checks it is the layer's and its ETag; returns the stored record. */
export async function lockCurrent(
  trx: Kysely<DB>,
  ctx: Pick<Ctx, 'layer' | 'kind'>,
  id: number,
  tags: string[],
) {
  const { rows } = await sql`
    SELECT 1 FROM ${sql.table(TABLES[ctx.kind].table)} WHERE id = ${id}::bigint FOR UPDATE`.execute(trx);
  const current = rows.length ? await readRecord(trx, ctx.kind, id) : undefined;
  const etag = current && inLayer(ctx.layer, current.record) ? await etagOf(trx, ctx.layer, id) : undefined;
  if (!current || !etag) throw notFound(`no feature ${id} in ${ctx.layer.id}`);
  if (!matches(tags, etag)) throw new Conflict(etag, current.record);
  if (current.origin !== EDIT_ORIGIN)
    await sql`UPDATE ${sql.table(TABLES[ctx.kind].table)} SET origin = ${EDIT_ORIGIN} WHERE id = ${id}::bigint`.execute(
      trx,
    );
  return current.record;
}

/** Every problem found, once per field, or the checked record. */
export function checked(
  errors: FieldError[],
  mapped: { record?: RecordFeature; errors: FieldError[] },
): RecordFeature {
  const seen = new Set<string>();
  const all = [...errors, ...mapped.errors].filter((e) => !seen.has(e.field) && seen.add(e.field));
  if (all.length || !mapped.record) throw new Invalid(all);
  return mapped.record;
}
