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
