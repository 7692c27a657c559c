/**
 * Regenerates server/db/types.ts (the Kysely `DB` interface) from the schema
 * the migrations build: creates a scratch database on the server npm start
 * would use, migrates it, runs kysely-codegen, drops the scratch database.
 *
 *   npm run db:types             # rewrite server/db/types.ts
 *   npm run db:types -- --check  # exit 1 when the file is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../server/config.ts';
import { connect } from '../server/db/connect.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { dropDatabase, ensureDatabase } from '../server/db/postgis.ts';
import { postgisServer, projectRoot } from '../server/prepare.ts';
import { generateDbTypes, typesFile } from './lib/db-types.ts';

const log = (m: string) => process.stderr.write(`${m}\n`);
const check = process.argv.includes('--check');
const config = loadConfig();
const located = await postgisServer(config, log);
const name = `border_atlas_types_${process.pid}_${Date.now().toString(36)}`;
const url = await ensureDatabase(located.adminUrl, name);
let text: string;
try {
  const database = connect(url, { max: 2 });
  try {
    await migrateToLatest(database.db);
  } finally {
    await database.close();
  }
  text = await generateDbTypes(url);
} finally {
  await dropDatabase(located.adminUrl, name);
}
const relative = path.relative(projectRoot, typesFile);
if (check) {
  if (readFileSync(typesFile, 'utf8') !== text) {
    log(`${relative} does not match the migrations: run npm run db:types`);
    process.exit(1);
  }
  log(`${relative} matches the migrations`);
} else {
  writeFileSync(typesFile, text);
  log(`wrote ${relative}`);
}
