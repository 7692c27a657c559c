/**
 * What every analysis or statistics report declares, once: its parameters,
 * how to read them, how to run it, and how its answer looks as JSON (or
 * GeoJSON) and as a CSV table. The HTTP router and `npm run stats` are both
 * built from these objects, so they give the same numbers and reject the same
 * input with the same message.
 */
import type { FeatureCollection } from 'geojson';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import type { Input, Params } from '../http/params.ts';

export interface Table {
  columns: readonly string[];
  rows: readonly Record<string, unknown>[];
}

export interface Report<P = any, R = any> {
  /** CLI name: `npm run stats -- <name>`. */
  name: string;
  /** Express route (path parameters become inputs of the same name). */
  path: string;
  summary: string;
  /**
   * Its inputs besides `f`, declared once (server/http/params.ts): path
   * parameters under the names `path` gives them, then query parameters.
   * The router, `npm run stats` and the OpenAPI document read this.
   */
  params: Params;
  /** `readParams(params, input)` plus checks across parameters; throws a 400 ProblemError naming the parameter. */
  parse(input: Input): P;
  /** Runs the report; `progress` receives a line now and then for long reports. */
  run(db: Kysely<DB>, params: P, progress?: (message: string) => void): Promise<R>;
  /** The JSON body (a GeoJSON FeatureCollection when `geojson`). */
  json(result: R): unknown;
  /** The same body already serialised, when the report can write it faster than JSON.stringify(json(r)). */
  jsonText?(result: R): string;
  /** The same answer as a table, for CSV. */
  table(result: R): Table;
  /** True when the JSON body is itself GeoJSON (application/geo+json). */
  geojson?: boolean;
  /** For a JSON table whose rows have a location: the rows as GeoJSON, for `f=geojson`. */
  features?(result: R): FeatureCollection;
}
