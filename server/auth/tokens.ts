/**
 * API tokens: created, listed, revoked and verified. A token reads
 * `ba_<public id>_<secret>`: the public id (12 hex digits) finds its row, the
 * secret (32 random bytes, base64url) is checked against a salted scrypt
 * hash. The plain token exists only in the answer to `createToken`.
 *
 *   const { token } = await createToken(db, { name: 'Lan (Sở KH&ĐT Lào Cai)', role: 'editor' });
 *   const found = await verifyToken(db, token);   // { id, name, role } or null
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { DB } from '../db/types.ts';

const scrypt = promisify(scryptCb) as (
  secret: string,
  salt: Buffer,
  keylen: number,
  opts: object,
) => Promise<Buffer>;

export const roles = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof roles)[number];

/** viewer < editor < admin */
export const roleRank: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

export interface TokenInfo {
  id: number;
  name: string;
  role: Role;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

// N=2^14, r=8: about 16 MiB and tens of milliseconds per check; the cache below
// keeps that to once per token per minute.
const PARAMS = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEYLEN = 32;
const TOKEN = /^ba_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(secret, salt, KEYLEN, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

async function secretMatches(secret: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, key] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const got = await scrypt(secret, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export function isRole(s: unknown): s is Role {
  return typeof s === 'string' && (roles as readonly string[]).includes(s);
}

export async function createToken(
  db: Kysely<DB>,
  { name, role }: { name: string; role: Role },
): Promise<{ id: number; token: string }> {
  const clean = name.trim();
  if (!clean || clean.length > 200 || /[\p{Cc}]/u.test(clean)) {
    throw new RangeError('name must be 1 to 200 characters with no control characters');
  }
  if (!isRole(role)) throw new RangeError(`role must be one of ${roles.join(', ')}`);
  const publicId = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const row = await db
    .insertInto('api_tokens')
    .values({ public_id: publicId, name: clean, role, hash: await hashSecret(secret) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token: `ba_${publicId}_${secret}` };
}

export async function listTokens(db: Kysely<DB>): Promise<TokenInfo[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'role', 'created_at', 'last_used_at', 'revoked_at'])
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, role: r.role as Role }));
}

/** true when the token was live and is now revoked. */
export async function revokeToken(db: Kysely<DB>, id: number): Promise<boolean> {
  const r = await db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  verified.clear();
  return Number(r.numUpdatedRows) > 0;
}

/** Tokens whose secret was checked lately: sha-256 of the token → row id. Bounded; a minute each. */
const verified = new LRUCache<string, number>({ max: 1000, ttl: 60_000 });

/**
 * The live token's id, name and role, or null (malformed, unknown, wrong
 * secret or revoked). The row is read every time, so a revocation or a role
 * change counts at once; the scrypt check runs once a minute per token.
 */
export async function verifyToken(
  db: Kysely<DB>,
  token: string,
): Promise<{ id: number; name: string; role: Role } | null> {
  const m = TOKEN.exec(token);
  if (!m) return null;
  const [, publicId, secret] = m as unknown as [string, string, string];
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'role', 'hash', 'revoked_at'])
    .where('public_id', '=', publicId)
    .executeTakeFirst();
  if (!row || row.revoked_at !== null || !isRole(row.role)) return null;
  const digest = createHash('sha256').update(token).digest('base64url');
  if (verified.get(digest) !== row.id) {
    if (!(await secretMatches(secret, row.hash))) return null;
    verified.set(digest, row.id);
    await db.updateTable('api_tokens').set({ last_used_at: new Date() }).where('id', '=', row.id).execute();
  }
  return { id: row.id, name: row.name, role: row.role };
}
