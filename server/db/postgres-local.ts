/**
 * Finding a PostgreSQL server to use, in the order DESIGN.md gives:
 * DATABASE_URL; else the local server on 127.0.0.1:5432; else a private
 * cluster under .data/pg started with the machine's initdb/pg_ctl.
 *
 * initdb and postgres refuse to run as root, so a root process runs them as
 * the `postgres` system user (runuser), which must be able to reach the
 * data directory.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, chmodSync, chownSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import pg from 'pg';

export interface Located {
  /** URL of a maintenance database on the same server (used to create databases). */
  adminUrl: string;
  /** How the server was found: env, local or private. */
  origin: 'env' | 'local' | 'private';
}

/** True when a connection to `url` succeeds within `timeoutMs`. */
export async function canConnect(url: string, timeoutMs = 3000): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Newest PostgreSQL binaries directory on a Debian machine (/usr/lib/postgresql/<major>/bin). */
export function findPgBin(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((d) => existsSync(`${root}/${d}/bin/initdb`))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length > 0) return `${root}/${majors[0]}/bin`;
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return dirname(which.stdout.trim());
  throw new Error(
    'no PostgreSQL server binaries (initdb) found: install Debian\'s "postgresql" package, or set DATABASE_URL',
  );
}

function asPostgresUser(cmd: string, args: string[]): string[] {
  if (process.getuid?.() !== 0) return [cmd, ...args];
  return ['runuser', '-u', 'postgres', '--', cmd, ...args];
}

function run(argv: string[]): void {
  const [cmd, ...args] = argv as [string, ...string[]];
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${argv.join(' ')} failed (${r.status}):\n${r.stderr || r.stdout}`);
  }
}

/**
 * Starts (initialising first if needed) a private cluster in `dir`, listening on
 * 127.0.0.1:`port` with trust authentication for local connections only.
 */
export async function startPrivateCluster(
  dir: string,
  port: number,
  log: (m: string) => void,
): Promise<string> {
  const abs = resolve(dir);
  const bin = findPgBin();
  const asRoot = process.getuid?.() === 0;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  if (await canConnect(url, 1000)) return url;
  if (!existsSync(`${abs}/PG_VERSION`)) {
    log(`initialising a private PostgreSQL cluster in ${abs}`);
    mkdirSync(abs, { recursive: true });
    if (asRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(abs, uid, gid);
      chmodSync(abs, 0o700);
      // The postgres user must be able to walk down to the directory.
      for (let p = dirname(abs); p !== '/'; p = dirname(p)) {
        if ((statSync(p).mode & 0o001) === 0) {
          throw new Error(
            `the private cluster needs ${p} to be searchable by the postgres user (chmod o+x ${p}), or set DATABASE_URL`,
          );
        }
      }
    } else {
      accessSync(abs);
    }
    run(
      asPostgresUser(`${bin}/initdb`, [
        '-D',
        abs,
        '-U',
        'postgres',
        '--auth=trust',
        '-E',
        'UTF8',
        '--locale=C.UTF-8',
      ]),
    );
  }
  log(`starting the private PostgreSQL cluster in ${abs} on port ${port}`);
  run(
    asPostgresUser(`${bin}/pg_ctl`, [
      '-D',
      abs,
      '-l',
      `${abs}/server.log`,
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -c listen_addresses=127.0.0.1 -k ${abs}`,
      'start',
    ]),
  );
  return url;
}

/** Stops a private cluster started by {@link startPrivateCluster} (fast shutdown). */
export function stopPrivateCluster(dir: string): void {
  const bin = findPgBin();
  run(asPostgresUser(`${bin}/pg_ctl`, ['-D', resolve(dir), '-m', 'fast', '-w', 'stop']));
}

/** Finds a server in the documented order, starting the private one as a last resort. */
export async function locateServer(opts: {
  databaseUrl: string;
  privateDir: string;
  privatePort: number;
  log: (m: string) => void;
}): Promise<Located> {
  if (opts.databaseUrl) {
    const u = new URL(opts.databaseUrl);
    u.pathname = '/postgres';
    return { adminUrl: u.toString(), origin: 'env' };
  }
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await canConnect(local)) return { adminUrl: local, origin: 'local' };
  opts.log('no PostgreSQL answers on 127.0.0.1:5432; using a private cluster');
  const adminUrl = await startPrivateCluster(opts.privateDir, opts.privatePort, opts.log);
  return { adminUrl, origin: 'private' };
}
