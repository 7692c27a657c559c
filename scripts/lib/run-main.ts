/**
 * The tail of every command-line script that exports `main(argv) → exit
 * code` (so tests can import it): run it when the file is the script node
 * was started with, set the exit code, and report a thrown error in one
 * line through the script's own `log`.
 *
 *   runMain(import.meta.url, main, log);
 */
export function runMain(
  moduleUrl: string,
  main: (argv: readonly string[]) => Promise<number>,
  log: (message: string) => void,
): void {
  if (moduleUrl !== `file://${process.argv[1]}`) return;
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      log(`failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}

/** A bad command line: the script prints the message and its usage, and exits 2. */
export class UsageError extends Error {}

/**
 * The head of such a `main`: `--help` prints the usage (exit 0), a
 * UsageError from `parse` prints its message and the usage (exit 2);
 * otherwise the parsed arguments.
 */
export function parseCommandLine<T>(
  argv: readonly string[],
  usage: string,
  parse: (argv: readonly string[]) => T,
  log: (message: string) => void,
): { args: T } | { exit: number } {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage);
    return { exit: 0 };
  }
  try {
    return { args: parse(argv) };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    log(e.message);
    process.stderr.write(usage);
    return { exit: 2 };
  }
}
