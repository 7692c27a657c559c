/**
 * The app alone, on the database given, for benchmarks: no migration, no
 * seeding (the benchmark database must keep its generated data). Prints
 * `port <n>` once listening; stops on SIGTERM.
 *
 *   node --import tsx scripts/bench/features-server.ts postgres://…/border_atlas_bench
 *   BENCH_LOG_LEVEL=info …   # log as `npm start` does (to stderr; the benchmark sends it to /dev/null)
 *   BENCH_ANSWER_CACHE_MB=0 … # no answer cache: every page runs its SQL (default: as npm start)
 */
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createApp } from '../../server/app.ts';
import { connect } from '../../server/db/connect.ts';

const url = process.argv[2];
if (!url) {
  process.stderr.write('usage: features-server.ts <database url>\n');
  process.exit(2);
}
const database = connect(url, { max: 10, statementTimeoutMs: 10 * 60_000 });
const app = createApp({
  config: {
    BODY_LIMIT: '100kb',
    RETRY_AFTER_S: 5,
    ...(process.env.BENCH_ANSWER_CACHE_MB === undefined
      ? {}
      : { ANSWER_CACHE_MB: Number(process.env.BENCH_ANSWER_CACHE_MB) }),
  },
  database,
  logger: pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' }, pino.destination(2)),
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`port ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() =>
    app
      .close()
      .then(() => database.close())
      .then(() => process.exit(0)),
  );
});
