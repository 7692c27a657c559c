/**
 * A filter the service cannot run, with where it went wrong. The feature
 * API turns it into a 400 naming the `filter` parameter.
 */
export class Cql2Error extends Error {
  constructor(
    message: string,
    /** 1-based character position in the filter text. */
    readonly pos: number,
  ) {
    super(message);
  }
}
