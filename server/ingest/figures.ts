/**
 * Figures of an article: a number with its unit, how it is qualified, the
 * year or period it refers to and what it measures, in Vietnamese and
 * English. Pure functions over the article's text (offsets are UTF-16 units
 * of that text).
 *
 *   findFigures('Nhà máy nước gần 42 tỷ đồng, hoàn thành năm 2017', 'vi')
 *   // [{ text: 'gần 42 tỷ đồng', range: [13, 27], value: 42, unit: 'bn_vnd',
 *   //    qualifier: 'nearly', year: 2017, period: null, measures: 'investment' }]
 *
 * Numbers: "1.200" and "1,200" are 1200, "2,5" and "2.5" are 2.5 (the
 * separator followed by three digits groups thousands, otherwise it is the
 * decimal point). Money is canonical in billion VND (bn_vnd): trillion and
 * "nghìn tỷ" ×1000, million ÷1000. A year (1900-2100 with nothing after it
 * that makes it a figure) is never a figure.
 */

import { fold, sentenceAt } from './text.ts';
import type { Qualifier } from './types.ts';

export interface FoundFigure {
  text: string;
  range: [number, number];
  value: number;
  unit: string;
  qualifier: Qualifier;
  year: number | null;
  period: [number, number] | null;
  measures: string;
}

/** "1.200" → 1200, "2,5" → 2.5, "2,048" → 2048, "3.2" → 3.2; NaN when not a number. */
export function parseNumber(raw: string): number {
  const s = raw.trim();
  if (!/^\d[\d.,]*$/.test(s)) return Number.NaN;
  const dots = s.split('.').length - 1;
  const commas = s.split(',').length - 1;
  let t: string;
  if (dots && commas) {
    // the last separator is the decimal point
    const dec = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ',';
    const group = dec === '.' ? ',' : '.';
    t = s.split(group).join('').replace(dec, '.');
  } else if (dots + commas > 1) {
    t = s.replace(/[.,]/g, '');
  } else if (dots + commas === 1) {
    const [int, frac] = s.split(/[.,]/) as [string, string];
    t = frac.length === 3 && int !== '0' ? int + frac : `${int}.${frac}`;
  } else t = s;
  return Number(t);
}

interface UnitDef {
  /** A regular expression over the folded (lower-case, unaccented) text, anchored after the number. */
  re: RegExp;
  unit: string;
  factor?: number;
  measures: string;
}

// Between the number and a count noun, English allows a few adjectives ("105 rural traffic projects").
// "one 3-star OCOP product": a number glued to its noun by a hyphen is an adjective too.
const ADJ = String.raw`(?:(?!(?:the|a|an|of|in|and|or|to|for|with|from|by|at|on|per|which|that|this|these|those|its|their|were|was|are|is|be|has|have|had)\b)(?:[a-z][a-z-]*|\d+-[a-z]+)\s+){0,3}`;

const MONEY_AFTER: UnitDef[] = [
  {
    re: /^\s*(?:nghin|ngan)\s+ty(?:\s+dong|\s+vnd)?\b/,
    unit: 'bn_vnd',
    factor: 1000,
    measures: 'investment',
  },
  { re: /^\s*ty\s+dong\b|^\s*ty\b(?!\s+(?:le|trong)\b)/, unit: 'bn_vnd', measures: 'investment' },
  { re: /^\s*trieu\s+(?:dong|vnd)\b/, unit: 'bn_vnd', factor: 0.001, measures: 'investment' },
  { re: /^\s*trieu\s+(?:usd|do la)\b/, unit: 'm_usd', measures: 'investment' },
  { re: /^\s*(?:trillion|tn)\b(?:\s+(?:vnd|dong))?/, unit: 'bn_vnd', factor: 1000, measures: 'investment' },
  { re: /^\s*(?:billion|bn|bil)\b(?:\s+(?:vnd|dong))?/, unit: 'bn_vnd', measures: 'investment' },
  { re: /^\s*million\s+(?:vnd|dong)\b/, unit: 'bn_vnd', factor: 0.001, measures: 'investment' },
  { re: /^\s*(?:million\s+usd|million\s+us\s+dollars|musd)\b/, unit: 'm_usd', measures: 'investment' },
];

/** After "VND" / "USD" before the number: "VND 2.5 trillion". */
const MONEY_PREFIXED: UnitDef[] = [
  { re: /^\s*(?:trillion|tn)\b/, unit: 'bn_vnd', factor: 1000, measures: 'investment' },
  { re: /^\s*(?:billion|bn)\b/, unit: 'bn_vnd', measures: 'investment' },
  { re: /^\s*million\b/, unit: 'bn_vnd', factor: 0.001, measures: 'investment' },
];

const MEASURE_AFTER: UnitDef[] = [
  { re: /^\s*(?:%|percent\b|per cent\b|phan tram\b)/, unit: 'pct', measures: 'rate' },
  { re: /^\s*(?:km2|km²|square kilomet(?:er|re)s?\b)/, unit: 'km2', measures: 'area' },
  { re: /^\s*(?:m2|m²|square met(?:er|re)s?\b|met vuong\b)/, unit: 'm2', measures: 'area' },
  { re: /^\s*(?:ha\b|hectares?\b|hecta\b|hec-ta\b)/, unit: 'ha', measures: 'area' },
  { re: /^\s*(?:km\b|kilomet(?:er|re)s?\b|ki-lo-met\b|kilomet\b)/, unit: 'km', measures: 'length' },
  { re: /^\s*(?:m3|m³|cubic met(?:er|re)s?\b|khoi\b)/, unit: 'm3', measures: 'volume' },
  { re: /^\s*(?:m\b(?![²2³])|met(?:er|re)s\b|met\b(?!\s+vuong))/, unit: 'm', measures: 'length' },
  // "a 1.5-fold increase", "gấp 1,5 lần"
  { re: /^(?:-|\s*)fold\b|^\s*lan\b(?=.{0,20}\b(?:so voi|nam)\b)/, unit: 'ratio', measures: 'ratio' },
];

/** "5 dongs for every dong of budget", "5 đồng ... mỗi đồng": money per money is a ratio. */
const PER_DONG =
  /\b(?:for every|for each|per|on every|moi|tren moi|from|out of|tu|cu)\s+["“'‘]?(?:1\s+|one\s+|mot\s+)?(?:dong|vnd)\b/;

const COUNT_NOUNS: [string, string][] = [
  ['bts_stations', String.raw`(?:bts\s+stations?|tram\s+(?:phat\s+song\s+)?bts|bts\b)`],
  [
    'households',
    String.raw`(?:${ADJ}households?\b|ho\s+gia\s+dinh\b|ho\s+dan\b|ho\b(?!\s+(?:tro|chua|so|ten|khau)\b))`,
  ],
  [
    'people',
    String.raw`(?:${ADJ}(?:people|persons|residents|inhabitants|members|students|pupils|visitors|tourists)\b|(?:luot\s+)?(?:nguoi|nhan\s+khau|thanh\s+vien|hoc\s+sinh|du\s+khach)\b)`,
  ],
  [
    'workers',
    String.raw`(?:${ADJ}(?:workers|labou?rers|employees|jobs)\b|(?:lao\s+dong|cong\s+nhan|viec\s+lam)\b)`,
  ],
  [
    'enterprises',
    String.raw`(?:${ADJ}(?:enterprises|businesses|companies|firms|investors)\b|(?:doanh\s+nghiep|nha\s+dau\s+tu)\b)`,
  ],
  ['projects', String.raw`(?:${ADJ}(?:projects|works)\b|(?:du\s+an|cong\s+trinh)\b)`],
  [
    'kiosks',
    String.raw`(?:${ADJ}(?:kiosks|stalls|booths)\b|(?:ki[- ]?ot|ki[- ]?os|gian\s+hang|quay\s+hang)\b)`,
  ],
  ['communes', String.raw`(?:${ADJ}communes\b|xa\b(?!\s+hoi))`],
  ['villages', String.raw`(?:${ADJ}(?:villages|hamlets)\b|(?:thon|ban|lang)\b(?=\s*(?:[,.;)]|va\b|$)))`],
  ['schools', String.raw`(?:${ADJ}schools\b|(?:truong|truong\s+hoc)\b)`],
  ['classrooms', String.raw`(?:${ADJ}classrooms\b|phong\s+hoc\b)`],
  ['products', String.raw`(?:${ADJ}products\b|san\s+pham\b)`],
  ['cooperatives', String.raw`(?:${ADJ}cooperatives\b|hop\s+tac\s+xa\b|htx\b)`],
  ['houses', String.raw`(?:${ADJ}(?:houses|homes)\b|(?:can\s+)?nha\b(?!\s+(?:may|nuoc|o\b)))`],
  ['markets', String.raw`(?:${ADJ}markets\b)`],
  // compound count nouns: the feature words of the atlas and common list words of plans and reports
  [
    'industrial_parks',
    String.raw`(?:(?:${ADJ})?industrial\s+(?:parks|zones|clusters)\b|(?:khu|cum)\s+cong\s+nghiep\b)`,
  ],
  ['items', String.raw`(?:${ADJ}(?:items|categories)\b|hang\s+muc\b)`],
  ['groups', String.raw`(?:${ADJ}groups\b|nhom\b)`],
  ['tasks', String.raw`(?:${ADJ}tasks\b|nhiem\s+vu\b)`],
  ['goals', String.raw`(?:${ADJ}(?:goals|criteria)\b|tieu\s+chi\b)`],
  ['floors', String.raw`(?:floors?\b|storeys?\b|stor(?:y|ies)\b|tang\b)`],
  ['toilets', String.raw`(?:${ADJ}toilets\b|nha\s+tieu\b|nha\s+ve\s+sinh\b)`],
];

const COUNTS: UnitDef[] = COUNT_NOUNS.map(([unit, re]) => ({
  re: new RegExp(String.raw`^\s*(?:(thousand|nghin|ngan|million|trieu)\s+)?${re}`),
  unit,
  measures: 'count',
}));

/** Nouns after a number that are no count of things the atlas holds (durations, ranks, repetitions). */
const NOT_COUNTED =
  /^(?:years|months|weeks|days|hours|minutes|seconds|decades|centuries|times|steps|levels|stages|phases|rounds|ways|stars|points|percent|ones|others|sides|kinds|types|lanes|metres|meters|kilometres|kilometers|tons|tonnes|degrees|dollars|units|characters|words|pages|comments|views|likes|shares)$/;

/** Any other English plural noun after a number ("73 specific tasks"): a count of that noun. */
function otherCount(after: string): { def: UnitDef; length: number; multiplier: number } | null {
  // the head noun is the first plural of the noun phrase ("1,150 trucks now pass": trucks, not "pass")
  const m = new RegExp(String.raw`^\s+${ADJ.replace('{0,3}', '{0,3}?')}([a-z]{3,}s)\b`).exec(after);
  if (!m || NOT_COUNTED.test(m[1]!) || /(?:ss|us|is)$/.test(m[1]!)) return null;
  return { def: { re: /$/, unit: nounUnit(m[1]!), measures: 'count' }, length: m[0].length, multiplier: 1 };
}

/** A count noun right after a number, or none. */
function countAfter(after: string): { def: UnitDef; length: number; multiplier: number } | null {
  return matchUnit(COUNTS, after) ?? otherCount(after);
}

/** A count's unit from its plural noun: lower case, "-ies" nouns as written ("categories"). */
function nounUnit(noun: string): string {
  return noun.toLowerCase().replace(/[^a-z]+/g, '_');
}

/** The qualifier written before the number ("gần 42", "more than 2,800"), in the folded text before it. */
const QUALIFIERS: [Qualifier, RegExp][] = [
  ['nearly', /\b(?:nearly|almost|close to|gan|xap xi|gan nhu)\s*$/],
  ['over', /\b(?:more than|over|above|in excess of|exceeding|upwards of|hon|tren|vuot)\s*$/],
  [
    'about',
    /\b(?:about|around|approximately|roughly|some|an estimated|estimated at|khoang|chung|uoc tinh|uoc khoang|uoc)\s*$/,
  ],
  ['up_to', /\b(?:up to|as much as|as many as|as high as|len den|len toi|toi da)\s*$/],
];

/** The qualifier at the end of `before` (folded) and how many characters it takes, or null. */
function qualifierBefore(before: string): { qualifier: Qualifier; length: number } | null {
  for (const [qualifier, re] of QUALIFIERS) {
    const m = re.exec(before);
    if (m) return { qualifier, length: m[0].length };
  }
  return null;
}

// Not inside a word or a reference (QL4B), but glued to a unit (277km) or after VND (VND2,048).
const NUMBER =
  /(?<![\d.,])(?<!\p{L}(?<!vnd|usd))(\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?![\d])/gu;

/** After the lower end of a range: "-3", " to 3", " đến 3" (folded). */
const RANGE_UPPER = /^\s*(?:-|–|—|to|den|toi)\s*(\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?![\d/])/;

/** Year or period expressions of a sentence: "in the 2021-2025 period", "giai đoạn 2021 - 2025", "năm 2024". */
export interface TimeRef {
  at: number;
  year: number | null;
  period: [number, number] | null;
}

const Y = String.raw`((?:19|20)\d\d)`;
const PERIOD = new RegExp(String.raw`(?<!\d)${Y}\s*(?:-|–|—|to|den|toi)\s*${Y}(?!\d)`, 'g');
const YEAR = new RegExp(
  String.raw`\b(?:in|by|since|until|till|of|during|nam|den|trong|tu|cuoi|dau|the end of|end of|early|late|mid|year)\s+(?:nam\s+)?${Y}(?!\d)|\b(?:quarter|quy\s+\w+)\s+(?:of\s+)?(?:nam\s+)?${Y}(?!\d)|(?<!\d)${Y}(?!\d)(?=\s*[,.;)])`,
  'g',
);

export function timeRefs(folded: string): TimeRef[] {
  const out: TimeRef[] = [];
  for (const m of folded.matchAll(PERIOD)) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (b > a && b - a <= 30) out.push({ at: m.index!, year: null, period: [a, b] });
  }
  for (const m of folded.matchAll(YEAR)) {
    const y = Number(m[1] ?? m[2] ?? m[3]);
    if (out.some((r) => r.period && m.index! >= r.at && m.index! < r.at + 12)) continue;
    out.push({ at: m.index!, year: y, period: null });
  }
  return out.sort((a, b) => a.at - b.at);
}

function isYear(value: number, raw: string): boolean {
  return /^\d{4}$/.test(raw) && value >= 1900 && value <= 2100;
}

const MEASURE_WORDS: [string, RegExp][] = [
  ['revenue', /\b(?:revenue|doanh thu|thu ngan sach|budget revenue)\b/],
  ['trade_value', /\b(?:export|import|trade|turnover|kim ngach|xuat khau|nhap khau)\b/],
  ['income', /\b(?:income|thu nhap)\b/],
  ['support', /\b(?:support|subsid|ho tro)\w*/],
  ['capital', /\b(?:capital|funds?|mobili[sz]ed|allocated|von|huy dong|bo tri)\b/],
];

/** What a money figure measures, from the words just before it in its sentence. */
function moneyMeasure(before: string): string {
  const near = before.slice(-60);
  for (const [m, re] of MEASURE_WORDS) if (re.test(near)) return m;
  return 'investment';
}

function matchUnit(
  defs: UnitDef[],
  after: string,
): { def: UnitDef; length: number; multiplier: number } | null {
  for (const def of defs) {
    const m = def.re.exec(after);
    if (!m) continue;
    const mult = m[1];
    const multiplier = !mult ? 1 : /thousand|nghin|ngan/.test(mult) ? 1000 : 1_000_000;
    return { def, length: m[0].length, multiplier };
  }
  return null;
}

/**
 * Every figure of `text`. `sentences` are the [start, end) of its sentences
 * (text.ts); the year or period of a figure is the one nearest it in its
 * sentence, else none.
 */
export function findFigures(text: string, spans: readonly [number, number][]): FoundFigure[] {
  const folded = fold(text);
  const out: FoundFigure[] = [];
  const times = spans.map(([s, e]) => timeRefs(folded.slice(s, e)).map((t) => ({ ...t, at: t.at + s })));
  const timeOf = (si: number, at: number, start: number, end: number) => {
    let year: number | null = null;
    let period: [number, number] | null = null;
    if (si >= 0) {
      const t = nearest(times[si]!, at, start, end);
      if (t) {
        year = t.year;
        period = t.period;
      } else if (si > 0 && !text.slice(spans[si - 1]![1], spans[si]![0]).includes('\n')) {
        // a sentence without a date continues the period of the one before it in its paragraph
        period = times[si - 1]!.find((x) => x.period)?.period ?? null;
      }
    }
    return { year, period };
  };
  for (const m of folded.matchAll(NUMBER)) {
    const raw = m[1]!;
    let start = m.index!;
    let end = start + raw.length;
    const value0 = parseNumber(raw);
    if (!Number.isFinite(value0)) continue;
    const after = folded.slice(end, end + 80);
    const before = folded.slice(Math.max(0, start - 40), start);
    let unit: { def: UnitDef; length: number; multiplier: number } | null = null;
    const prefix = /\b(vnd|dong|usd|us\$|\$)\s*$/.exec(before);
    if (prefix) {
      unit = matchUnit(MONEY_PREFIXED, after);
      if (unit && /usd|\$/.test(prefix[1]!))
        unit = { ...unit, def: { ...unit.def, unit: 'm_usd', factor: (unit.def.factor ?? 1) * 1000 } };
      if (unit) start -= prefix[0].length;
    }
    unit ??= matchUnit(MONEY_AFTER, after) ?? matchUnit(MEASURE_AFTER, after) ?? matchUnit(COUNTS, after);
    if (!unit && /^\s*(?:dongs?|vnd)\b/.test(after)) {
      const si0 = sentenceAt(spans, m.index!);
      if (si0 >= 0 && PER_DONG.test(folded.slice(...spans[si0]!)) && !/^1$/.test(raw))
        unit = {
          def: { re: /$/, unit: 'ratio', measures: 'ratio' },
          length: /^\s*(?:dongs?|vnd)\b/.exec(after)![0].length,
          multiplier: 1,
        };
    }
    if (!unit && !isYear(value0, raw)) unit = otherCount(after);
    // "1-3 floors", "từ 2 đến 3 ha": the lower end of a range has the unit of the upper end, at least
    let lowerEnd = false;
    if (!unit && !isYear(value0, raw)) {
      const upper = RANGE_UPPER.exec(after);
      const v2 = upper ? parseNumber(upper[1]!) : Number.NaN;
      if (upper && v2 > value0 && !isYear(v2, upper[1]!)) {
        const rest = after.slice(upper[0].length);
        const u =
          matchUnit(MONEY_AFTER, rest) ??
          matchUnit(MEASURE_AFTER, rest) ??
          matchUnit(COUNTS, rest) ??
          otherCount(rest);
        if (u) {
          unit = { ...u, length: 0 };
          lowerEnd = true;
        }
      }
    }
    // "44/52 goals": the part and the whole are both counts of the noun after the whole
    const whole = /^\/(\d{1,4})(?![\d/.,])/.exec(after);
    const wholeCount =
      // "15/15 projects" (all of them) as well as "44/52 goals"
      whole && Number(whole[1]) >= value0
        ? countAfter(folded.slice(end + whole[0].length, end + whole[0].length + 80))
        : null;
    if (wholeCount) unit = { ...wholeCount, length: 0 };
    const part = /(?<![\d/.,])(\d{1,4})\/$/.exec(before);
    const isWhole = part && Number(part[1]) < value0 && unit?.def.measures === 'count';
    if (!unit) continue;
    if (isYear(value0, raw) && unit.def.measures === 'count' && unit.multiplier === 1) continue;
    // a fraction "1/7" or a date is not a figure of its own
    if ((/\/\s*$/.test(before) && !isWhole) || (/^\/\d/.test(folded.slice(end, end + 2)) && !wholeCount))
      continue;
    end += unit.length;
    const q = qualifierBefore(folded.slice(Math.max(0, start - 30), start));
    const qualifier: Qualifier = q?.qualifier ?? (lowerEnd ? 'over' : 'exact');
    start -= q?.length ?? 0;
    const value = round(value0 * (unit.def.factor ?? 1) * unit.multiplier);
    const si = sentenceAt(spans, m.index!);
    const { year, period } = timeOf(si, m.index!, start, end);
    const sentenceStart = si >= 0 ? spans[si]![0] : 0;
    const measures =
      unit.def.unit === 'bn_vnd' || unit.def.unit === 'm_usd'
        ? moneyMeasure(folded.slice(sentenceStart, start))
        : unit.def.measures;
    out.push({
      text: text.slice(start, end),
      range: [start, end],
      value,
      unit: unit.def.unit,
      qualifier,
      year,
      period,
      measures,
    });
  }
  // counts written in words: "two new schools", "a dozen kiosks", "hai trăm hộ", "ba dự án"
  for (const w of numberWords(text)) {
    if (out.some((o) => w.range[0] < o.range[1] && o.range[0] < w.range[1])) continue;
    const beforeW = folded.slice(Math.max(0, w.range[0] - 30), w.range[0]);
    // "the two communes", "các/những ba…": things already named, not a figure
    if (/\b(?:the|these|those|its|their|our|all|cac|nhung)\s+$/.test(beforeW)) continue;
    const after = folded.slice(w.range[1], w.range[1] + 80);
    // after "one" the noun is singular: a plural there belongs to another phrase ("one dong buys")
    const unit =
      matchUnit(COUNTS, after) ??
      (w.value === 1 ? singularCount(after) : w.value === 0 ? null : otherCount(after));
    if (unit?.multiplier !== 1) continue;
    const q = qualifierBefore(beforeW);
    const qualifier: Qualifier = q?.qualifier ?? 'exact';
    const start = w.range[0] - (q?.length ?? 0);
    const end = w.range[1] + unit.length;
    const si = sentenceAt(spans, w.range[0]);
    out.push({
      text: text.slice(start, end),
      range: [start, end],
      value: w.value,
      unit: unit.def.unit,
      qualifier,
      ...timeOf(si, w.range[0], start, end),
      measures: 'count',
    });
  }
  return out.sort((a, b) => a.range[0] - b.range[0]);
}

const EN_UNITS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
const EN_TENS: Record<string, number> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const VI_DIGITS: Record<string, number> = {
  một: 1,
  mốt: 1,
  hai: 2,
  ba: 3,
  bốn: 4,
  tư: 4,
  năm: 5,
  lăm: 5,
  sáu: 6,
  bảy: 7,
  tám: 8,
  chín: 9,
};
const EN_WORD = `(?:${Object.keys(EN_TENS).join('|')})(?:-(?:${Object.keys(EN_UNITS).slice(0, 9).join('|')}))?|${Object.keys(EN_UNITS).join('|')}`;
const EN_NUMBER = new RegExp(
  String.raw`\b(?:(a|${EN_WORD})\s+dozen|(a|one|${EN_WORD})\s+hundred(?:\s+(?:and\s+)?(${EN_WORD}))?|(${EN_WORD}))\b`,
  'gi',
);
const VI_D = `(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín)`;
const VI_NUMBER = new RegExp(
  String.raw`(?<!\p{L})(?:(${VI_D})\s+trăm(?:\s+(?:linh|lẻ)\s+(${VI_D})|\s+(mười|${VI_D}\s+mươi)(?:\s+(mốt|tư|lăm|${VI_D}))?)?|(mười|${VI_D}\s+mươi)(?:\s+(mốt|tư|lăm|${VI_D}))?|(${VI_D}))(?!\p{L})`,
  'giu',
);

function enValue(w: string): number {
  const [t, u] = w.toLowerCase().split('-');
  return EN_TENS[t!] !== undefined ? EN_TENS[t!]! + (u ? EN_UNITS[u]! : 0) : EN_UNITS[t!]!;
}

function viTens(w: string): number {
  return w === 'mười' ? 10 : VI_DIGITS[w.split(/\s+/)[0]!]! * 10;
}

/** Whole numbers written in words, English or Vietnamese (≤ 999): their value and range. */
export function numberWords(text: string): { value: number; range: [number, number] }[] {
  const out: { value: number; range: [number, number] }[] = [];
  for (const m of text.matchAll(EN_NUMBER)) {
    const value = m[1]
      ? 12 * (/^a$/i.test(m[1]) ? 1 : enValue(m[1]))
      : m[2]
        ? 100 * (/^(?:a|one)$/i.test(m[2]) ? 1 : enValue(m[2])) + (m[3] ? enValue(m[3]) : 0)
        : enValue(m[4]!);
    out.push({ value, range: [m.index!, m.index! + m[0].length] });
  }
  // "no households classified as poor", "không còn hộ nghèo": none, when a count noun follows (checked by the caller)
  for (const m of text.matchAll(/\b(?:no|zero)\b|(?<!\p{L})không còn(?!\p{L})/giu))
    out.push({ value: 0, range: [m.index!, m.index! + m[0].length] });
  for (const m of text.matchAll(VI_NUMBER)) {
    // lower case only, but for the first word of a sentence ("Ba dự án…"); "Ba Chẽ" is a name
    const first = m[0][0]!;
    if (
      first !== first.toLowerCase() &&
      !/(?:^|[.!?:\n]\s*)$/.test(text.slice(Math.max(0, m.index! - 3), m.index!))
    )
      continue;
    const l = m.map((x) => x?.toLowerCase());
    let value: number;
    if (l[1])
      value =
        VI_DIGITS[l[1]]! * 100 +
        (l[2] ? VI_DIGITS[l[2]]! : 0) +
        (l[3] ? viTens(l[3]) : 0) +
        (l[4] ? VI_DIGITS[l[4]]! : 0);
    else if (l[5]) value = viTens(l[5]) + (l[6] ? VI_DIGITS[l[6]]! : 0);
    else value = VI_DIGITS[l[7]!]!;
    out.push({ value, range: [m.index!, m.index! + m[0].length] });
  }
  return out.sort((a, b) => a.range[0] - b.range[0]);
}

/** "one 3-star OCOP product": the count a singular noun after "one" is, read as its plural. */
function singularCount(after: string): { def: UnitDef; length: number; multiplier: number } | null {
  const words = /^\s+((?:(?:[a-z][a-z-]*|\d+-[a-z]+)\s+){0,3}[a-z]+)\b/.exec(after);
  if (!words) return null;
  const ws = words[1]!.split(/\s+/);
  for (let k = 0; k < ws.length; k++) {
    const noun = ws[k]!;
    if (noun.endsWith('s')) continue;
    const phrase = ` ${[...ws.slice(0, k), `${noun}s`].join(' ')}`;
    // only the count nouns the atlas knows: "one of…", "one dong" are no count
    const u = matchUnit(COUNTS, phrase);
    if (u && u.length >= phrase.length - 1) return { ...u, length: phrase.length - 1 };
  }
  return null;
}

/** The time reference nearest a figure, not inside it (a period before the figure wins over a year after it). */
function nearest(times: TimeRef[], at: number, start: number, end: number): TimeRef | null {
  let best: TimeRef | null = null;
  let bestD = Number.POSITIVE_INFINITY;
  for (const t of times) {
    if (t.at >= start && t.at < end) continue;
    const d = Math.abs(t.at - at) * (t.period ? 0.5 : 1);
    if (d < bestD) {
      best = t;
      bestD = d;
    }
  }
  return best;
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
