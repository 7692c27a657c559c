// Installs npm dependencies when they are missing or older than the lockfile.
// Plain JavaScript on purpose: it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function ensureDeps() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  const stale =
    !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs);
  if (!stale) return;
  // `npm install`, not `npm ci`: the lockfile written here omits other
  // platforms' optional packages (Biome's, esbuild's), which `npm ci` rejects
  // as out of sync; `npm install` follows the same lockfile versions.
  process.stderr.write('installing npm dependencies (npm install)…\n');
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write('npm install failed; see the output above\n');
    process.exit(r.status ?? 1);
  }
}

export function bin(name) {
  return path.join(root, 'node_modules', '.bin', name);
}

/** Runs a child in the foreground, forwarding SIGINT/SIGTERM, and exits with its code. */
export function runForeground(cmd, args, env = process.env) {
  return new Promise((resolve) => {
    import('node:child_process').then(({ spawn }) => {
      const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
      const forward = (sig) => child.kill(sig);
      process.on('SIGINT', forward);
      process.on('SIGTERM', forward);
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  });
}
