/**
 * Pieces of the write API that are not routes: the strong ETag of a
 * feature, If-Match, JSON Merge Patch (RFC 7396), the `source` a write
 * cites, and the problems a refused write answers with.
 *
 * The ETag is the md5 of the feature's row of the layer's view: it changes
 * when anything the feature shows changes, and not when another feature
 * does (so edits of different features never make each other stale).
 */
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/types.ts';
import { ProblemError } from '../http/problem.ts';
import { slug as slugRule } from '../import/schema.ts';
import { slugify } from '../import/slug.ts';
import type { LayerDef } from '../layers/types.ts';
import type { FieldError } from './edit-records.ts';

/** The md5 of feature `id`'s row of the layer's view, as an SQL expression (GET reads it with the row). */
export function etagSql(layer: LayerDef, id: number) {
  return sql<string>`(SELECT md5(t::text) FROM ${sql.table(layer.view)} t WHERE t.id = ${id}::bigint)`;
}

/** The strong ETag of feature `id` of the layer as it is now (in `db`'s snapshot), undefined when absent. */
export async function etagOf(db: Kysely<DB>, layer: LayerDef, id: number): Promise<string | undefined> {
  const { rows } = await sql<{ e: string | null }>`SELECT ${etagSql(layer, id)} AS e`.execute(db);
  return rows[0]?.e ? `"${rows[0].e}"` : undefined;
}

/** The If-Match header, required on PUT, PATCH and DELETE (428 without). */
export function ifMatch(header: string | undefined): string[] {
  if (header === undefined || header.trim() === '')
    throw new ProblemError(
      428,
      'precondition-required',
      'Precondition required',
      'send If-Match with the ETag of the feature as you last read it (GET the item for it)',
    );
  return header.split(',').map((s) => s.trim());
}

/** Whether the stored ETag is one of If-Match's (strong comparison: a weak tag never matches). */
export function matches(tags: string[], current: string): boolean {
  return tags.some((t) => t === '*' || t === current);
}

/** 412: the feature changed since the client read it. */
export function stale(current: string): ProblemError {
  return new ProblemError(
    412,
    'precondition-failed',
    'Precondition failed',
    'the feature changed since you read it (If-Match does not match its ETag); nothing was written. GET it again, re-apply your change and send the new ETag',
    { etag: current },
  );
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** RFC 7396: objects merge key by key, null removes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, Json>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** A refused write: 422 naming every field, `parameter` the first. */
export class Invalid extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}

export function invalidProblem(errors: FieldError[], status = 422): ProblemError {
  const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  return new ProblemError(status, 'invalid-feature', 'Invalid feature', `nothing was written: ${detail}`, {
    parameter: errors[0]?.field ?? 'body',
    errors,
  });
}

/** A JSON body that is an object, else 400 naming what was wrong. */
export function featureBody(
  body: unknown,
  partial: boolean,
): { properties: Record<string, unknown>; geometry?: unknown } {
  const bad = (message: string) => invalidProblem([{ field: 'body', message }], 400);
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body))
    throw bad(partial ? 'a JSON Merge Patch object' : 'a GeoJSON Feature object');
  const b = body as Record<string, unknown>;
  if (!partial && b.type !== 'Feature') throw bad('a GeoJSON Feature ("type": "Feature")');
  if (
    b.properties !== undefined &&
    (b.properties === null || typeof b.properties !== 'object' || Array.isArray(b.properties))
  )
    throw invalidProblem([{ field: 'properties', message: 'an object' }], 400);
  if (!partial && b.properties === undefined)
    throw invalidProblem([{ field: 'properties', message: 'missing' }], 400);
  return { properties: { ...((b.properties as Record<string, unknown>) ?? {}) }, geometry: b.geometry };
}

/** What a write cites: an existing source by id, or a new one (title and URL). */
export const sourceRef = z.union([
  z.strictObject({ id: slugRule }),
  z.strictObject({
    title: z.string().trim().min(3, 'a title of at least 3 characters'),
    url: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }),
    publisher: z.string().trim().min(1).nullable().optional(),
    published: z.iso.date('a date YYYY-MM-DD').nullable().optional(),
  }),
]);
export type SourceRef = z.infer<typeof sourceRef>;

/** An article that becomes a source (ingestion's accept): its URL may be unknown, its text's sha256 known. */
export interface ArticleRef {
  title: string;
  url: string | null;
  publisher?: string | null;
  /** The article's date, YYYY-MM-DD. */
  published?: string | null;
  /** sha256 of its plain text (hex): finds the same article pasted again without its URL. */
  textHash?: string | null;
}

/** The `source` property checked, or the field errors. */
export function readSource(value: unknown): { ref?: SourceRef; errors: FieldError[] } {
  if (value === undefined || value === null)
    return {
      errors: [
        {
          field: 'properties.source',
          message:
            'missing: every write cites a source, { "id": "<source id>" } or { "title", "url", "publisher" }',
        },
      ],
    };
  const r = sourceRef.safeParse(value);
  if (r.success) return { ref: r.data, errors: [] };
  return {
    errors: [
      {
        field: 'properties.source',
        message:
          'either { "id": "<existing source id>" } or { "title": "…", "url": "https://…", "publisher": "…" }',
      },
    ],
  };
}

/**
 * The id of the cited source: checked when given, else found by URL (or, for
 * an article without one, by the hash of its text) or created (id
 * `edit-<title>`). The article's date and text hash are kept: written on a
 * new source, filled in on a found one that had none.
 */
export async function resolveSource(trx: Kysely<DB>, ref: SourceRef | ArticleRef): Promise<string> {
  if ('id' in ref) {
    const found = await trx.selectFrom('sources').select('id').where('id', '=', ref.id).executeTakeFirst();
    if (!found) throw new Invalid([{ field: 'properties.source.id', message: `unknown source "${ref.id}"` }]);
    return found.id;
  }
  const published = ref.published ?? null;
  const textHash = 'textHash' in ref ? (ref.textHash ?? null) : null;
  const same = ref.url
    ? await trx.selectFrom('sources').select('id').where('url', '=', ref.url).orderBy('id').executeTakeFirst()
    : textHash
      ? await trx
          .selectFrom('sources')
          .select('id')
          .where('text_hash', '=', textHash)
          .orderBy('id')
          .executeTakeFirst()
      : undefined;
  if (same) {
    if (published || textHash)
      await trx
        .updateTable('sources')
        .set((eb) => ({
          published: eb.fn.coalesce('published', sql<string | null>`${published}::date`),
          text_hash: eb.fn.coalesce('text_hash', sql<string | null>`${textHash}`),
        }))
        .where('id', '=', same.id)
        .execute();
    return same.id;
  }
  const base = `edit-${slugify(ref.title, 60) || 'source'}`;
  const taken = new Set(
    (
      await trx
        .selectFrom('sources')
        .select('id')
        .where((eb) => eb.or([eb('id', '=', base), eb('id', 'like', `${base}-%`)]))
        .execute()
    ).map((r) => r.id),
  );
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base}-${i}`;
  await trx
    .insertInto('sources')
    .values({
      id,
      title: ref.title,
      url: ref.url,
      publisher: ref.publisher ?? null,
      topic: 'edit',
      published,
      text_hash: textHash,
    })
    .execute();
  return id;
}

/** A database refusal of the values (class 22 data exception, 23 integrity constraint) as a 422, else undefined. */
export function refusedByDatabase(e: unknown): FieldError[] | undefined {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string' || !/^2[23]/.test(code)) return undefined;
  const column = (e as { column?: string }).column;
  const message = `the database refused the values: ${(e as Error).message}`;
  return [{ field: column ? `properties.${column}` : 'properties', message }];
}
