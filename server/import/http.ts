/**
 * POST /api/import: the import command (scripts/import.ts) over HTTP, for
 * editors. The same core (importFile: one transaction, all or nothing),
 * the same options, the same JSON report.
 *
 *   curl -H "Authorization: Bearer $TOKEN" -F file=@communes.gpkg -F layer=communes \
 *        -F parent=11 -F source="Bản đồ hành chính 2025, https://example.org/map" \
 *        -F dry_run=true https://atlas.example/api/import
 *
 * Fields (multipart/form-data): `file` (one), `layer`, `source`, and as the
 * command line's options `map`, `where` (field=column,…), `srid`, `parent`,
 * `input_layer`, `precision`, `uncertainty`, `strict`, `dry_run`
 * (true/false). A bad field is a 400 naming it, before anything is read
 * into the database; a file over IMPORT_MAX_BYTES is a 413.
 *
 * Answers: 200 with the report when the file landed (or would: dry run, or
 * nothing to change); 422 with the report when records were refused
 * (report.problems; nothing written). With `Accept: application/x-ndjson`
 * the answer streams instead: one `{"progress":{phase,records,bytes,totalBytes}}`
 * line per step, then `{"report":{…}}` (status 200 either way; read
 * report.ok), or `{"error":{problem}}` if the import failed after it began.
 *
 * An import that commits is recorded through `audit` inside its
 * transaction (operation 'import'); a refused one afterwards, with outcome
 * 'rejected'. Dry runs leave no record.
 */
import { type Request, type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import { type Actor, type Auth, actorOf } from '../auth/index.ts';
import type { DB } from '../db/types.ts';
import { badRequest, ProblemError } from '../http/problem.ts';
import { receiveUpload } from './http-upload.ts';
import {
  ImportArgumentError,
  type ImportLayer,
  type ImportOptions,
  type ImportProgress,
  type ImportReport,
  importFile,
  parsePairs,
} from './index.ts';

/** The form's fields besides `file`, as the command line's options (`input_layer` is `--input-layer`). */
export const IMPORT_FIELDS = [
  'layer',
  'source',
  'map',
  'where',
  'srid',
  'parent',
  'input_layer',
  'precision',
  'uncertainty',
  'strict',
  'dry_run',
] as const;

export interface ImportAuditEntry {
  actor: Actor;
  layer: ImportLayer;
  operation: 'import';
  outcome: 'applied' | 'rejected';
  /** The report's source (cited by every imported record). */
  sourceId: string | null;
  /** The report without its lists: file, counts, data version. */
  detail: Record<string, unknown>;
}

export interface ImportRouteOptions {
  /** Largest file taken (IMPORT_MAX_BYTES). */
  maxBytes: number;
  /** Writes the audit record; `db` is the import's transaction when it commits. */
  audit?: (db: Kysely<DB>, entry: ImportAuditEntry) => Promise<void>;
}

/** CLI option (`--input-layer`) → form field (`input_layer`). */
export function fieldOf(option: string): string {
  return option.replace(/^--/, '').replace(/-/g, '_');
}

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off', ''];

function flag(fields: Map<string, string>, name: string): boolean {
  const v = fields.get(name)?.trim().toLowerCase();
  if (v === undefined) return false;
  if (TRUE.includes(v)) return true;
  if (FALSE.includes(v)) return false;
  throw badRequest(name, 'true or false', v);
}

function number(fields: Map<string, string>, name: string, integer: boolean): number | undefined {
  const v = fields.get(name)?.trim();
  if (v === undefined || v === '') return undefined;
  if (!(integer ? /^\d{1,9}$/ : /^\d{1,9}(\.\d+)?$/).test(v))
    throw badRequest(name, integer ? 'a positive integer' : 'a positive number', v);
  return Number(v);
}

/** The form's fields as importFile's options; a bad one is a 400 naming it. */
export function importOptions(file: string, fields: Map<string, string>): ImportOptions {
  const text = (name: string) => {
    const v = fields.get(name)?.trim();
    if (v !== undefined && /[\p{Cc}]/u.test(v)) throw badRequest(name, 'text without control characters', v);
    return v === '' ? undefined : v;
  };
  const pairs = (name: string) => {
    const v = text(name);
    return v === undefined ? undefined : parsePairs(name, v);
  };
  return {
    file,
    layer: (text('layer') ?? '') as ImportLayer,
    source: text('source') ?? '',
    map: pairs('map'),
    where: pairs('where'),
    srid: number(fields, 'srid', true),
    parent: text('parent'),
    inputLayer: text('input_layer'),
    precision: text('precision') as ImportOptions['precision'],
    uncertaintyM: number(fields, 'uncertainty', false),
    strict: flag(fields, 'strict'),
    dryRun: flag(fields, 'dry_run'),
  };
}

/** An ImportArgumentError as the 400 problem naming the form field. */
function asProblem(e: ImportArgumentError, upload?: { file: string; filename: string }): ProblemError {
  const field = fieldOf(e.option);
  // The file's own name, not where it waits on our disk.
  const got = upload ? e.got.replaceAll(upload.file, upload.filename) : e.got;
  return new ProblemError(400, 'bad-parameter', 'Bad parameter', `${field}: ${got}; expected ${e.accepts}`, {
    parameter: field,
  });
}

/** The report as the client knows the file: by the name it sent. */
function named(r: ImportReport, filename: string): ImportReport {
  const rename = (p: ImportReport['problems'][number]) => ({ ...p, file: filename });
  return { ...r, file: filename, problems: r.problems.map(rename), warnings: r.warnings.map(rename) };
}

function summary(r: ImportReport): Record<string, unknown> {
  const { problems: _p, warnings: _w, ...rest } = r;
  return rest;
}

function wantsStream(req: Request): boolean {
  return /application\/x-ndjson/i.test(req.headers.accept ?? '');
}

export function importRouter(db: Kysely<DB>, auth: Auth, opts: ImportRouteOptions): Router {
  const router = Router();
  router.post('/api/import', auth.require('editor'), async (req, res) => {
    const actor = actorOf(res);
    res.setHeader('Cache-Control', 'no-store');
    const upload = await receiveUpload(req, { maxBytes: opts.maxBytes, fields: IMPORT_FIELDS });
    try {
      let options: ImportOptions;
      try {
        options = importOptions(upload.file, upload.fields);
      } catch (e) {
        if (e instanceof ImportArgumentError) throw asProblem(e);
        throw e;
      }
      const stream = wantsStream(req) ? progressStream(res) : undefined;
      let report: ImportReport;
      try {
        const raw = await importFile(db, options, {
          onProgress: stream?.progress,
          beforeCommit: opts.audit
            ? (trx, r) =>
                opts.audit!(trx, {
                  actor,
                  layer: r.layer,
                  operation: 'import',
                  outcome: 'applied',
                  sourceId: r.source.id,
                  detail: summary({ ...r, file: upload.filename }),
                })
            : undefined,
        });
        report = named(raw, upload.filename);
      } catch (e) {
        const p = e instanceof ImportArgumentError ? asProblem(e, upload) : e;
        if (stream?.started()) return stream.fail(p, req);
        throw p;
      }
      if (!report.ok && !report.dryRun && opts.audit) {
        await opts.audit(db, {
          actor,
          layer: report.layer,
          operation: 'import',
          outcome: 'rejected',
          sourceId: null,
          detail: summary(report),
        });
      }
      if (stream) return stream.end(report);
      res.status(report.ok ? 200 : 422).json(report);
    } finally {
      upload.remove();
    }
  });
  return router;
}

/** The NDJSON answer: headers sent with the first line, so an early argument error is still a 400. */
function progressStream(res: Response) {
  let started = false;
  let last: ImportProgress['phase'] | undefined;
  let lastAt = 0;
  const start = () => {
    if (started) return;
    started = true;
    res.status(200).type('application/x-ndjson');
  };
  const line = (o: unknown) => {
    start();
    res.write(`${JSON.stringify(o)}\n`);
  };
  return {
    started: () => started,
    progress(p: ImportProgress) {
      if (p.phase === 'done') return; // the report follows
      const now = Date.now();
      // Every phase change, and within a phase at most five lines a second.
      if (p.phase === last && now - lastAt < 200) return;
      last = p.phase;
      lastAt = now;
      line({ progress: p });
    },
    end(report: ImportReport) {
      line({ report });
      res.end();
    },
    fail(e: unknown, req: Request) {
      const p =
        e instanceof ProblemError
          ? e
          : new ProblemError(500, 'internal', 'Internal error', 'the import failed; nothing was written');
      if (!(e instanceof ProblemError)) req.log?.error({ err: e }, 'import failed');
      line({ error: { status: p.status, title: p.title, detail: p.message, ...p.extra } });
      res.end();
    },
  };
}
