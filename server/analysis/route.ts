/**
 * The analysis and statistics endpoints, one GET route per report
 * (server/analysis/index.ts). Near-border as vector tiles is served by the
 * tile subsystem (server/analysis/near-border-tiles.ts).
 *
 *   GET /api/analysis/near-border?km=10            → GeoJSON (application/geo+json)
 *   GET /api/stats/investment?by=province&f=csv    → CSV (also with Accept: text/csv)
 *   GET /api/analysis/near-border/tiles/8/203/113.mvt?km=10
 *
 * Every input goes through the report's own parser: unknown parameters and
 * bad values are 400 problems naming the parameter (server/http/errors.ts).
 * Answers are kept per data version (cache.ts): the same report with the
 * same parameters runs once until the data changes; an answer from the
 * cache says so in `Server-Timing` (`cache;desc="hit"`).
 */
import { type Request, type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import type { DataVersion } from '../db/data-version.ts';
import type { DB } from '../db/types.ts';
import { CSV_TYPE, toCsv, wantsCsv } from '../http/csv.ts';
import { format, type Input, type Params, readParams } from '../http/params.ts';
import { type RenderedReport, ReportCache } from './cache.ts';
import { reports } from './index.ts';
import type { Report } from './report.ts';

type Format = 'json' | 'geojson' | 'csv';

/** The names of the path parameters of an Express route (`:code`). */
export function pathParamNames(route: string): string[] {
  return [...route.matchAll(/:(\w+)/g)].map((m) => m[1]!);
}

/**
 * The query of a report over HTTP: its declared inputs less those of the
 * path, and `f`: json (the default; GeoJSON already for near-border), csv,
 * or geojson for reports whose rows have a location (accessibility).
 */
export function reportQuery(report: Report): Params {
  const inPath = Object.fromEntries(pathParamNames(report.path).map((n) => [n, true] as const));
  const formats = report.geojson || report.features ? ['json', 'geojson', 'csv'] : ['json', 'csv'];
  return report.params.omit(inPath as never).extend({ f: format(formats) });
}

/** The path parameters of a report. */
export function reportPath(report: Report): Params {
  const inPath = Object.fromEntries(pathParamNames(report.path).map((n) => [n, true] as const));
  return report.params.pick(inPath as never);
}

/** CSV also with `Accept: text/csv`. */
function answerFormat(req: Request, report: Report, f: unknown): Format {
  if (f === 'geojson' && report.features) return 'geojson';
  return wantsCsv(req) ? 'csv' : 'json';
}

/** A report's answer as it goes out: media type, body and, for CSV, the file name. */
export function render(report: Report, result: unknown, as: Format): RenderedReport {
  if (as === 'csv') {
    const t = report.table(result);
    return {
      type: CSV_TYPE,
      body: toCsv(t.columns, t.rows),
      disposition: `inline; filename="${report.name}.csv"`,
    };
  }
  if (as === 'geojson' && report.features) {
    return { type: 'application/geo+json', body: JSON.stringify(report.features(result)) };
  }
  return {
    type: report.geojson ? 'application/geo+json' : 'application/json',
    body: report.jsonText ? report.jsonText(result) : JSON.stringify(report.json(result)),
  };
}

export function send(res: Response, answer: RenderedReport): void {
  res.type(answer.type);
  if (answer.disposition) res.setHeader('Content-Disposition', answer.disposition);
  res.send(answer.body);
}

/** The default size of the answer cache, in megabytes (REPORT_CACHE_MB). */
export const REPORT_CACHE_MB = 32;

/**
 * `version` is the app's data-version listener: answers are cached under
 * it. Without one (a script that only wants the routes), every request runs
 * its report.
 */
export function analysisRouter(
  db: Kysely<DB>,
  version?: DataVersion,
  opts: { REPORT_CACHE_MB?: number; acquire?: () => Promise<() => void> } = {},
): Router {
  const r = Router();
  const cache = version && new ReportCache(version, opts.REPORT_CACHE_MB ?? REPORT_CACHE_MB);
  for (const report of reports) {
    const query = reportQuery(report);
    r.get(report.path, async (req, res) => {
      const { f } = readParams(query, req.query as Input);
      const as = answerFormat(req, report, f);
      const { f: _, ...inputs } = req.query as Input;
      const params = report.parse({ ...inputs, ...(req.params as Record<string, string>) });
      // A slot of the analysis limiter (server/http/limits.ts) only when the report must run.
      const run = async () => {
        const release = opts.acquire ? await opts.acquire() : () => {};
        try {
          return render(report, await report.run(db, params), as);
        } finally {
          release();
        }
      };
      const { answer, hit } = cache
        ? await cache.through(report, params, as, run)
        : { answer: await run(), hit: false };
      // A computed answer gets the app's db/app/total entries (server/http/timing.ts); a cached one says so.
      if (hit) res.setHeader('Server-Timing', 'cache;desc="hit"');
      send(res, answer);
    });
  }
  return r;
}
