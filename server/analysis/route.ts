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
 */
import { type Request, type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { CSV_TYPE, toCsv, wantsCsv } from '../http/csv.ts';
import { format, type Input, type Params, readParams } from '../http/params.ts';
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

export function send(res: Response, report: Report, result: unknown, as: Format): void {
  if (as === 'csv') {
    const t = report.table(result);
    res.type(CSV_TYPE);
    res.setHeader('Content-Disposition', `inline; filename="${report.name}.csv"`);
    res.send(toCsv(t.columns, t.rows));
    return;
  }
  if (as === 'geojson' && report.features) {
    res.type('application/geo+json');
    res.send(JSON.stringify(report.features(result)));
    return;
  }
  res.type(report.geojson ? 'application/geo+json' : 'application/json');
  res.send(report.jsonText ? report.jsonText(result) : JSON.stringify(report.json(result)));
}

export function analysisRouter(db: Kysely<DB>): Router {
  const r = Router();
  for (const report of reports) {
    const query = reportQuery(report);
    r.get(report.path, async (req, res) => {
      const { f } = readParams(query, req.query as Input);
      const as = answerFormat(req, report, f);
      const { f: _, ...inputs } = req.query as Input;
      const params = report.parse({ ...inputs, ...(req.params as Record<string, string>) });
      const result = await report.run(db, params);
      send(res, report, result, as);
    });
  }
  return r;
}
