/**
 * The app in a process of its own for the harness (npm run load / chaos):
 * prepared as `npm start` prepares it (server/prepare.ts: find PostgreSQL,
 * PostGIS, database, migrations, seed; DATABASE_URL when set), with the
 * configuration of server/config.ts, logging as configured to stdout.
 * Writes `listening <port>` on stderr once it accepts connections; drains
 * on SIGTERM. A separate process so that the load generator does not share
 * the server's event loop.
 *
 *   node --import tsx scripts/lib/serve.ts        (startServer() below does this)
 */
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { connect } from '../../server/db/connect.ts';
import { migrateAndSeed, prepareServer } from '../../server/prepare.ts';

const config = loadConfig({ PORT: '0', ...process.env });
const logger = pino({ level: config.LOG_LEVEL });
const log = (m: string) => process.stderr.write(`serve: ${m}\n`);

const prepared = await prepareServer(config, log);
await migrateAndSeed(prepared.url, log);
const database = connect(prepared.url, {
  max: config.PG_POOL_MAX,
  statementTimeoutMs: config.PG_STATEMENT_TIMEOUT_MS,
  onError: (e) => logger.warn({ err: e.message }, 'database connection lost'),
});
const app = createApp({ config, database, logger });
const server = app.listen(config.PORT, '127.0.0.1', () => {
  process.stderr.write(`listening ${(server.address() as AddressInfo).port}\n`);
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
