/**
 * API tokens from the command line, for whoever runs the server.
 *
 *   npm run token -- create --role editor --name "Lan, Sở KH&ĐT Lào Cai"
 *   npm run token -- list            # add --format json for scripts
 *   npm run token -- revoke 3
 *
 * `create` prints the token once, on stdout (nothing else goes there), so
 * `TOKEN=$(npm run --silent token -- create --role editor --name ci)` works;
 * it is stored only as a hash. Connects like `npm start` (DATABASE_URL, else
 * the local server or the private cluster) and applies pending migrations;
 * it does not load the seed data. Exit codes:
 * 0 done, 2 bad arguments, 1 anything else (revoking an unknown or revoked id
 * is 1).
 */

import { createToken, isRole, listTokens, revokeToken, roles } from '../server/auth/tokens.ts';
import { loadConfig } from '../server/config.ts';
import { connect } from '../server/db/connect.ts';
import { migrateToLatest } from '../server/db/migrate.ts';
import { prepareServer } from '../server/prepare.ts';
import { parseCommandLine, runMain, UsageError } from './lib/run-main.ts';

const log = (m: string) => process.stderr.write(`token: ${m}\n`);

export const usage = `usage:
  npm run token -- create --role ${roles.join('|')} --name "<who>"
  npm run token -- list [--format json]
  npm run token -- revoke <id>
`;

type Command =
  | { kind: 'create'; role: (typeof roles)[number]; name: string }
  | { kind: 'list'; json: boolean }
  | { kind: 'revoke'; id: number };

export function parseArgs(argv: readonly string[]): Command {
  const [kind, ...rest] = argv;
  const options: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const key = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const value = eq > 0 ? arg.slice(eq + 1) : rest[++i];
    if (value === undefined) throw new UsageError(`--${key} needs a value`);
    if (key in options) throw new UsageError(`--${key} given twice`);
    options[key] = value;
  }
  const allow = (...keys: string[]) => {
    for (const k of Object.keys(options))
      if (!keys.includes(k)) throw new UsageError(`${kind} takes no --${k}`);
  };
  switch (kind) {
    case 'create': {
      allow('role', 'name');
      if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
      const { role, name } = options;
      if (!isRole(role))
        throw new UsageError(`--role must be one of ${roles.join(', ')}; got ${JSON.stringify(role)}`);
      if (name === undefined || !name.trim() || name.length > 200 || /\p{Cc}/u.test(name))
        throw new UsageError('--name must be 1 to 200 characters with no control characters');
      return { kind, role, name };
    }
    case 'list': {
      allow('format');
      if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
      const format = options.format ?? 'table';
      if (format !== 'table' && format !== 'json')
        throw new UsageError(`--format must be table or json; got "${format}"`);
      return { kind, json: format === 'json' };
    }
    case 'revoke': {
      allow();
      if (positional.length !== 1 || !/^[1-9]\d{0,8}$/.test(positional[0] as string))
        throw new UsageError('revoke takes one token id (a positive integer, from `list`)');
      return { kind, id: Number(positional[0]) };
    }
    default:
      throw new UsageError(kind ? `unknown command "${kind}"` : 'name a command: create, list or revoke');
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandLine(argv, usage, parseArgs, log);
  if ('exit' in parsed) return parsed.exit;
  const command = parsed.args;
  const config = loadConfig();
  const url = config.DATABASE_URL || (await prepareServer(config, log)).url;
  const database = connect(url, { max: 1 });
  try {
    // Accounts need only the schema: a token can be made before the first seed.
    const applied = await migrateToLatest(database.db);
    if (applied.length) log(`migrations applied: ${applied.join(', ')}`);
    if (command.kind === 'create') {
      const { id, token } = await createToken(database.db, command);
      process.stdout.write(`${token}\n`);
      log(
        `created token ${id} for "${command.name}" with the ${command.role} role; it is shown only this once`,
      );
      return 0;
    }
    if (command.kind === 'list') {
      const tokens = await listTokens(database.db);
      if (command.json) {
        process.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
      } else {
        const when = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '-');
        process.stdout.write('id\trole\tcreated\tlast used\trevoked\tname\n');
        for (const t of tokens)
          process.stdout.write(
            `${t.id}\t${t.role}\t${when(t.created_at)}\t${when(t.last_used_at)}\t${when(t.revoked_at)}\t${t.name}\n`,
          );
      }
      return 0;
    }
    if (await revokeToken(database.db, command.id)) {
      log(`revoked token ${command.id}`);
      return 0;
    }
    log(`no live token ${command.id} (unknown, or already revoked)`);
    return 1;
  } finally {
    await database.close();
  }
}

runMain(import.meta.url, main, log);
