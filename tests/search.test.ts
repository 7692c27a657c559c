import { describe, expect, it } from 'vitest';
import { useApp } from './helpers.ts';

const app = useApp();

async function search(q: string, extra = ''): Promise<any[]> {
  const res = await fetch(`${app.base}/api/search?q=${encodeURIComponent(q)}${extra}`);
  expect(res.status).toBe(200);
  return (await res.json()).results;
}

describe('GET /api/search', () => {
  for (const q of ['muong nha', 'Mường Nhà', 'MUONG NHA', 'muong nah']) {
    it(`finds xã Mường Nhà for "${q}"`, async () => {
      const results = await search(q);
      const hit = results.find((r) => r.name === 'Mường Nhà' && r.level === 'commune' && r.valid_to === null);
      expect(hit).toBeDefined();
      expect(hit.layer).toBe('communes');
      expect(hit.point).toHaveLength(2);
      expect(typeof hit.id).toBe('number');
    });
  }

  it('"Kim Son" finds the old town and its 2025 successor xã Quế Phong', async () => {
    const results = await search('Kim Son');
    const town = results.find((r) => r.name === 'Kim Sơn' && r.kind === 'thị trấn');
    expect(town).toBeDefined();
    expect(town.valid_to).toBe('2025-06-30');
    const successor = results.find(
      (r) => r.name === 'Quế Phong' && r.level === 'commune' && r.valid_to === null,
    );
    expect(successor).toBeDefined();
    expect(successor.code).toBe('16738');
  });

  it('finds features too: "cho kim son" finds the Kim Sơn market on the markets layer', async () => {
    const results = await search('cho kim son');
    const market = results.find((r) => r.layer === 'markets');
    expect(market).toBeDefined();
    expect(market.entity).toBe('feature');
  });

  it('"dien xa" (đ without its stroke) finds Điền Xá', async () => {
    const results = await search('dien xa');
    expect(results.some((r) => r.name === 'Điền Xá')).toBe(true);
  });

  it('finds a road by its number: QL4B', async () => {
    const results = await search('QL4B');
    expect(results.some((r) => r.layer === 'roads')).toBe(true);
  });

  it('honours limit', async () => {
    expect((await search('xa', '&limit=2')).length).toBeLessThanOrEqual(2);
  });

  it('returns an empty list, not an error, when nothing matches', async () => {
    expect(await search('zzqqxx')).toEqual([]);
  });

  const bad: [string, string][] = [
    ['', 'q'],
    ['?q=', 'q'],
    [`?q=${'a'.repeat(101)}`, 'q'],
    ['?q=x&limit=0', 'limit'],
    ['?q=x&limit=abc', 'limit'],
    ['?q=x&limit=51', 'limit'],
    ['?q=x&q=y', 'q'],
    ['?q=x&colour=red', 'colour'],
  ];
  for (const [query, parameter] of bad) {
    it(`answers 400 problem+json naming ${parameter} for "${query || '(no query)'}"`, async () => {
      const res = await fetch(`${app.base}/api/search${query}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const body = await res.json();
      expect(body.status).toBe(400);
      expect(body.parameter).toBe(parameter);
      expect(body.detail).toContain(parameter);
    });
  }

  it('treats SQL and LIKE metacharacters as plain text', async () => {
    for (const q of ["'; DROP TABLE projects; --", '%', '_', '\\']) {
      const res = await fetch(`${app.base}/api/search?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
    }
    const again = await search('muong nha');
    expect(again.length).toBeGreaterThan(0);
  });
});
