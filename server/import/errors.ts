/**
 * The two ways an import can fail.
 *
 * - `ImportArgumentError`: the request itself is wrong (unknown layer, no
 *   source, an SRID PostGIS does not know, a file that cannot be opened).
 *   It names the option, so the command line prints it and a later HTTP
 *   endpoint can answer 400 naming the parameter (server/http/problem.ts).
 * - A bad record is not thrown: it becomes a `Problem` in the report
 *   (file, record, field, why), and the whole import is rolled back.
 */
export class ImportArgumentError extends Error {
  constructor(
    /** The option at fault, as the command line spells it ("--srid", "file"). */
    readonly option: string,
    /** What the option accepts. */
    readonly accepts: string,
    /** What was given (or why it could not be used). */
    readonly got: string,
  ) {
    super(`${option}: ${got}; expected ${accepts}`);
  }
}

/** One record (or the file itself) that stops the import. */
export interface Problem {
  file: string;
  /** `#12 "03368"` (12th feature), `line 5` (CSV), or `(file)`. */
  record: string;
  field: string;
  reason: string;
}

/** A record refused by a writer of records without a staging table (sources, indicators, countries). */
export class RecordError extends Error {
  constructor(
    /** `#3 "art-que-phong"`. */
    readonly record: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`record ${record}: field ${field}: ${reason}`);
  }
}
