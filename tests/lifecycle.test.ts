/** The real entry point (server/main.ts) as a child process: start, serve, drain on SIGTERM. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';

const root = path.join(import.meta.dirname, '..');

describe('server/main.ts', () => {
  it('starts on PORT=0 against DATABASE_URL, serves /ready, and exits 0 after draining on SIGTERM', async () => {
    const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['server/main.ts'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: inject('dbUrl'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const port = await new Promise<number>((resolve, reject) => {
      const t = setInterval(() => {
        const m = out.match(/"port":(\d+)/);
        if (m) {
          clearInterval(t);
          resolve(Number(m[1]));
        }
      }, 100);
      child.on('exit', (code) => {
        clearInterval(t);
        reject(new Error(`exited ${code}: ${out}`));
      });
    });
    const ready = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(ready.status).toBe(200);

    expect((await fetch(`http://127.0.0.1:${port}/api/search?q=muong%20nha`)).status).toBe(200);
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(out).toContain('draining requests');
    expect(out).toContain('stopped');
  });

  it('refuses to start with a bad configuration and names the variable', async () => {
    const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['server/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: 'eighty', PG_POOL_MAX: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(err).toContain('PORT="eighty"');
    expect(err).toContain('PG_POOL_MAX="0"');
  });
});
