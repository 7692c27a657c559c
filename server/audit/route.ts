/**
 * Reading the audit and undoing a delete:
 *
 *   GET  /api/audit?layer=&id=&since=&limit=&f=csv   admin: the edits, newest first (JSON or CSV)
 *   POST /api/audit/{id}/restore                     admin: a deleted feature back from the row's `before`
 *   GET  /api/features/{layer}/{id}/edits            editor: who edited a feature when ("last edited by")
 *   GET  /api/sources                                public: the sources a write may cite
 */
import { Router } from 'express';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import { type Auth, actorOf } from '../auth/index.ts';
import type { DB } from '../db/types.ts';
import { restoreRecord } from '../features/edit.ts';
import type { RecordFeature } from '../features/edit-records.ts';
import { Invalid, invalidProblem } from '../features/edit-support.ts';
import { apiRoot } from '../features/links.ts';
import { toCsv, wantsCsv } from '../http/csv.ts';
import { field, format, type Input, int, noParams, Rejected, readParams, text } from '../http/params.ts';
import { notFound, ProblemError } from '../http/problem.ts';
import { bumpVersion } from '../import/provenance.ts';
import { getLayer, layerIds, layers } from '../layers/index.ts';
import { audit } from './log.ts';

const positive = (description: string) =>
  field(
    { description, schema: { type: 'integer', minimum: 1 }, required: true, trim: false },
    (raw): number => {
      if (raw === undefined || !/^[1-9]\d{0,14}$/.test(raw)) throw new Rejected('a positive integer');
      return Number(raw);
    },
  );

export const auditQuery = z.object({
  layer: text({ description: 'Only this layer (a collection id)', max: 100, example: 'projects' }),
  id: field(
    { description: 'Only this feature id (with layer)', schema: { type: 'integer', minimum: 1 } },
    (raw): number | undefined => {
      if (raw === undefined) return undefined;
      if (!/^[1-9]\d{0,14}$/.test(raw)) throw new Rejected('a positive integer');
      return Number(raw);
    },
  ),
  since: field(
    {
      description: 'Only edits at or after this time (ISO 8601 date or date-time)',
      schema: { type: 'string', format: 'date-time' },
    },
    (raw): string | undefined => {
      if (raw === undefined) return undefined;
      if (
        !/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw) ||
        Number.isNaN(Date.parse(raw))
      )
        throw new Rejected('an ISO 8601 date or date-time such as 2026-11-30 or 2026-11-30T10:00:00Z');
      return raw;
    },
  ),
  limit: int({ description: 'At most this many rows', min: 1, max: 10000, default: 100 }),
  f: format(['json', 'csv'] as const, 'json or csv'),
});

export const auditIdPath = z.object({ id: positive('The audit row id') });
export const editsPath = z.object({
  layer: text({ description: 'A layer id', required: true, max: 100 }),
  id: positive('The feature id in that layer'),
});

const COLUMNS = [
  'id',
  'at',
  'token_id',
  'actor_name',
  'layer',
  'feature_id',
  'operation',
  'outcome',
  'source_id',
  'detail',
  'before',
  'after',
] as const;

const AT = sql<string>`to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('at');

export function auditRouter(db: Kysely<DB>, auth: Auth): Router {
  const r = Router();

  r.get('/api/audit', auth.require('admin'), async (req, res) => {
    const q = readParams(auditQuery, req.query as Input);
    if (q.layer !== undefined && !getLayer(q.layer))
      throw notFound(`no layer "${q.layer}"; layers: ${layerIds.join(', ')}`);
    let query = db
      .selectFrom('audit_log')
      // The CSV's columns, in their order; `at` as ISO 8601 in UTC.
      .select(COLUMNS.map((c) => (c === 'at' ? AT : c)))
      .orderBy('audit_log.id', 'desc')
      .limit(q.limit);
    if (q.layer !== undefined) query = query.where('layer', '=', q.layer);
    if (q.id !== undefined) query = query.where('feature_id', '=', q.id);
    if (q.since !== undefined) query = query.where('at', '>=', sql<Date>`${q.since}::timestamptz`);
    const rows = (await query.execute()).map((row) => ({ ...row, id: Number(row.id) }));
    if (q.f === 'csv' || (q.f === undefined && wantsCsv(req))) {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="audit.csv"');
      res.send(toCsv(COLUMNS, rows));
      return;
    }
    res.json({ edits: rows });
  });

  r.post('/api/audit/:id/restore', auth.require('admin'), async (req, res) => {
    readParams(noParams, req.query as Input);
    const { id } = readParams(auditIdPath, req.params);
    const row = await db.selectFrom('audit_log').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`no audit record ${id}`);
    const layer = getLayer(row.layer);
    if (row.operation !== 'delete' || row.outcome !== 'applied' || !row.before || !layer)
      throw new ProblemError(
        409,
        'not-a-delete',
        'Conflict',
        `audit record ${id} is not an applied delete (${row.operation}, ${row.outcome}); only a deleted feature can be restored`,
      );
    const actor = actorOf(res);
    const before = row.before as unknown as RecordFeature;
    let restored: { id: number };
    try {
      restored = await db.transaction().execute(async (trx) => {
        const out = await restoreRecord(trx, layer, before);
        await bumpVersion(trx);
        await audit(trx, {
          actor,
          layer: layer.id,
          featureId: out.id,
          operation: 'restore',
          outcome: 'applied',
          after: out.after,
          detail: `restored from audit record ${id} (feature ${row.feature_id})`,
        });
        return out;
      });
    } catch (e) {
      if (e instanceof Invalid) throw invalidProblem(e.errors);
      throw e;
    }
    const location = `${apiRoot(req)}/collections/${layer.id}/items/${restored.id}`;
    res.status(201).setHeader('Location', location);
    res.json({ layer: layer.id, id: restored.id, location });
  });

  r.get('/api/features/:layer/:id/edits', auth.require('editor'), async (req, res) => {
    readParams(noParams, req.query as Input);
    const layer = getLayer(String(req.params.layer));
    if (!layer) throw notFound(`no layer "${req.params.layer}"; layers: ${layerIds.join(', ')}`);
    const { id } = readParams(editsPath, req.params);
    // Layers showing the same rows (a market is a project): an edit through either counts.
    const same = layers.filter((l) => l.citationEntity === layer.citationEntity).map((l) => l.id);
    const rows = await db
      .selectFrom('audit_log')
      .select([
        'id',
        sql<string>`to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('at'),
        'actor_name as actor',
        'operation',
      ])
      .where('layer', 'in', same)
      .where('feature_id', '=', id)
      .where('outcome', '=', 'applied')
      .orderBy('audit_log.id', 'desc')
      .limit(50)
      .execute();
    res.json({ edits: rows.map((e) => ({ ...e, id: Number(e.id) })) });
  });

  r.get('/api/sources', async (req, res) => {
    readParams(noParams, req.query as Input);
    const sources = await db
      .selectFrom('sources')
      .select(['id', 'title', 'publisher', 'url', 'language', 'topic'])
      .select(sql<string | null>`to_char(published, 'YYYY-MM-DD')`.as('published'))
      .orderBy('id')
      .execute();
    res.json({ sources });
  });

  return r;
}
