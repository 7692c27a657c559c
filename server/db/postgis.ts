/**
 * Makes sure the PostGIS extension can be created on the server at `adminUrl`.
 * When it is missing and we are root on a Debian machine, installs
 * postgresql-<major>-postgis-3 for the server's major version; otherwise stops
 * with a message that names the package.
 */
import { spawnSync } from 'node:child_process';
import pg from 'pg';

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

export async function serverMajor(url: string): Promise<number> {
  const [row] = await query<{ v: string }>(url, 'SHOW server_version_num');
  return Math.floor(Number(row?.v) / 10000);
}

export async function postgisAvailable(url: string): Promise<boolean> {
  const rows = await query(url, "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'");
  return rows.length > 0;
}

export class MissingPostgis extends Error {}

export async function ensurePostgis(
  url: string,
  allowInstall: boolean,
  log: (m: string) => void,
): Promise<void> {
  if (await postgisAvailable(url)) return;
  const pkg = `postgresql-${await serverMajor(url)}-postgis-3`;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!allowInstall || !isRoot || !hasApt) {
    throw new MissingPostgis(
      `the PostGIS extension is not installed for this PostgreSQL server: install Debian's ${pkg} ` +
        `(apt-get install ${pkg}) ` +
        (allowInstall ? '(automatic install needs root and apt-get)' : '(AUTO_INSTALL_POSTGIS=false)'),
    );
  }
  log(`installing ${pkg} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '-q', pkg], { stdio: 'inherit', env });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    r = spawnSync('apt-get', ['install', '-y', '-q', pkg], { stdio: 'inherit', env });
  }
  if (r.status !== 0 || !(await postgisAvailable(url))) {
    throw new MissingPostgis(`installing ${pkg} failed; install it by hand (apt-get install ${pkg})`);
  }
}

/** Creates database `name` on the server when it does not exist. `name` is validated by config. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`bad database name ${name}`);
  const rows = await query(adminUrl, `SELECT 1 FROM pg_database WHERE datname = '${name}'`);
  if (rows.length === 0) await query(adminUrl, `CREATE DATABASE ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`bad database name ${name}`);
  await query(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
