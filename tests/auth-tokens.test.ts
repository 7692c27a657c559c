/**
 * API tokens (server/auth/tokens.ts) and `npm run token` against a scratch
 * database: a token is shown once and stored only as a salted hash; a
 * wrong secret, a revoked token or a malformed one does not verify; the
 * command refuses bad arguments with exit code 2 and writes nothing.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createToken, listTokens, revokeToken, verifyToken } from '../server/auth/tokens.ts';
import { projectRoot } from '../server/prepare.ts';
import { useApp } from './helpers.ts';

const app = useApp({ database: 'scratch' });

function token(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(projectRoot, 'scripts', 'token.ts'), ...args],
      {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_URL: app.url },
        encoding: 'utf8',
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('tokens', () => {
  it('verifies the token it created, and only that', async () => {
    const db = app.database.db;
    const { id, token: t } = await createToken(db, { name: 'Lan, Sở KH&ĐT Lào Cai', role: 'editor' });
    expect(t).toMatch(/^ba_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.hash).toMatch(/^scrypt\$/);
    expect(row.hash).not.toContain(t.slice(16));
    expect(await verifyToken(db, t)).toEqual({ id, name: 'Lan, Sở KH&ĐT Lào Cai', role: 'editor' });
    // The same public id with another secret.
    const forged = `${t.slice(0, 16)}${t[16] === 'A' ? 'B' : 'A'}${t.slice(17)}`;
    expect(await verifyToken(db, forged)).toBeNull();
    expect(await verifyToken(db, 'ba_000000000000_xxx')).toBeNull();
    expect(await verifyToken(db, '')).toBeNull();
    expect(await revokeToken(db, id)).toBe(true);
    expect(await revokeToken(db, id)).toBe(false);
    expect(await verifyToken(db, t)).toBeNull();
    const listed = (await listTokens(db)).find((x) => x.id === id);
    expect(listed?.revoked_at).toBeInstanceOf(Date);
  });

  it('refuses an empty name or an unknown role', async () => {
    const db = app.database.db;
    await expect(createToken(db, { name: '  ', role: 'editor' })).rejects.toThrow(/name/);
    // @ts-expect-error: a role from outside the list, as a caller without types would send it
    await expect(createToken(db, { name: 'x', role: 'root' })).rejects.toThrow(/role/);
  });
});

describe('npm run token', () => {
  it('creates (printing only the token), lists and revokes', async () => {
    const created = await token('create', '--role', 'admin', '--name', 'Quản trị viên');
    expect(created.code, created.stderr).toBe(0);
    const t = created.stdout.trim();
    expect(t).toMatch(/^ba_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const found = await verifyToken(app.database.db, t);
    expect(found?.role).toBe('admin');

    const listed = await token('list', '--format', 'json');
    expect(listed.code, listed.stderr).toBe(0);
    const rows = JSON.parse(listed.stdout) as { id: number; name: string; role: string }[];
    expect(rows.find((r) => r.id === found?.id)).toMatchObject({ name: 'Quản trị viên', role: 'admin' });
    expect(listed.stdout).not.toContain(t.slice(16));

    expect((await token('revoke', String(found?.id))).code).toBe(0);
    expect((await token('revoke', String(found?.id))).code).toBe(1);
    expect(await verifyToken(app.database.db, t)).toBeNull();
  });

  it('refuses bad arguments with exit 2 and creates nothing', async () => {
    const before = (await listTokens(app.database.db)).length;
    for (const args of [
      ['create', '--role', 'root', '--name', 'x'],
      ['create', '--role', 'editor'],
      ['create', '--role', 'editor', '--name', 'a\u0007b'],
      ['create', '--role', 'editor', '--name', 'x', '--extra', '1'],
      ['revoke', 'abc'],
      ['revoke'],
      ['list', '--format', 'xml'],
      ['delete', '1'],
    ]) {
      const r = await token(...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/^token: /);
    }
    expect((await listTokens(app.database.db)).length).toBe(before);
  });
});
