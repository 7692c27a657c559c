/**
 * Records the examples of the OpenAPI document from real answers: creates a
 * scratch database, migrates and seeds it from data/, starts the app on it,
 * calls every request the document names (`x-example-request`) and writes
 * the answers to server/http/openapi-examples.json. Then drops the database.
 *
 *   npm run openapi:examples
 *
 * tests/openapi-examples.test.ts fails when the stored answers and the
 * server's differ; run this after a change of data or of an answer.
 */
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { seed } from '../seeds/index.ts';
import { createApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { connect } from '../server/db/connect.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { dropDatabase, ensureDatabase } from '../server/db/postgis.ts';
import {
  EXAMPLES_PATH,
  exampleRequests,
  examplesText,
  recordExamples,
} from '../server/http/openapi-examples.ts';
import { openapiDocument } from '../server/openapi.ts';
import { postgisServer } from '../server/prepare.ts';

const log = (m: string) => process.stderr.write(`openapi-examples: ${m}\n`);

async function main(): Promise<void> {
  const config = loadConfig();
  const located = await postgisServer(config, log);
  const name = `border_atlas_examples_${process.pid}_${Date.now().toString(36)}`;
  const url = await ensureDatabase(located.adminUrl, name);
  const database = connect(url, { max: 4 });
  const logger = pino({ level: 'silent' });
  try {
    await migrateToLatest(database.db);
    await seed(database.db);
    const app = createApp({ config: { BODY_LIMIT: '100kb', RETRY_AFTER_S: 5 }, database, logger });
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const requests = exampleRequests(openapiDocument(`${base}/ogc`, base));
      const answers = await recordExamples(base, requests);
      writeFileSync(EXAMPLES_PATH, examplesText(answers));
      log(`${requests.length} answers written to ${EXAMPLES_PATH.pathname}`);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await app.close();
    }
  } finally {
    await database.close();
    await dropDatabase(located.adminUrl, name);
  }
}

main().catch((e) => {
  log(`failed: ${e instanceof Error ? e.stack : String(e)}`);
  process.exitCode = 1;
});
