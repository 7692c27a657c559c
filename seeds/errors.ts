/** A bad record in data/: names the file, the record and the field. */
export class SeedError extends Error {
  constructor(
    readonly file: string,
    readonly record: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${file}: record ${record}: field ${field}: ${reason}`);
  }
}
