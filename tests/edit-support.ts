/**
 * Shared by the write API tests: a seeded scratch database (writes never
 * touch the run's), one token per role, the fingerprint of every table a
 * write may touch, and small request helpers.
 */
import { sql } from 'kysely';
import { seed } from '../seeds/index.ts';
import { tablesFingerprint } from '../seeds/load.ts';
import { createToken } from '../server/auth/tokens.ts';
import type { Database } from '../server/db/connect.ts';

export type RoleName = 'anonymous' | 'viewer' | 'editor' | 'admin';

export interface Tokens {
  viewer: string;
  editor: string;
  admin: string;
}

export const tokens: Tokens = { viewer: '', editor: '', admin: '' };

/** Seeds the scratch database and makes a token per role (useApp's setup). */
export async function seedWithTokens(database: Database): Promise<void> {
  await seed(database.db);
  for (const role of ['viewer', 'editor', 'admin'] as const)
    tokens[role] = (await createToken(database.db, { name: `test ${role}`, role })).token;
}

export function authHeader(role: RoleName): Record<string, string> {
  return role === 'anonymous' ? {} : { Authorization: `Bearer ${tokens[role]}` };
}

const TABLES = [
  ['sources', 'id'],
  ['admin_units', 'id'],
  ['unit_successors', 'unit_id, successor_id'],
  ['border_gates', 'id'],
  ['roads', 'id'],
  ['projects', 'id'],
  ['market_details', 'project_id'],
  ['industrial_park_details', 'project_id'],
  ['project_figures', 'project_id, key'],
  ['citations', 'entity, entity_id, source_id'],
  ['data_version', 'version'],
] as const;

/** md5 over the ordered rows of every table a write may touch, and the data version. */
export function fingerprint(database: Database): Promise<string> {
  return tablesFingerprint(database.db, TABLES);
}

export async function dataVersion(database: Database): Promise<number> {
  const { rows } = await sql<{ v: number }>`SELECT version::int AS v FROM data_version`.execute(database.db);
  return rows[0]!.v;
}

export interface Sent {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { properties?: Record<string, unknown>; id?: number };
  text: string;
}

/** One request with a JSON body (or none) as `role`. */
export async function send(
  base: string,
  method: string,
  path: string,
  role: RoleName,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Sent> {
  const type = method === 'PATCH' ? 'application/merge-patch+json' : 'application/geo+json';
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...authHeader(role),
      ...(body === undefined ? {} : { 'Content-Type': type }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Sent['body'] = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = {};
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** GET one feature: its body and ETag. */
export async function getFeature(base: string, layer: string, id: number) {
  const r = await send(base, 'GET', `/ogc/collections/${layer}/items/${id}`, 'anonymous');
  return { ...r, etag: r.headers.get('etag') ?? '' };
}

/** The id of a feature by its slug in a base table. */
export async function idOf(database: Database, table: string, slug: string): Promise<number> {
  const { rows } = await sql<{
    id: number;
  }>`SELECT id::int FROM ${sql.table(table)} WHERE slug = ${slug}`.execute(database.db);
  if (!rows[0]) throw new Error(`no ${slug} in ${table}`);
  return rows[0].id;
}

/** A new market as the API takes it, near the Lào Cai border. */
export function newMarket(changes: Record<string, unknown> = {}, geometry?: unknown) {
  return {
    type: 'Feature',
    geometry: geometry ?? { type: 'Point', coordinates: [103.96, 22.5] },
    properties: {
      name: 'Chợ biên giới thử nghiệm',
      name_en: 'Test border market',
      category: 'market',
      investment_bn_vnd: 42,
      investment_qualifier: 'about',
      funding: 'state_budget',
      start_year: 2026,
      end_year: null,
      status: 'planned',
      area_m2: 5000,
      commune_code: COMMUNE_CODE,
      precision: 'approximate',
      uncertainty_m: 500,
      kiosks: 120,
      source: { title: 'Báo Lào Cai: chợ biên giới mới', url: 'https://example.org/lao-cai/cho-bien-gioi' },
      ...changes,
    },
  };
}

/** A commune code that exists in data/ (filled in by the tests from the database). */
export let COMMUNE_CODE = '';
export async function pickCommune(database: Database): Promise<void> {
  const { rows } = await sql<{ code: string }>`
    SELECT code FROM admin_units WHERE level = 'commune' AND valid_to IS NULL AND code IS NOT NULL
    ORDER BY (seat <-> ST_SetSRID(ST_MakePoint(103.96, 22.5), 4326)) LIMIT 1`.execute(database.db);
  COMMUNE_CODE = rows[0]!.code;
}
