// The scoring of npm run bench:ingest (scripts/bench/ingest-score.ts) with
// hand-built units, truths and ingestion results: no extractor, no database.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type CandidateLike,
  closeEnough,
  current2025,
  currentCodes,
  type DataLike,
  dataUnitIndex,
  type FigureLike,
  indicatorFigure,
  maxMatching,
  normaliseText,
  type PlaceLike,
  type ResultLike,
  scoreArticle,
  sourceMap,
  sourceOf,
  type Truth,
  targets,
  textHash,
  total,
  truthFile,
  truthFromData,
  truthFromFile,
  type UnitInfo,
  unitIndex,
  unitOfField,
} from '../scripts/bench/ingest-score.ts';
import { readData } from '../seeds/read.ts';

const unit = (
  slug: string,
  code: string | null,
  level: string,
  parent: string | null,
  valid_to: string | null = null,
  successors: string[] = [],
): UnitInfo => ({ slug, code, name: slug, level, parent, valid_to, successors });

// A province kept through 2025; an abolished district without links of its own; two old communes
// (one kept its code for its 2025 successor, one went to two 2025 communes); a village.
const units = [
  unit('tinh-a', '20', 'province', null),
  unit('xa-moi', '00100', 'commune', 'tinh-a'),
  unit('xa-khac', '00200', 'commune', 'tinh-a'),
  unit('huyen-cu', '300', 'district', 'tinh-a', '2025-06-30'),
  unit('thi-tran-cu', '00100', 'commune', 'huyen-cu', '2025-06-30', ['xa-moi']),
  unit('xa-chia-cu', '00150', 'commune', 'huyen-cu', '2025-06-30', ['xa-moi', 'xa-khac']),
  unit('thon-x', null, 'village', 'thi-tran-cu'),
];
const index = () => unitIndex(units);

const place = (
  id: string,
  code: string | null,
  current: string[],
  kind: PlaceLike['kind'] = 'unit',
): PlaceLike => ({
  id,
  kind,
  text: id,
  unit: code ? { code, slug: `u${code}`, name: `u${code}` } : null,
  current,
});
const fig = (id: string, value: number, u: string, of: string | null): FigureLike => ({
  id,
  text: `${value} ${u}`,
  value,
  unit: u,
  of,
});

describe('which article a file is', () => {
  it('hashes the normalised text: line ends, runs of spaces, a BOM and NFD do not change it', () => {
    const a = 'Xã Bản Qua, huyện Bát Xát\n\nnearly 42 billion VND.';
    const b = `\uFEFF  ${'Xã Bản Qua, huyện Bát Xát'.normalize('NFD')}\r\n\r\n nearly  42 billion VND.\n`;
    expect(normaliseText(b)).toBe(normaliseText(a));
    expect(textHash(b)).toBe(textHash(a));
    expect(textHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(textHash('nearly 43 billion VND.')).not.toBe(textHash('nearly 42 billion VND.'));
  });

  it('maps a known hash to its source and an unknown text to nothing', () => {
    const mapping = { [textHash('one article')]: 'art-one' };
    expect(sourceOf('  one   article\n', mapping)).toBe('art-one');
    expect(sourceOf('another article', mapping)).toBeNull();
  });

  it('keeps a mapping of hashes only, to sources data/ has', () => {
    const mapping = sourceMap.parse(
      JSON.parse(readFileSync(new URL('../scripts/bench/ingest-sources.json', import.meta.url), 'utf8')),
    );
    const sources = JSON.parse(readFileSync(new URL('../data/sources.json', import.meta.url), 'utf8')) as {
      id: string;
    }[];
    expect(Object.keys(mapping).length).toBeGreaterThan(0);
    for (const id of Object.values(mapping)) expect(sources.map((s) => s.id)).toContain(id);
    expect(() => sourceMap.parse({ 'not a hash': 'art-x' })).toThrow(/sha256/);
  });
});

describe('2025 units and canonical units', () => {
  it('follows a unit to the 2025 units it is or went to', () => {
    const ix = index();
    expect(current2025(ix, 'xa-moi')).toEqual(['xa-moi']);
    expect(current2025(ix, 'thi-tran-cu')).toEqual(['xa-moi']);
    expect(current2025(ix, 'xa-chia-cu')).toEqual(['xa-khac', 'xa-moi']);
    // A district with no link of its own: its communes' successors; a village: its commune's.
    expect(current2025(ix, 'huyen-cu')).toEqual(['xa-khac', 'xa-moi']);
    expect(current2025(ix, 'thon-x')).toEqual(['xa-moi']);
    expect(current2025(ix, 'tinh-a')).toEqual(['tinh-a']);
    expect(current2025(ix, 'no-such-unit')).toEqual([]);
  });

  it('gives each field and indicator its canonical unit', () => {
    expect(unitOfField('investment_bn_vnd')).toBe('bn_vnd');
    expect(unitOfField('hectares')).toBe('ha');
    expect(unitOfField('people_served_min')).toBe('people');
    expect(unitOfField('start_year')).toBeNull();
    expect(unitOfField('completed_quarter')).toBeNull();
    // Not listed: by suffix, else the noun it counts.
    expect(unitOfField('road_length_km')).toBe('km');
    expect(unitOfField('loan_bn_vnd')).toBe('bn_vnd');
    expect(unitOfField('bts_stations')).toBe('stations');
    expect(indicatorFigure('x', 'million_vnd', 80)).toEqual({ unit: 'bn_vnd', value: 0.08 });
    expect(indicatorFigure('bts_stations_count', 'count', 6359)).toEqual({
      unit: 'bts_stations',
      value: 6359,
    });
    expect(indicatorFigure('wells_count', 'count', 4)).toEqual({ unit: 'wells', value: 4 });
    expect(indicatorFigure('x', 'percent', 3.2)).toEqual({ unit: 'pct', value: 3.2 });
  });
});

describe('truth from data/', () => {
  const data: DataLike = {
    units: [
      { slug: 'thi-tran-cu', sources: ['art-1', 'dvhcvn'] },
      { slug: 'thon-x', sources: ['art-1'] },
      { slug: 'xa-khac', sources: ['art-2'] },
    ],
    gates: [{ properties: { slug: 'gate', commune: 'xa-khac', sources: ['art-1'] } }],
    roads: [{ properties: { slug: 'road', via: ['A', 'B'], sources: ['art-1'] } }],
    projects: [
      {
        properties: {
          slug: 'market',
          commune: 'xa-moi',
          commune_as_named: 'thi-tran-cu',
          investment_bn_vnd: 42,
          area_m2: null,
          start_year: 2020,
          details: { kiosks: 389, hectares: 2, phase_hectares: 2, completed_quarter: 1, investor: 'X JSC' },
          sources: ['art-1'],
        },
      },
      {
        properties: {
          slug: 'other',
          commune: 'xa-khac',
          investment_bn_vnd: 9,
          details: {},
          sources: ['art-2'],
        },
      },
    ],
    indicatorDefinitions: [
      { code: 'kiosks_count', unit_of_measure: 'count' },
      { code: 'a_pct', unit_of_measure: 'percent' },
      { code: 'b_pct', unit_of_measure: 'percent' },
    ],
    indicators: [
      { unit: 'thi-tran-cu', indicator: 'kiosks_count', value: 389, sources: ['art-1'] },
      { unit: 'tinh-a', indicator: 'a_pct', value: 100, sources: ['art-1'] },
      { unit: 'tinh-a', indicator: 'b_pct', value: 100, sources: ['art-1'] },
      { unit: 'tinh-a', indicator: 'a_pct', value: 50, sources: ['art-2'] },
    ],
  };

  it('takes the places and figures citing the source, each fact once', () => {
    const t = truthFromData(data, 'art-1', index());
    // Units citing it (not the village: no code), the project's communes, the gate's, the indicators'.
    expect(t.places.map((p) => p.slug).sort()).toEqual(['thi-tran-cu', 'tinh-a', 'xa-khac', 'xa-moi']);
    const figures = t.figures.map((f) => `${f.value} ${f.unit} ${f.place} ${f.current.join(',')}`);
    expect(figures).toEqual([
      '42 bn_vnd xa-moi 00100',
      // the project's kiosks and the unit's indicator are one fact
      '389 kiosks xa-moi 00100',
      // hectares and phase_hectares of one record are one fact
      '2 ha xa-moi 00100',
      // two indicators of 100% are two facts
      '100 pct tinh-a 20',
      '100 pct tinh-a 20',
    ]);
    expect(t.figures[1]!.origin).toEqual([
      'projects market details.kiosks',
      'indicators #0 thi-tran-cu kiosks_count',
    ]);
    expect(t.figures[0]!.feature).toEqual({ layer: 'projects', slug: 'market' });
  });
});

describe('truth files', () => {
  const file = (places: unknown[], figures: unknown[] = []) =>
    truthFile.parse({ title: 't', lang: 'vi', places, figures });

  it('names units by code, and by era where a code names two', () => {
    const t = truthFromFile(
      file(
        [{ code: '00100', era: 'before-2025' }, '00150'],
        [{ value: 3, unit: 'ha', place: { code: '00100', era: '2025' } }],
      ),
      index(),
    );
    expect(t.places.map((p) => p.slug)).toEqual(['thi-tran-cu', 'xa-chia-cu']);
    expect(t.figures[0]).toMatchObject({ value: 3, unit: 'ha', place: 'xa-moi', current: ['00100'] });
    expect(() => truthFromFile(file(['00100']), index())).toThrow(/00100 names thi-tran-cu and xa-moi/);
    expect(() => truthFromFile(file(['99999']), index())).toThrow(/no unit has code 99999/);
    expect(() => file([])).toThrow();
  });

  it('reads every held-out truth file of the bench, against the gazetteer of data/', async () => {
    const gazetteer = dataUnitIndex(readData(new URL('../data', import.meta.url).pathname));
    const { readdirSync } = await import('node:fs');
    for (const folder of ['ingest-articles', 'ingest-articles-2']) {
      const dir = new URL(`../scripts/bench/${folder}/`, import.meta.url);
      const names = readdirSync(dir).filter((n) => n.endsWith('.truth.json'));
      expect(names.length).toBeGreaterThanOrEqual(6);
      for (const n of names) {
        const t = truthFile.parse(JSON.parse(readFileSync(new URL(n, dir), 'utf8')));
        expect(t.figures.length, n).toBeGreaterThan(0);
        const article = readdirSync(dir).find((a) => a.startsWith(n.replace('.truth.json', '.')) && a !== n);
        expect(article, `${n} has its article`).toMatch(/\.(txt|html)$/);
        // Every code names one unit of the gazetteer, and every figure's place is among the places or in one.
        const truth = truthFromFile(t, gazetteer);
        expect(truth.places.length, n).toBe(t.places.length);
        const placed = new Set(truth.places.flatMap((p) => currentCodes(gazetteer, p.slug)));
        for (const f of truth.figures)
          expect(
            f.current.some((c) => placed.has(c)),
            `${n}: ${f.origin}`,
          ).toBe(true);
      }
    }
  });
});

describe('scoring an article', () => {
  const truth: Truth = {
    places: [
      { slug: 'thi-tran-cu', code: '00100', name: 'Cũ', level: 'commune' },
      { slug: 'xa-moi', code: '00100', name: 'Mới', level: 'commune' },
      { slug: 'xa-chia-cu', code: '00150', name: 'Chia', level: 'commune' },
      { slug: 'huyen-cu', code: '300', name: 'Huyện', level: 'district' },
      { slug: 'tinh-a', code: '20', name: 'A', level: 'province' },
    ],
    figures: [
      { value: 42, unit: 'bn_vnd', place: 'xa-moi', current: ['00100'], feature: null, origin: ['cost'] },
      {
        value: 6000,
        unit: 'm2',
        place: 'huyen-cu',
        current: ['00100', '00200'],
        feature: { layer: 'projects', slug: 'market' },
        origin: ['area'],
      },
      { value: 3.2, unit: 'pct', place: 'tinh-a', current: ['20'], feature: null, origin: ['rate'] },
      { value: 389, unit: 'kiosks', place: 'xa-moi', current: ['00100'], feature: null, origin: ['kiosks'] },
    ],
  };
  const candidates: CandidateLike[] = [
    {
      id: 'c1',
      type: 'feature',
      layer: 'projects',
      properties: { commune: 'tinh-a' },
      figures: ['f2'],
      place: 'p3',
      existing: { layer: 'projects', slug: 'market' },
    },
    {
      id: 'c2',
      type: 'indicator',
      unit: 'tinh-a',
      unit_code: '20',
      indicator: 'x_pct',
      value: 3.2,
      figures: ['f3'],
      existing: null,
    },
  ];
  const result: ResultLike = {
    places: [
      place('p1', '00100', ['00100']),
      place('p2', '00150', ['00100']), // resolved only in part: its other 2025 unit, xa-khac, is missing
      place('p3', '00999', ['00999']), // not an article's place
      place('p4', null, ['00100'], 'border_gate'),
    ],
    figures: [
      fig('f1', 42.2, 'bn_vnd', 'p1'), // within 0.5% of 42, at the 2025 unit of the place
      fig('f2', 6000, 'm2', 'c1'), // placed in the province, but it is the truth's feature (existing)
      fig('f3', 3.2, 'pct', null), // through c2's figures: the province
      fig('f4', 42, 'bn_vnd', 'p1'), // 42 again: one fact, matched once
      fig('f5', 389, 'households', 'p1'), // wrong unit
      fig('f6', 389, 'kiosks', 'p3'), // wrong place
    ],
    candidates,
  };

  it('counts a figure right with its value within 0.5%, its unit and its place', () => {
    const s = scoreArticle(result, truth, index());
    expect(s.figures.recall).toEqual({ right: 3, of: 4 });
    expect(s.figures.precision).toEqual({ right: 3, of: 6 });
    expect(s.figures.missing.map((m) => m.truth.origin[0])).toEqual(['kiosks']);
    const near = s.figures.missing[0]!.near.join('\n');
    expect(near).toMatch(/f5 .*unit differs/);
    expect(near).toMatch(/f6 .*place differs/);
    expect(s.figures.wrong.map((w) => `${w.figure.id}: ${w.why}`)).toEqual([
      'f4: a repeat of a fact already matched',
      'f5: no such fact in the truth',
      'f6: no such fact in the truth',
    ]);
    expect(closeEnough(42.2, 42)).toBe(true);
    expect(closeEnough(42.22, 42)).toBe(false);
    expect(closeEnough(0, 0)).toBe(true);
    expect(closeEnough(0.001, 0)).toBe(false);
  });

  it('scores places by code, and each truth place by its 2025 units', () => {
    const s = scoreArticle(result, truth, index());
    // The two units of code 00100 are one place; 300 and 20 are neither a place's code nor among `current`.
    expect(s.places.recall).toEqual({ right: 2, of: 4 });
    expect(s.places.missing.map((p) => p.code)).toEqual(['300', '20']);
    expect(s.places.precision).toEqual({ right: 2, of: 3 });
    expect(s.places.extra).toEqual([{ code: '00999', name: 'u00999', text: 'p3' }]);
    // Districts are not resolved (no one 2025 unit); the two units of 00100 are one; the province is
    // not among the current units.
    expect(s.places.resolved).toEqual({ right: 1, of: 3 });
    expect(s.places.unresolved.map((u) => `${u.place.slug} needs ${u.needs}, got ${u.got}`)).toEqual([
      'xa-chia-cu needs 00200,00100, got 00100',
      'tinh-a needs 20, got ',
    ]);
  });

  it("counts a figure at the truth's very unit as placed, whatever that unit's current", () => {
    // The extractor reads the district and gives its province as `current`: the figure is still the district's.
    const district: PlaceLike = {
      id: 'p1',
      kind: 'unit',
      text: 'Huyện district',
      unit: { code: '300', slug: 'huyen-cu', name: 'Huyện' },
      current: ['20'],
    };
    const truthAt = (place: string, current: string[]) => ({
      places: [],
      figures: [{ value: 11, unit: 'villages', place, current, feature: null, origin: ['11 villages'] }],
    });
    const result = { places: [district], figures: [fig('f1', 11, 'villages', 'p1')], candidates: [] };
    expect(scoreArticle(result, truthAt('huyen-cu', ['00100', '00200']), index()).figures.recall.right).toBe(
      1,
    );
    expect(scoreArticle(result, truthAt('xa-moi', ['00100']), index()).figures.recall.right).toBe(0);
  });

  it('pairs a figure with a fact of the same value before one merely within 0.5%', () => {
    const at20 = (value: number) => ({
      value,
      unit: 'pct',
      place: 'tinh-a',
      current: ['20'],
      feature: null,
      origin: [`${value}`],
    });
    const s = scoreArticle(
      { places: [place('p1', '20', ['20'])], figures: [fig('f1', 99.9, 'pct', 'p1')], candidates: [] },
      { places: [], figures: [at20(100), at20(99.9)] },
      index(),
    );
    expect(s.figures.recall).toEqual({ right: 1, of: 2 });
    expect(s.figures.missing.map((m) => m.truth.value)).toEqual([100]);
  });

  it('pairs figures and facts one to one, at best', () => {
    // Extracted 0 fits facts 0 and 1, extracted 1 only fact 0: greedy would pair 0–0 and leave 1 out.
    expect(maxMatching([[0, 1], [0]], 2)).toEqual([1, 0]);
    expect(maxMatching([[0], [0]], 1)).toEqual([0, -1]);
    expect(maxMatching([[], [1]], 2)).toEqual([-1, 1]);
  });

  it('sums articles and says which targets are met', () => {
    const a = scoreArticle(result, truth, index());
    const perfect = scoreArticle(
      { places: [place('p1', '20', ['20'])], figures: [fig('f1', 3.2, 'pct', 'p1')], candidates: [] },
      {
        places: [{ slug: 'tinh-a', code: '20', name: 'A', level: 'province' }],
        figures: [
          { value: 3.2, unit: 'pct', place: 'tinh-a', current: ['20'], feature: null, origin: ['r'] },
        ],
      },
      index(),
    );
    const t = total([a, perfect]);
    expect(t.figures.recall).toEqual({ right: 4, of: 5 });
    expect(t.figures.precision).toEqual({ right: 4, of: 7 });
    expect(targets(t).map((g) => g.met)).toEqual([false, false, false]);
    expect(targets(total([perfect])).map((g) => `${g.met} ${g.value}`)).toEqual([
      'true 100.0% (1/1)',
      'true 100.0% (1/1)',
      'true 100.0% (1/1)',
    ]);
  });
});
