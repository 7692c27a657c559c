/**
 * Deep pages by cursor: a few thousand generated projects in a scratch
 * database (names, investments and years with ties and NULLs, so that the
 * keyset has to break them), read page by page through next links, CSV
 * Link headers and GDAL. Every walk must give the database's own order with
 * no row twice and none missing, on either of two app instances; a changed,
 * foreign or stale cursor is a problem naming `cursor`.
 *
 * The generator is a smaller relative of scripts/bench/generate.ts's
 * projects step (same value formulas), without its Voronoi communes, which
 * take minutes to build.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../server/db/types.ts';
import { cursorCodec, cursorSecret } from '../server/features/cursor.ts';
import { useApp } from './helpers.ts';
import { allPages, expectBadParameter, getJson, ids, type Page, page } from './ogc-helpers.ts';

const run = promisify(execFile);
const PROJECTS = 3000;
/** The "filtered copy": about four in five of the generated projects. */
const FILTER = "category <> 'other' AND (start_year IS NULL OR start_year >= 2012)";
const FILTER_SQL = sql.raw(FILTER);

let dir: string;

async function generate(db: Kysely<DB>, n: number): Promise<void> {
  await sql`
    INSERT INTO admin_units (slug, code, name, kind, level, valid_from, origin)
    VALUES ('paging-tinh', 'P01', 'Tỉnh Thử', 'tỉnh', 'province', '2025-07-01', 'test');
    INSERT INTO admin_units (slug, code, name, kind, level, parent_id, valid_from, origin)
    SELECT 'paging-xa-' || i, lpad(i::text, 5, '0'), 'Xã Thử ' || i, 'xã', 'commune',
           (SELECT id FROM admin_units WHERE slug = 'paging-tinh'), '2025-07-01', 'test'
    FROM generate_series(1, 6) i;
  `.execute(db);
  await sql`
    WITH communes AS (SELECT array_agg(id ORDER BY id) AS ids FROM admin_units WHERE level = 'commune')
    INSERT INTO projects (slug, name, category, investment_bn_vnd, investment_qualifier, funding, start_year,
                          status, area_m2, unit_id, geom, precision, uncertainty_m, origin)
    SELECT 'paging-project-' || n, 'Dự án thử ' || (n * 7 % 400),
           (ARRAY['market','industrial_park','water_supply','waste_treatment','school','irrigation','road',
                  'electricity_grid','tourism','housing','health','bridge','other'])[1 + (n * 31 % 13)],
           CASE WHEN n % 7 = 0 THEN NULL ELSE (n * 2654435761 % 500) / 4.0 END, 'exact',
           (ARRAY['state_budget','non_budget','credit','socialised','sponsor','mixed'])[1 + (n * 17 % 6)],
           CASE WHEN n % 11 = 0 THEN NULL ELSE 2010 + (n % 15) END,
           (ARRAY['planned','licensed','under_construction','completed','operating'])[1 + (n * 13 % 5)],
           100 * (1 + n % 500), communes.ids[1 + n % 6],
           ST_SetSRID(ST_MakePoint(102.2 + (n * 7919 % 7000) / 1000.0, 8.8 + (n * 104729 % 14000) / 1000.0), 4326),
           'approximate', 100, 'test'
    FROM generate_series(1, ${n}::int) n, communes
  `.execute(db);
  await sql`UPDATE data_version SET version = version + 1, updated_at = now()`.execute(db);
}

// Two instances of one database: a link made by one must open on the other.
const scratch = useApp({ database: 'scratch', setup: (d) => generate(d.db, PROJECTS), instances: 2 });
const a = {
  get base() {
    return scratch.bases[0]!;
  },
};
const b = {
  get base() {
    return scratch.bases[1]!;
  },
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ogc-paging-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const items = (base: string) => `${base}/ogc/collections/projects/items`;
const filtered = (base: string, extra = '') => `${items(base)}?filter=${encodeURIComponent(FILTER)}${extra}`;

async function expectedIds(order: string): Promise<number[]> {
  const { rows } = await sql<{ id: string }>`
    SELECT id FROM layer_projects WHERE ${FILTER_SQL} ORDER BY ${sql.raw(order)}`.execute(
    scratch.database.db,
  );
  return rows.map((r) => Number(r.id));
}

/** Every page by next links, each fetched from the instance after the previous one's. */
async function walkAcrossInstances(url: string): Promise<Page[]> {
  const pages: Page[] = [];
  const bases = [a.base, b.base];
  for (let next: string | undefined = url; next; ) {
    const here = bases[pages.length % 2]!;
    const p = await page(here + next.slice(next.indexOf('/ogc/')));
    pages.push(p);
    next = p.links.find((l) => l.rel === 'next')?.href;
    if (pages.length > 1000) throw new Error('too many pages');
  }
  return pages;
}

function expectComplete(pages: Page[], expected: number[]): void {
  const got = ids(pages);
  expect(pages[0]!.numberMatched).toBe(expected.length);
  expect(pages.reduce((n, p) => n + p.numberReturned, 0)).toBe(expected.length);
  expect(new Set(got).size).toBe(got.length);
  expect(got).toEqual(expected);
}

const next = (p: Page) => p.links.find((l) => l.rel === 'next')!.href;
const cursorOf = (href: string) => new URL(href).searchParams.get('cursor')!;

describe('paging a filtered copy of many projects by cursor', () => {
  it('generated enough rows for deep pages', async () => {
    const all = await expectedIds('id');
    expect(all.length).toBeGreaterThan(2000);
    expect(all.length).toBeLessThan(PROJECTS);
  });

  it('default order, through next links alternating between two instances: every row once, in id order', async () => {
    const pages = await walkAcrossInstances(filtered(a.base, '&limit=100'));
    expect(pages.length).toBeGreaterThan(20);
    expect(next(pages[0]!)).toContain('cursor=');
    expect(next(pages[0]!)).not.toContain('offset=');
    expectComplete(pages, await expectedIds('id'));
  });

  it('sortby a nullable number with ties, descending: the database order, NULLs last', async () => {
    const pages = await allPages(filtered(a.base, '&sortby=-investment_bn_vnd&limit=97'));
    expectComplete(pages, await expectedIds('investment_bn_vnd DESC NULLS LAST, id'));
  });

  it('sortby text with ties, then a nullable number descending', async () => {
    const pages = await allPages(filtered(b.base, '&sortby=name,-start_year&limit=250'));
    expectComplete(pages, await expectedIds('name, start_year DESC NULLS LAST, id'));
  });

  it('prev links give back exactly the page before, deep in the result too', async () => {
    const pages = await allPages(filtered(a.base, '&sortby=-investment_bn_vnd&limit=150'));
    expect(pages[0]!.links.some((l) => l.rel === 'prev')).toBe(false);
    for (let i = 1; i < pages.length; i++) {
      const prev = await page(pages[i]!.links.find((l) => l.rel === 'prev')!.href);
      expect(ids([prev])).toEqual(ids([pages[i - 1]!]));
      // …and that page's next link leads back to where we were.
      expect(ids([await page(next(prev))])).toEqual(ids([pages[i]!]));
    }
  });

  it('a prev link from a page that started by offset counts back from its first row', async () => {
    const expected = await expectedIds('id');
    const p = await page(filtered(a.base, '&limit=10&offset=25'));
    expect(ids([p])).toEqual(expected.slice(25, 35));
    const prev = await page(p.links.find((l) => l.rel === 'prev')!.href);
    expect(ids([prev])).toEqual(expected.slice(15, 25));
    const first = await page(prev.links.find((l) => l.rel === 'prev')!.href);
    // Fewer rows than the limit remain before it: the prev page holds those, with no overlap.
    expect(ids([first])).toEqual(expected.slice(5, 15));
    const start = await page(first.links.find((l) => l.rel === 'prev')!.href);
    expect(ids([start])).toEqual(expected.slice(0, 5));
    expect(start.links.some((l) => l.rel === 'prev')).toBe(false);
  });

  it('CSV pages through its Link headers: every row once, in the requested order', async () => {
    const expected = await expectedIds('name, start_year DESC NULLS LAST, id');
    const got: number[] = [];
    let url: string | undefined = filtered(b.base, '&sortby=name,-start_year&f=csv&limit=400');
    let matched = -1;
    while (url) {
      const res: Response = await fetch(url);
      expect(res.status).toBe(200);
      matched = Number(res.headers.get('ogc-numbermatched'));
      const lines: string[] = (await res.text())
        .replace(/^\uFEFF/, '')
        .trim()
        .split(/\r?\n/);
      expect(lines[0]).toMatch(/^id,/);
      got.push(...lines.slice(1).map((l) => Number(l.split(',')[0])));
      url = /<([^>]*)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
    }
    expect(matched).toBe(expected.length);
    expect(new Set(got).size).toBe(got.length);
    expect(got).toEqual(expected);
  });

  it('the alternate (CSV) link of a cursor page holds the same rows', async () => {
    const link = next(await page(filtered(a.base, '&limit=20')));
    const second = await page(link);
    const alt = second.links.find((l) => l.rel === 'alternate')!.href;
    expect(new URL(alt).searchParams.get('cursor')).toBe(cursorOf(link));
    const lines = (await (await fetch(alt)).text()).trim().split(/\r?\n/).slice(1);
    expect(lines.map((l) => Number(l.split(',')[0]))).toEqual(ids([second]));
  });

  it('a cursor works with another limit: the page starts at the same row', async () => {
    const expected = await expectedIds('id');
    const first = await page(filtered(a.base, '&limit=30'));
    const href = next(first).replace('limit=30', 'limit=45');
    expect(ids([await page(href)])).toEqual(expected.slice(30, 75));
  });

  it('GDAL (ogr2ogr -oo PAGE_SIZE) copies the filtered projects by cursor: exactly the matched rows, each once', async () => {
    const out = path.join(dir, 'filtered.gpkg');
    const env = { ...process.env, CPL_DEBUG: 'ON', GDAL_HTTP_TIMEOUT: '60' };
    const { stderr } = await run(
      'ogr2ogr',
      [
        '-oo',
        'PAGE_SIZE=230',
        '-f',
        'GPKG',
        out,
        `OAPIF:${a.base}/ogc`,
        'projects',
        '-where',
        'start_year >= 2012',
      ],
      { env, maxBuffer: 64 * 1024 * 1024 },
    );
    expect(stderr).toMatch(/items\?[^\s]*cursor=/);
    // The copy keeps no id field (GDAL makes it the FID); slugs are unique too, and
    // the GeoPackage's rows are in the order the pages brought them.
    const { rows } = await sql<{ slug: string }>`
      SELECT slug FROM layer_projects WHERE start_year >= 2012 ORDER BY id`.execute(scratch.database.db);
    expect(rows.length).toBeGreaterThan(230 * 5);
    const { stdout } = await run('ogrinfo', ['-ro', out, '-sql', 'SELECT slug FROM projects ORDER BY fid'], {
      env: { ...process.env, CPL_DEBUG: 'OFF' },
      maxBuffer: 64 * 1024 * 1024,
    });
    const copied = [...stdout.matchAll(/^\s*slug \(String\) = (\S+)$/gm)].map((m) => m[1]);
    expect(copied).toEqual(rows.map((r) => r.slug));
  });
});

describe('a cursor that does not fit the request', () => {
  it('changed by one character: 400 naming cursor', async () => {
    const href = next(await page(filtered(a.base, '&limit=50')));
    const c = cursorOf(href);
    const i = 5;
    const changed = c.slice(0, i) + (c[i] === 'A' ? 'B' : 'A') + c.slice(i + 1);
    const url = new URL(href);
    url.searchParams.set('cursor', changed);
    await expectBadParameter(url.href, 'cursor');
    url.searchParams.set('cursor', 'not-a-cursor');
    await expectBadParameter(url.href, 'cursor');
  });

  it('made for another filter, another sortby, crs or properties: 400 naming cursor', async () => {
    const href = next(await page(filtered(a.base, '&limit=50')));
    const c = encodeURIComponent(cursorOf(href));
    const detail = await expectBadParameter(
      `${items(a.base)}?filter=category%3D'market'&cursor=${c}`,
      'cursor',
    );
    expect(detail).toMatch(/filter/);
    await expectBadParameter(`${filtered(a.base)}&sortby=name&cursor=${c}`, 'cursor');
    await expectBadParameter(`${filtered(a.base)}&properties=name&cursor=${c}`, 'cursor');
    await expectBadParameter(
      `${filtered(a.base)}&crs=${encodeURIComponent('http://www.opengis.net/def/crs/EPSG/0/3857')}&cursor=${c}`,
      'cursor',
    );
    // The same query written the same way is fine, in either format.
    expect((await getJson(`${filtered(a.base)}&cursor=${c}`)).status).toBe(200);
    expect((await fetch(`${filtered(a.base)}&f=csv&cursor=${c}`)).status).toBe(200);
  });

  it('signed with another key (another CURSOR_SECRET): 400 naming cursor', async () => {
    const href = next(await page(filtered(a.base, '&limit=50')));
    const c = cursorOf(href);
    const other = cursorCodec('x'.repeat(40));
    expect(() => other.open(c, 'anything', 1, '')).toThrow(/cursor must be/);
  });

  it('with offset as well: 400 naming offset', async () => {
    const href = next(await page(filtered(a.base, '&limit=50')));
    await expectBadParameter(`${href}&offset=100`, 'offset');
  });
});

describe('the key that signs cursors', () => {
  it('is one random value per database, stored on first use and read by every instance', async () => {
    const db = scratch.database.db;
    const first = await cursorSecret(db, undefined)();
    const second = await cursorSecret(db, undefined)();
    expect(first).toBe(second);
    expect(first.length).toBeGreaterThanOrEqual(32);
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM app_secrets`.execute(db);
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it('is CURSOR_SECRET when that is set, without touching the database', async () => {
    const configured = 'a configured secret of at least 32 chars';
    expect(await cursorSecret(undefined as never, configured)()).toBe(configured);
  });
});

describe('across a data change', () => {
  it('a cursor made before it answers 410 problem+json naming cursor, with the first page to restart from', async () => {
    const first = await page(filtered(a.base, '&limit=100'));
    const second = await page(next(first));
    const stale = next(second);
    const offsetLink = `${filtered(a.base)}&limit=100&offset=200`;
    const db = scratch.database.db;
    await sql`
      INSERT INTO projects (slug, name, category, start_year, unit_id, geom, precision, origin)
      SELECT 'paging-late', 'Dự án mới', 'market', 2020, min(id), ST_SetSRID(ST_MakePoint(104, 21), 4326), 'surveyed', 'test'
      FROM admin_units WHERE level = 'commune'`.execute(db);
    const bumped = await db
      .updateTable('data_version')
      .set((eb) => ({ version: eb('version', '+', 1) }))
      .returning('version')
      .executeTakeFirstOrThrow();
    // Each instance learns of the change by NOTIFY; wait until both have.
    for (const v of scratch.versions) await v.waitFor(bumped.version);
    for (const base of [a.base, b.base]) {
      const r = await getJson(base + stale.slice(stale.indexOf('/ogc/')));
      expect(r.status).toBe(410);
      expect(r.type).toMatch(/^application\/problem\+json/);
      expect(r.body.parameter).toBe('cursor');
      expect(r.body.detail).toMatch(/start again/);
      const restart = await page(r.body.first);
      expect(restart.numberMatched).toBe(first.numberMatched + 1);
      expect(new URL(r.body.first).searchParams.get('cursor')).toBeNull();
    }
    // offset links carry no data version and keep answering.
    expect((await getJson(offsetLink)).status).toBe(200);
    // A walk started after the change is complete again.
    expectComplete(await allPages(filtered(b.base, '&limit=300')), await expectedIds('id'));
  });
});

describe('on the run database (useApp)', () => {
  const app = useApp();
  it('pages every collection by cursor with no row twice', async () => {
    for (const id of ['projects', 'markets', 'roads', 'communes']) {
      const pages = await allPages(`${app.base}/ogc/collections/${id}/items?limit=3&sortby=-id`);
      const got = ids(pages);
      expect(got.length).toBe(pages[0]!.numberMatched);
      expect(new Set(got).size).toBe(got.length);
      expect(got).toEqual([...got].sort((x, y) => y - x));
    }
  });
});
