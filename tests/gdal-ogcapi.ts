/**
 * Finds an `ogrinfo` whose OGCAPI driver opens vector tile layers (GDAL ≥
 * 3.7.1; Debian 12's gdal-bin is 3.6.2). Tried in order, the first new
 * enough wins:
 *   1. `GDAL_OGCAPI_OGRINFO`, a command line (`/usr/local/bin/ogrinfo`,
 *      `chroot /opt/gdal-trixie ogrinfo`);
 *   2. the machine's own `ogrinfo`;
 *   3. Debian 13's gdal-bin in a chroot at /opt/gdal-trixie, which `.ci/run`
 *      installs with debootstrap (`chroot` as root, `unshare -r chroot`
 *      otherwise). A chroot shares the network, so http://127.0.0.1:port works.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const TRIXIE_ROOT = '/opt/gdal-trixie';
export const VECTOR_TILES_SINCE = [3, 7, 1] as const;

export interface Ogrinfo {
  /** The command and its first arguments; ogrinfo's own arguments follow. */
  argv: string[];
  version: [number, number, number];
  label: string;
}

/** Why no GDAL ≥ 3.7.1 was found, and how to get one. */
export const HOW_TO_GET =
  `no ogrinfo of GDAL >= ${VECTOR_TILES_SINCE.join('.')} (OGCAPI vector tiles): run .ci/run as root, which installs ` +
  `Debian 13's gdal-bin under ${TRIXIE_ROOT} with debootstrap ` +
  `(debootstrap --variant=minbase --include=gdal-bin,python3-numpy trixie ${TRIXIE_ROOT} http://deb.debian.org/debian), ` +
  'or set GDAL_OGCAPI_OGRINFO to the command of one';

async function versionOf(argv: string[]): Promise<[number, number, number] | undefined> {
  try {
    const { stdout } = await run(argv[0]!, [...argv.slice(1), '--version'], { timeout: 30_000 });
    const m = /GDAL (\d+)\.(\d+)\.(\d+)/.exec(stdout);
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
  } catch {
    return undefined;
  }
}

const atLeast = (v: readonly number[], min: readonly number[]) =>
  v[0]! * 10000 + v[1]! * 100 + v[2]! >= min[0]! * 10000 + min[1]! * 100 + min[2]!;

/** Every candidate with its version (undefined: did not run), in the order they are tried. */
export async function ogrinfoCandidates(): Promise<{ argv: string[]; version?: [number, number, number] }[]> {
  const lists: string[][] = [];
  const fromEnv = process.env.GDAL_OGCAPI_OGRINFO?.trim();
  if (fromEnv) lists.push(fromEnv.split(/\s+/));
  lists.push(['ogrinfo']);
  if (existsSync(`${TRIXIE_ROOT}/usr/bin/ogrinfo`)) {
    lists.push(
      process.getuid?.() === 0
        ? ['chroot', TRIXIE_ROOT, 'ogrinfo']
        : ['unshare', '--map-root-user', 'chroot', TRIXIE_ROOT, 'ogrinfo'],
    );
  }
  return Promise.all(lists.map(async (argv) => ({ argv, version: await versionOf(argv) })));
}

/** The first ogrinfo of GDAL ≥ 3.7.1, or undefined. */
export async function findVectorTilesOgrinfo(): Promise<Ogrinfo | undefined> {
  for (const c of await ogrinfoCandidates()) {
    if (c.version && atLeast(c.version, VECTOR_TILES_SINCE)) {
      return { argv: c.argv, version: c.version, label: `GDAL ${c.version.join('.')} (${c.argv.join(' ')})` };
    }
  }
  return undefined;
}

/** Runs that ogrinfo with these arguments. */
export function ogrinfo(
  o: Ogrinfo,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string }> {
  return run(o.argv[0]!, [...o.argv.slice(1), ...args], { env, maxBuffer: 64 * 1024 * 1024 });
}
