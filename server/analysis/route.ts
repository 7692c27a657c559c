/**
 * The analysis and statistics endpoints, one GET route per report
 * (server/analysis/index.ts), plus near-border as vector tiles.
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
import { badRequest } from '../http/problem.ts';
import { reports } from './index.ts';
import { nearBorderTiles } from './near-border-tiles.ts';
import { type Input, onlyKnown } from './params.ts';
import type { Report } from './report.ts';

type Format = 'json' | 'geojson' | 'csv';

/**
 * `f` is json (the default; GeoJSON already for near-border), csv, or
 * geojson for reports whose rows have a location (accessibility); CSV also
 * with `Accept: text/csv`.
 */
function format(req: Request, report: Report): Format {
  const f = req.query.f;
  const accepted = report.geojson || report.features ? ['json', 'geojson', 'csv'] : ['json', 'csv'];
  if (f !== undefined && (typeof f !== 'string' || !accepted.includes(f))) {
    throw badRequest('f', `one of ${accepted.join(', ')}`, f);
  }
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
  r.get('/api/analysis/near-border/tiles/:z/:x/:y.mvt', nearBorderTiles(db));
  for (const report of reports) {
    r.get(report.path, async (req, res) => {
      const query = req.query as Input;
      const fromPath = { ...(req.params as Record<string, string>) };
      onlyKnown(query, [...report.params.filter((p) => !(p in fromPath)), 'f']);
      const as = format(req, report);
      const params = report.parse({ ...query, ...fromPath });
      const result = await report.run(db, params);
      send(res, report, result, as);
    });
  }
  return r;
}
