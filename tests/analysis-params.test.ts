import { describe, expect, it } from 'vitest';
import { useApp } from './helpers.ts';

const app = useApp();

/** [query, parameter named in the 400]. */
const cases: [string, string][] = [
  ['/api/analysis/near-border?km=-1', 'km'],
  ['/api/analysis/near-border?km=abc', 'km'],
  ['/api/analysis/near-border?km=1e3', 'km'],
  ['/api/analysis/near-border?km=1000.5', 'km'],
  ['/api/analysis/near-border?km=5&km=6', 'km'],
  ['/api/analysis/near-border?layers=projects,rivers', 'layers'],
  ['/api/analysis/near-border?layers=roads', 'layers'],
  ['/api/analysis/near-border?neighbour=THA', 'neighbour'],
  ['/api/analysis/near-border?kms=10', 'kms'],
  ['/api/analysis/near-border?f=xml', 'f'],
  ['/api/stats/distance-bands?bands=0,5,abc', 'bands'],
  ['/api/stats/distance-bands?bands=0,20,5', 'bands'],
  ['/api/stats/distance-bands?bands=0,5,5', 'bands'],
  ['/api/stats/distance-bands?bands=-5,5', 'bands'],
  ['/api/stats/distance-bands?bands=5', 'bands'],
  ['/api/stats/distance-bands?bands=0,2000', 'bands'],
  ['/api/stats/distance-bands?by=commune', 'by'],
  ['/api/stats/distance-bands?neighbour=VNM', 'neighbour'],
  ['/api/stats/distance-bands?from=2025&to=2020', 'to'],
  ['/api/stats/investment?by=district', 'by'],
  ['/api/stats/investment?from=2025&to=2021', 'to'],
  ['/api/stats/investment?from=21', 'from'],
  ['/api/stats/investment?to=abcd', 'to'],
  ['/api/stats/investment?category=casino', 'category'],
  ['/api/stats/investment?status=dreaming', 'status'],
  ['/api/stats/investment?province=Atlantis', 'province'],
  ['/api/stats/investment?within_km=-3', 'within_km'],
  ['/api/stats/investment?within_km=5000', 'within_km'],
  ['/api/stats/investment?year=2021', 'year'],
  ['/api/stats/border-length?by=district', 'by'],
  ['/api/stats/border-length?tolerance=5', 'tolerance'],
  ['/api/stats/accessibility?province=Mars', 'province'],
  ['/api/stats/accessibility?limit=5', 'limit'],
  ['/api/stats/investment?f=geojson', 'f'],
  ['/api/units/02701/indicators?year=2021', 'year'],
  ['/api/units/abc%20def/indicators', 'code'],
];

describe('bad parameters of the analysis and statistics endpoints', () => {
  for (const [path, parameter] of cases) {
    it(`${path} → 400 naming ${parameter}`, async () => {
      const res = await fetch(`${app.base}${path}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = await res.json();
      expect(body.parameter).toBe(parameter);
      expect(body.detail).toContain(parameter);
    });
  }

  it('accepts the edges of the ranges: km=0 and km=1000', async () => {
    for (const km of ['0', '1000']) {
      const res = await fetch(`${app.base}/api/analysis/near-border?km=${km}`);
      expect(res.status).toBe(200);
    }
  });
});
