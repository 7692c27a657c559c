/**
 * The web map's pure parts, without a browser: the URL hash round trip, and
 * the filters' two forms (MapLibre expression for the tiles, JavaScript test
 * for lists and exports) agreeing on every project of data/.
 */
import { readFileSync } from 'node:fs';
import { featureFilter } from '@maplibre/maplibre-gl-style-spec';
import { describe, expect, it } from 'vitest';
import { isActive, matches, toExpression } from '../client/filters.ts';
import { type Filters, formatHash, noFilters, parseHash, type State } from '../client/url-state.ts';
import { projects } from '../server/layers/projects.ts';

const features = JSON.parse(readFileSync('data/projects.geojson', 'utf8')).features as {
  properties: Record<string, unknown>;
}[];
const fields = new Set(projects.properties.map((p) => p.name));

describe('URL state', () => {
  it('reads back what it wrote: view, layers, filters, distance, language and tab', () => {
    const state: State = {
      view: { zoom: 7.25, lat: 21.3861, lon: 103.0172 },
      layers: ['countries', 'projects'],
      filters: {
        categories: ['market', 'school'],
        funding: ['state_budget'],
        yearFrom: 2015,
        yearTo: 2025,
        minInvestment: 12.5,
      },
      km: 30,
      lang: 'en',
      tab: 'stats',
    };
    expect(parseHash(formatHash(state))).toEqual(state);
  });

  it('writes nothing for the defaults, and reads an empty hash as the defaults', () => {
    const defaults: State = {
      view: null,
      layers: null,
      filters: noFilters(),
      km: null,
      lang: 'vi',
      tab: null,
    };
    expect(formatHash(defaults)).toBe('#');
    expect(parseHash('')).toEqual(defaults);
  });

  it('keeps the good parts of a hand-edited link and drops the bad ones', () => {
    const s = parseHash('#map=99/abc/1&cat=market,<script>&km=500&years=2010-&min=-4&lang=fr');
    expect(s.view).toBeNull();
    expect(s.filters.categories).toEqual(['market']);
    expect(s.km).toBeNull();
    expect(s.filters.yearFrom).toBe(2010);
    expect(s.filters.yearTo).toBeNull();
    expect(s.filters.minInvestment).toBeNull();
    expect(s.lang).toBe('vi');
  });

  it('an empty layers list means "no layer", not "default layers"', () => {
    expect(parseHash('#layers=').layers).toEqual([]);
  });
});

describe('filters', () => {
  const cases: [string, Filters][] = [
    ['a category', { ...noFilters(), categories: ['market'] }],
    ['two funding sources', { ...noFilters(), funding: ['state_budget', 'non_budget'] }],
    ['a year range', { ...noFilters(), yearFrom: 2018, yearTo: 2022 }],
    ['only a start year', { ...noFilters(), yearFrom: 2021 }],
    ['only an end year', { ...noFilters(), yearTo: 2021 }],
    ['a minimum investment', { ...noFilters(), minInvestment: 50 }],
    [
      'everything at once',
      {
        categories: ['market', 'road', 'water_supply', 'waste_treatment'],
        funding: ['state_budget', 'non_budget'],
        yearFrom: 2016,
        yearTo: 2025,
        minInvestment: 50,
      },
    ],
  ];
  for (const [name, f] of cases) {
    it(`the map's expression and the list's test keep the same projects for ${name}`, () => {
      const expr = toExpression(f, fields);
      expect(expr).not.toBeNull();
      const onMap = featureFilter(expr as never, 'filter');
      const byMap = features.filter((p) =>
        onMap.filter({ zoom: 10 }, { type: 1, properties: p.properties, geometry: [] } as never),
      );
      const byList = features.filter((p) => matches(f, p.properties, fields));
      expect(byMap.map((p) => p.properties.slug)).toEqual(byList.map((p) => p.properties.slug));
      // Not vacuous: each case keeps some projects and drops others.
      expect(byList.length).toBeGreaterThan(0);
      expect(byList.length).toBeLessThan(features.length);
    });
  }

  it('leaves a layer without the filtered properties alone (border gates and a category)', () => {
    const gates = new Set(['name', 'kind', 'neighbour']);
    const f = { ...noFilters(), categories: ['market'] };
    expect(isActive(f)).toBe(true);
    expect(toExpression(f, gates)).toBeNull();
    expect(matches(f, { name: 'Tây Trang' }, gates)).toBe(true);
  });
});
