/**
 * Starts scripts/lib/serve.ts as a child process and resolves with its base
 * URL once it listens; `stop()` sends SIGTERM and waits for the exit. Its
 * stdout (the request log) is discarded, its stderr passed through until it
 * listens, then kept (last lines shown if it dies).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServerProcess {
  base: string;
  child: ChildProcess;
  /** Whether the process is still running. */
  alive(): boolean;
  stop(): Promise<void>;
}

export function startServer(
  env: NodeJS.ProcessEnv = {},
  log: (m: string) => void = (m) => {
    process.stderr.write(m);
  },
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'lib', 'serve.ts')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let exited = false;
  const exit = new Promise<void>((r) =>
    child.once('exit', () => {
      exited = true;
      r();
    }),
  );
  return new Promise((resolve, reject) => {
    let buffer = '';
    let listening = false;
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      buffer = (buffer + chunk).slice(-4000);
      if (listening) return;
      const m = /listening (\d+)/.exec(buffer);
      if (!m) return log(chunk);
      listening = true;
      resolve({
        base: `http://127.0.0.1:${m[1]}`,
        child,
        alive: () => !exited,
        stop: async () => {
          if (!exited) child.kill('SIGTERM');
          await exit;
        },
      });
    });
    child.once('exit', (code) => {
      if (!listening) reject(new Error(`the server exited (${code}) before listening:\n${buffer}`));
    });
  });
}
