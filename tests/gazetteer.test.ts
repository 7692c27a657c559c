/**
 * The national gazetteer (data/gazetteer/units.csv with data/units.json):
 * counts per era, search that tells namesakes apart by their parents, old
 * names answering with their 2025 successors, GET /api/units/{code}?at=,
 * and resolvePlace for ingestion.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultDataDir } from '../seeds/index.ts';
import { parseGazetteer } from '../server/gazetteer/data.ts';
import { bareName, resolvePlace } from '../server/gazetteer/resolve.ts';
import { runDatabase, useApp } from './helpers.ts';

const app = useApp();
const database = runDatabase();
afterAll(() => database.close());

const gazetteer = parseGazetteer(readFileSync(path.join(defaultDataDir, 'gazetteer', 'units.csv'), 'utf8'));
const units = JSON.parse(readFileSync(path.join(defaultDataDir, 'units.json'), 'utf8')) as {
  slug: string;
  level: string;
  valid_from: string | null;
  valid_to: string | null;
}[];

async function inForce(level: string, at: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM admin_units
    WHERE level = ${level} AND (valid_from IS NULL OR valid_from <= ${at}::date)
      AND (valid_to IS NULL OR valid_to >= ${at}::date)`.execute(database.db);
  return rows[0]!.n;
}

/** units.json's units of that level in force on `at` that the national list does not have (Đại Thành). */
function ownOnly(level: string, at: string): number {
  const listed = new Set(gazetteer.map((g) => g.slug));
  return units.filter(
    (u) =>
      u.level === level &&
      !listed.has(u.slug) &&
      (u.valid_from === null || u.valid_from <= at) &&
      (u.valid_to === null || u.valid_to >= at),
  ).length;
}

async function search(q: string, extra = ''): Promise<any[]> {
  const res = await fetch(`${app.base}/api/search?q=${encodeURIComponent(q)}${extra}`);
  expect(res.status).toBe(200);
  return (await res.json()).results;
}

async function unit(pathAndQuery: string): Promise<{ status: number; body: any; type: string | null }> {
  const res = await fetch(`${app.base}/api/units/${pathAndQuery}`);
  return { status: res.status, body: await res.json(), type: res.headers.get('content-type') };
}

describe('the national gazetteer in the database', () => {
  it('holds 34 provinces and 3,321 communes in force on 2025-07-01', async () => {
    expect(await inForce('province', '2025-07-01')).toBe(34);
    expect(await inForce('commune', '2025-07-01')).toBe(3321 + ownOnly('commune', '2025-07-01'));
    expect(await inForce('district', '2025-07-01')).toBe(0);
  });

  it('holds 63 provinces, 691 districts and 10,047 communes in force on 2024-01-01', async () => {
    expect(await inForce('province', '2024-01-01')).toBe(63);
    expect(await inForce('district', '2024-01-01')).toBe(691 + ownOnly('district', '2024-01-01'));
    expect(await inForce('commune', '2024-01-01')).toBe(10047 + ownOnly('commune', '2024-01-01'));
  });

  it('keeps one row per unit: a units.json unit keeps its seat and articles, and gains the successor type', async () => {
    const { rows } = await sql<{ n: number; seat: boolean; sources: string[]; type: string | null }>`
      SELECT (SELECT count(*)::int FROM admin_units WHERE code = '06901') AS n, u.seat IS NOT NULL AS seat,
        ARRAY(SELECT source_id FROM citations WHERE entity = 'admin_unit' AND entity_id = u.id ORDER BY 1) AS sources,
        (SELECT s.type FROM unit_successors s WHERE s.unit_id = u.id) AS type
      FROM admin_units u WHERE u.slug = 'xa-quang-an-dam-ha'`.execute(database.db);
    expect(rows[0]!.n).toBe(1);
    expect(rows[0]!.seat).toBe(true);
    expect(rows[0]!.sources).toContain('dvhcvn-20250701');
    expect(rows[0]!.sources.some((s) => s.startsWith('art-'))).toBe(true);
    expect(rows[0]!.type).toBe('full');
  });
});

describe('search over the gazetteer', () => {
  it('"quang an dam ha" ranks the Quảng An of Đầm Hà (Quảng Ninh) first, with its successor xã Quảng Tân', async () => {
    const [first] = await search('quang an dam ha');
    expect(first.name).toBe('Quảng An');
    expect(first.code).toBe('06901');
    expect(first.parents.district.name).toBe('Đầm Hà');
    expect(first.parents.province.name).toBe('Quảng Ninh');
    expect(first.successors).toEqual([
      expect.objectContaining({ name: 'Quảng Tân', code: '06913', type: 'full' }),
    ]);
  });

  it('"quang an quang dien" ranks the Quảng An of Quảng Điền (Huế) first, now xã Quảng Điền', async () => {
    const [first] = await search('quang an quang dien');
    expect(first.code).toBe('19888');
    expect(first.parents.province.name).toBe('Huế');
    expect(first.successors.map((s: any) => s.name)).toEqual(['Quảng Điền']);
  });

  it('an old name answers with its 2025 successor: "Bản Qua" → xã Bát Xát', async () => {
    const results = await search('Bản Qua');
    const old = results.find((r) => r.code === '02716');
    expect(old.valid_to).toBe('2025-06-30');
    expect(old.parents.district.name).toBe('Bát Xát');
    const successor = results.find((r) => r.successor_of?.id === old.id);
    expect(successor).toMatchObject({ name: 'Bát Xát', code: '02683', valid_to: null });
  });

  for (const q of ['ban qua', 'BAN QUA', 'bna qua', 'ban quaa']) {
    it(`finds xã Bản Qua for "${q}" (no diacritics, case, typos)`, async () => {
      const results = await search(q);
      expect(results.some((r) => r.code === '02716' && r.name === 'Bản Qua')).toBe(true);
    });
  }

  it('finds a unit far from the atlas ("vinh thuy": location "none") and "dong ngu" (no đ stroke) finds Đông Ngũ', async () => {
    const results = await search('vinh thuy');
    const hit = results.find((r) => r.name === 'Vĩnh Thủy' && r.valid_to === null);
    expect(hit).toBeDefined();
    expect(hit.location_precision).toBe('none');
    expect(hit.point).toBeNull();
    expect((await search('dong ngu')).some((r) => r.name === 'Đông Ngũ')).toBe(true);
  });

  it('a leading kind word is understood: "thanh pho ho chi minh"', async () => {
    const [first] = await search('thanh pho ho chi minh');
    expect(first).toMatchObject({ name: 'Hồ Chí Minh', level: 'province', valid_to: null });
  });
});

describe('GET /api/units/{code}', () => {
  it('answers the 2025 unit by default: 00004 is phường Ba Đình, formed from Trúc Bạch (whole) and others', async () => {
    const { status, body } = await unit('00004');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      code: '00004',
      name: 'Ba Đình',
      kind: 'phường',
      level: 'commune',
      era: '2025',
    });
    expect(body.valid_from).toBe('2025-07-01');
    expect(body.parents.province.name).toBe('Hà Nội');
    expect(body.predecessors).toContainEqual(expect.objectContaining({ name: 'Trúc Bạch', type: 'full' }));
    expect(body.predecessors).toContainEqual(expect.objectContaining({ name: 'Ngọc Hà', type: 'partial' }));
    expect(body.location.precision).toBe('none');
    expect(body.sources).toEqual(['dvhcvn-20250701']);
  });

  it('answers the earlier unit with ?at=2024-01-01: 00004 was phường Trúc Bạch of quận Ba Đình', async () => {
    const { status, body } = await unit('00004?at=2024-01-01');
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: 'Trúc Bạch', era: 'before-2025', valid_to: '2025-06-30' });
    expect(body.parents.district.name).toBe('Ba Đình');
    expect(body.successors).toEqual([
      expect.objectContaining({ code: '00004', name: 'Ba Đình', type: 'full' }),
    ]);
  });

  it('province codes too: 15 is Lào Cai today and was Yên Bái in 2024', async () => {
    expect((await unit('15')).body.name).toBe('Lào Cai');
    const before = (await unit('15?at=2024-01-01')).body;
    expect(before.name).toBe('Yên Bái');
    expect(before.successors[0]).toMatchObject({ code: '15', name: 'Lào Cai', type: 'full' });
  });

  it('a unit of units.json keeps its seat: Quảng An of Đầm Hà in 2024', async () => {
    const { body } = await unit('06901?at=2024-06-30');
    expect(body.name).toBe('Quảng An');
    expect(body.location.precision).toBe('approximate');
    expect(body.location.point).toHaveLength(2);
  });

  it('404 for a code no unit holds, problem+json', async () => {
    const r = await unit('99999');
    expect(r.status).toBe(404);
    expect(r.type).toMatch(/application\/problem\+json/);
    expect((await unit('00004?at=2026-01-01')).body.name).toBe('Ba Đình');
  });

  for (const [q, parameter] of [
    ['abc', 'code'],
    ['0004', 'code'],
    ['000044', 'code'],
    ['00004?at=2024-13-01', 'at'],
    ['00004?at=2024-02-30', 'at'],
    ['00004?at=yesterday', 'at'],
    ['00004?at=1800-01-01', 'at'],
    ['00004?at=2024-01-01&at=2024-01-02', 'at'],
    ['00004?zoom=3', 'zoom'],
  ] as const) {
    it(`400 naming ${parameter} for /api/units/${q}`, async () => {
      const r = await unit(q);
      expect(r.status).toBe(400);
      expect(r.type).toMatch(/application\/problem\+json/);
      expect(r.body.parameter).toBe(parameter);
    });
  }
});

describe('resolvePlace (for ingestion)', () => {
  it('"Bản Qua" within "Bát Xát" → the old xã Bản Qua of Bát Xát (Lào Cai), now xã Bát Xát', async () => {
    const [first] = await resolvePlace(database.db, { name: 'Bản Qua', parents: ['Bát Xát'] });
    expect(first).toMatchObject({
      code: '02716',
      era: 'before-2025',
      level: 'commune',
      name: 'Bản Qua',
      kind: 'xã',
      province: { code: '10', name: 'Lào Cai' },
      district: { code: '082', name: 'Bát Xát' },
      successors: [{ code: '02683', name: 'Bát Xát', type: 'full' }],
    });
  });

  it('English with kinds and no accents: "Ban Qua commune" in "Bat Xat district"', async () => {
    expect(bareName('Ban Qua commune')).toBe('Ban Qua');
    expect(bareName('huyện Bát Xát')).toBe('Bát Xát');
    const [first] = await resolvePlace(database.db, {
      name: 'Ban Qua commune',
      parents: ['Bat Xat district'],
    });
    expect(first!.code).toBe('02716');
  });

  it('"Quảng An": Đầm Hà or Quảng Điền decides, by parents or by the article\'s other places', async () => {
    const damHa = await resolvePlace(database.db, { name: 'Quảng An', parents: ['Đầm Hà'] });
    expect(damHa[0]!.code).toBe('06901');
    expect(damHa[0]!.successors[0]!.name).toBe('Quảng Tân');
    const quangDien = await resolvePlace(database.db, { name: 'Quảng An', parents: ['Quảng Điền'] });
    expect(quangDien[0]!.code).toBe('19888');
    const near = await resolvePlace(
      database.db,
      { name: 'Quảng An', level: 'commune' },
      { nearCodes: ['22'] },
    );
    expect(near[0]!.code).toBe('06901');
    expect(near[0]!.score).toBeGreaterThan(near[1]!.score);
  });

  it('at a day keeps the units then in force; level keeps one level', async () => {
    const now = await resolvePlace(database.db, { name: 'Bát Xát', at: '2025-08-01' });
    expect(now.every((r) => r.era === '2025')).toBe(true);
    expect(now[0]).toMatchObject({ code: '02683', level: 'commune' });
    const district = await resolvePlace(database.db, { name: 'Bát Xát', level: 'district' });
    expect(district[0]).toMatchObject({ code: '082', level: 'district', era: 'before-2025' });
  });

  it('nothing for an empty or unknown name', async () => {
    expect(await resolvePlace(database.db, { name: '  ' })).toEqual([]);
    expect(await resolvePlace(database.db, { name: 'zzqqxx' })).toEqual([]);
  });
});
