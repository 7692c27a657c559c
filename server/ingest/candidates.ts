/**
 * Candidates of an article: features (a market, an industrial park, a water
 * plant, a road upgrade…, the categories of server/layers/project-properties.ts)
 * and indicators of units (a poverty rate of a commune in a year, a
 * programme's capital for a province over a period).
 *
 * - A feature is a category word with a name ("chợ Kim Sơn", "Nam Son
 *   Industrial Park", "Kim Son town water plant"), or without one when its
 *   sentence gives it a cost, an area or kiosks; mentions of the same
 *   category and name are one candidate, and "this project" / "dự án này"
 *   in the next sentence refers to the one before.
 * - A figure belongs to the nearest feature of its sentence (or the one
 *   "this project" refers to); otherwise to the nearest unit of its sentence,
 *   or the article's main unit, as an indicator named after
 *   data/indicator-definitions.json where one fits.
 * - A feature is placed at the seat of the most precise unit its sentences
 *   name (the commune's, else the district's or the province's, or the
 *   2025 unit's it went to), approximate with the seat's uncertainty (at
 *   least 5 km) for a commune, schematic for a district (15 km) or a
 *   province (50 km); no geometry when no seat is known.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import { slugify } from '../import/slug.ts';
import type { CATEGORIES } from '../layers/project-properties.ts';
import type { FoundFigure } from './figures.ts';
import type { PlaceInfo } from './places.ts';
import { fold, foldCase, sentenceAt } from './text.ts';
import type { CandidateLocation, FeatureCandidate, IndicatorCandidate, Lang, Range } from './types.ts';

type Category = (typeof CATEGORIES)[number];

const LABELS: Record<Category, { vi: string; en: string }> = {
  market: { vi: 'Chợ', en: 'market' },
  industrial_park: { vi: 'Khu công nghiệp', en: 'industrial park' },
  water_supply: { vi: 'Công trình cấp nước', en: 'water supply' },
  waste_treatment: { vi: 'Khu xử lý rác thải', en: 'waste treatment site' },
  school: { vi: 'Trường', en: 'school' },
  irrigation: { vi: 'Công trình thủy lợi', en: 'irrigation work' },
  road: { vi: 'Đường', en: 'road' },
  electricity_grid: { vi: 'Lưới điện', en: 'power grid' },
  tourism: { vi: 'Khu du lịch', en: 'tourist area' },
  housing: { vi: 'Khu nhà ở', en: 'housing' },
  health: { vi: 'Cơ sở y tế', en: 'health facility' },
  bridge: { vi: 'Cầu', en: 'bridge' },
  other: { vi: 'Công trình', en: 'works' },
};

/** Category words over the folded (unaccented, lower-case) text; Vietnamese ones need their accents where folding makes them common words. */
const WORDS: [Category, RegExp, RegExp | null][] = [
  [
    'industrial_park',
    /\bindustrial\s+(?:park|zone|cluster)s?\b|\b(?:khu|cum)\s+cong\s+nghiep\b|\b(?:kcn|ccn)\b/g,
    null,
  ],
  [
    'water_supply',
    /\b(?:clean\s+)?water\s+(?:supply\s+)?(?:plant|factory|works|supply\s+(?:system|project|work))\b|\bnha\s+may\s+nuoc\b|\bcong\s+trinh\s+(?:cap\s+)?nuoc(?:\s+sach)?\b/g,
    null,
  ],
  [
    'waste_treatment',
    /\b(?:waste|garbage|rubbish)\s+(?:treatment|disposal)\b|\blandfill\b|\bxu\s+ly\s+rac(?:\s+thai)?\b|\bbai\s+rac\b/g,
    null,
  ],
  [
    'market',
    /\bmarkets?\b(?!\s+(?:economy|prices?|access|share|demand|system))/g,
    /(?<!\p{L})chợ(?!\p{L})/gu,
  ],
  [
    'school',
    /\b(?:(?:primary|secondary|high|boarding|kindergarten)\s+)?schools?\b|\bkindergarten\b/g,
    /(?<!\p{L})trường(?:\s+(?:học|mầm non|tiểu học|thcs|thpt|phổ thông))?(?!\p{L})/gu,
  ],
  [
    'irrigation',
    /\birrigation\b|\breservoirs?\b|\bcanals?\b|\bthuy\s+loi\b|\bho\s+chua\b|\bkenh\s+muong\b/g,
    null,
  ],
  [
    'electricity_grid',
    /\b(?:power|electricity)\s+(?:grid|lines?|network)\b|\btransformer\s+stations?\b|\bluoi\s+dien\b|\btram\s+bien\s+ap\b/g,
    null,
  ],
  [
    'tourism',
    /\btourist\s+(?:area|site|resort|zone)s?\b|\bresorts?\b|\bkhu\s+du\s+lich\b|\bdiem\s+du\s+lich\b/g,
    null,
  ],
  [
    'health',
    /\bhospitals?\b|\bhealth\s+(?:station|centre|center|clinic)s?\b|\bbenh\s+vien\b|\btram\s+y\s+te\b|\btrung\s+tam\s+y\s+te\b/g,
    null,
  ],
  ['housing', /\bresettlement\s+(?:area|site|zone)s?\b|\bkhu\s+tai\s+dinh\s+cu\b/g, null],
  ['bridge', /\bbridges?\b/g, /(?<!\p{L})cầu(?=\s+\p{Lu})/gu],
  [
    'road',
    /\b(?:upgrad\w*|renovat\w*|construct\w*|build\w*|expan\w*|widen\w*)\s+(?:of\s+)?(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:roads?|routes?|highways?)\b|\b(?:nang\s+cap|cai\s+tao|mo\s+rong|xay\s+dung)\s+(?:tuyen\s+)?(?:duong|quoc\s+lo|tinh\s+lo)\b/g,
    null,
  ],
];

const STATUS: [string, RegExp][] = [
  [
    'operating',
    /\b(?:put into operation|in operation|operating|came into operation|opened|went into operation|di vao hoat dong|dang hoat dong|khai truong)\b/,
  ],
  ['completed', /\b(?:completed|finished|put into use|handed over|hoan thanh|dua vao su dung|ban giao)\b/],
  [
    'under_construction',
    /\b(?:under construction|being (?:built|constructed|upgraded)|dang (?:thi cong|xay dung)|khoi cong)\b/,
  ],
  [
    'licensed',
    /\b(?:licensed|granted (?:an )?investment|investment (?:certificate|policy) (?:was )?(?:granted|approved)|cap phep|chu truong dau tu)\b/,
  ],
  ['planned', /\b(?:planned|plans? to|will be (?:built|invested)|proposed|du kien|quy hoach|se dau tu)\b/],
];

const UPGRADE =
  /\b(?:upgrad|renovat|widen|expan|repair|construct|built|build|nang cap|cai tao|mo rong|sua chua|xay dung|lam moi)/;

const ANAPHORA =
  /^(?:it|this|that|these|the project|the work)\b|\b(?:this|the|that)\s+(?:project|market|plant|park|work|facility|factory|school|site|route|road)\b|\bthe investor\b|\bit\s+(?:has|is|was|covers)\b|\b(?:du an|cong trinh|nha may|cho|khu)\s+(?:nay|tren)\b|\bday la\b|\b(?:this|it) is an?\b|\bwith a total (?:investment|cost|capital)\b|\bin phase\b|\bgiai doan 1\b/;

interface Mention {
  category: Category;
  range: Range;
  name: string | null;
  sentence: number;
}

/** The name written with a category word: capitalised words before it (English) or after it (Vietnamese). */
function nameAround(text: string, fc: string, s: number, e: number): { name: string; range: Range } | null {
  // English: "Kim Son town water plant", "Nam Son Industrial Park", "the Que Phong district waste treatment"
  const before = fc.slice(Math.max(0, s - 60), s);
  const en =
    /((?:[A-Z][a-z']+(?:-[A-Za-z][a-z']*)? +)(?:(?:[A-Z][a-z']+(?:-[A-Za-z][a-z']*)?|[A-Z]) +){0,3})(?:(?:town|commune|district|province|city) +)?$/.exec(
      before,
    );
  if (en) {
    const words = en[1]!.trim().split(/\s+/);
    while (
      words.length &&
      /^(?:The|In|At|Also|And|Of|For|This|A|An|By|With|From|On|To|New|Old|\w+ing)$/.test(words[0]!)
    )
      words.shift();
    if (words.length) {
      const start = s - en[0].length + en[0].indexOf(words[0]!);
      return { name: text.slice(start, e), range: [start, e] };
    }
  }
  // Vietnamese: "chợ Kim Sơn", "khu công nghiệp Nam Sơn"
  const after = /^ +((?:thi tran |xa |huyen )?[A-Z][a-z']+(?: +(?:[A-Z][a-z']*|\d+\b))*)/.exec(
    fc.slice(e, e + 60),
  );
  if (after) {
    const end = e + after[0].length;
    const name = text.slice(s, end);
    return { name: name[0]!.toUpperCase() + name.slice(1), range: [s, end] };
  }
  // "the Industrial Park" goes on about one named before: a reference, not a name
  if (/^[A-Z]/.test(fc.slice(s, e)) && !/\b(?:the|this|that|its|these|those)\s+$/i.test(before))
    return { name: text.slice(s, e), range: [s, e] };
  return null;
}

export function findFeatureMentions(text: string, spans: readonly [number, number][]): Mention[] {
  const f = fold(text);
  const fc = foldCase(text);
  const lower = text.toLowerCase();
  const out: Mention[] = [];
  for (const [category, folded, accented] of WORDS) {
    const hits = [...f.matchAll(folded), ...(accented ? lower.matchAll(accented) : [])];
    for (const m of hits) {
      const s = m.index!;
      const e = s + m[0].length;
      if (out.some((o) => s < o.range[1] && o.range[0] < e)) continue;
      const named = category === 'road' ? null : nameAround(text, fc, s, e);
      // "the industrial park", "the Market": one named before, even after a comma
      const referring = !named && /\b(?:the|this|that)\s+$/.test(f.slice(Math.max(0, s - 8), s));
      // "các công trình và chợ", "border markets": a kind of thing, not one feature
      if (
        !named &&
        !referring &&
        (/(?:\b(?:cac|nhung|va|and|or|of|all|many|new)\s+|,\s*)(?:\S+\s+){0,3}$/.test(
          f.slice(Math.max(0, s - 30), s),
        ) ||
          (/s$/.test(m[0]) && category !== 'road'))
      )
        continue;
      out.push({
        category,
        range: named?.range ?? [s, e],
        name: named?.name ?? null,
        sentence: sentenceAt(spans, s),
      });
    }
  }
  return out.sort((a, b) => a.range[0] - b.range[0]);
}

// ── Indicators ──────────────────────────────────────────────────────────────

const INDICATORS: [string, RegExp, string][] = [
  ['pct', /multi-?dimensional|da chieu/, 'multidimensional_poverty_rate_pct'],
  ['pct', /poverty|poor household|ho ngheo|ngheo/, 'poverty_rate_pct'],
  ['pct', /smartphone|dien thoai thong minh/, 'smartphone_users_pct'],
  ['pct', /3g|4g|mobile|phu song/, 'mobile_3g4g_residential_coverage_pct'],
  ['pct', /national grid|grid|dien luoi|luoi dien|electricity/, 'grid_household_pct'],
  ['pct', /clean water|nuoc sach/, 'clean_water_household_pct'],
  ['pct', /harden|cung hoa|be tong hoa/, 'road_hardening_pct'],
  ['pct', /classroom|phong hoc/, 'solid_classrooms_pct'],
  ['pct', /credit|tin dung/, 'credit_capital_share_pct'],
  ['pct', /budget|ngan sach/, 'budget_capital_share_pct'],
  ['bn_vnd', /national target|muc tieu quoc gia|mtqg/, 'ntp_capital_bn_vnd'],
  ['bn_vnd', /border area|border region|khu vuc bien gioi|vung bien gioi/, 'border_area_investment_bn_vnd'],
  ['bn_vnd', /mobili[sz]|huy dong/, 'capital_mobilised_bn_vnd'],
  ['bn_vnd', /infrastructure|ha tang/, 'infrastructure_capital_cumulative_bn_vnd'],
  ['km', /border|bien gioi/, 'border_length_km'],
  ['km', /road|route|traffic|transport|giao thong|duong/, 'rural_road_length_km'],
  ['projects', /rural (?:road|traffic|transport)|giao thong nong thon/, 'rural_road_projects_count'],
  ['projects', /national target|muc tieu quoc gia/, 'ntp_projects_count'],
  ['bts_stations', /./, 'bts_stations_count'],
  ['households', /poor|ngheo/, 'poor_households_central_standard_count'],
  ['households', /./, 'households_count'],
  ['people', /population|dan so|inhabitants|residents|nhan khau|households? with|\bho voi\b/, 'population'],
  ['ha', /pineapple|dua/, 'pineapple_area_ha'],
  ['ha', /macadamia|mac ca/, 'macadamia_area_ha'],
  ['ha', /coffee|ca phe/, 'coffee_area_ha'],
  ['ha', /industrial park|khu cong nghiep/, 'industrial_parks_area_ha'],
  ['ha', /concentrated|tap trung/, 'concentrated_production_area_ha'],
  ['products', /ocop/, 'ocop_3to5star_products_count'],
  ['cooperatives', /./, 'cooperatives_count'],
  ['houses', /./, 'houses_built_or_repaired_count'],
  ['toilets', /./, 'sanitary_toilets_count'],
  ['schools', /./, 'schools_upgraded_count'],
];

/** The indicator a figure of a unit is, from its unit and the words of its sentence before it. */
export function indicatorOf(
  figure: Pick<FoundFigure, 'unit' | 'measures'>,
  context: string,
  after = '',
): string {
  // "256.5 hectares of honey pineapple": the words right after the figure first, then those just before, then its sentence
  const a = fold(after)
    .split(/[,;]|\.(?!\d)/)[0]!
    .slice(0, 60);
  const c = fold(context);
  for (const words of [a, c.slice(-80), c])
    for (const [unit, re, code] of INDICATORS)
      if (unit === figure.unit && (words !== a || re.source !== '.') && re.test(words)) return code;
  if (figure.unit === 'bn_vnd') return `${figure.measures}_bn_vnd`;
  if (figure.measures === 'count') return `${figure.unit}_count`;
  return `${figure.measures}_${figure.unit}`;
}

const PROGRAMME =
  /\b(?:Resolution|Nghị quyết|Nghi quyet)\s+(?:No\.?\s*|số\s+)?(\d+[-/][A-ZĐa-z0-9/-]*[A-ZĐ])|\b(?:national target programmes?|chương trình mục tiêu quốc gia)/i;

function programmeOf(sentence: string): string | null {
  const m = PROGRAMME.exec(sentence);
  if (!m) return null;
  if (m[1]) return `NQ ${m[1].replace(/^(\d+)-?\//, '$1/')}`;
  return 'national target programmes';
}

// ── Putting them together ───────────────────────────────────────────────────

interface Seat {
  lon: number;
  lat: number;
  uncertainty: number | null;
  kind: string;
  name: string;
  level: string;
  era: string;
}

async function seatOf(db: Kysely<DB>, info: PlaceInfo): Promise<Seat | null> {
  const unit = info.place.unit;
  if (!unit) return null;
  // the unit itself, the 2025 unit(s) it went to when only one, then its parents
  const { rows } = await sql<Seat & { rank: number }>`
    WITH RECURSIVE up(id, depth) AS (
      SELECT id, 0 FROM admin_units WHERE slug = ${unit.slug}
      UNION ALL SELECT a.parent_id, up.depth + 1 FROM up JOIN admin_units a ON a.id = up.id
      WHERE a.parent_id IS NOT NULL AND up.depth < 3)
    SELECT ST_X(a.seat) AS lon, ST_Y(a.seat) AS lat, a.seat_uncertainty_m AS uncertainty, a.kind, a.name, a.level,
      CASE WHEN a.valid_to IS NULL THEN '2025' ELSE 'before-2025' END AS era, up.depth * 2 AS rank
    FROM up JOIN admin_units a ON a.id = up.id WHERE a.seat IS NOT NULL
    UNION ALL
    SELECT ST_X(b.seat), ST_Y(b.seat), b.seat_uncertainty_m, b.kind, b.name, b.level, '2025', 1
    FROM admin_units a JOIN unit_successors s ON s.unit_id = a.id JOIN admin_units b ON b.id = s.successor_id
    WHERE a.slug = ${unit.slug} AND b.seat IS NOT NULL
      AND (SELECT count(*) FROM unit_successors x WHERE x.unit_id = a.id) = 1
    ORDER BY rank LIMIT 1`.execute(db);
  return rows[0] ?? null;
}

function locationOf(seat: Seat | null, info: PlaceInfo | null): CandidateLocation {
  if (!seat) {
    const what = info?.place.unit ? `${info.place.unit.kind} ${info.place.unit.name}` : 'the article';
    return { geometry: null, precision: 'schematic', uncertainty_m: null, how: `no seat known for ${what}` };
  }
  const commune = seat.level === 'commune';
  const district = seat.level === 'district';
  const min = commune ? 5000 : district ? 15000 : 50000;
  return {
    geometry: { type: 'Point', coordinates: [round6(seat.lon), round6(seat.lat)] },
    precision: commune ? 'approximate' : 'schematic',
    uncertainty_m: Math.max(seat.uncertainty ?? 0, min),
    how: `seat of ${seat.kind} ${seat.name} (${seat.era === '2025' ? '2025' : 'before 2025'})`,
  };
}

const LEVEL_ORDER: Record<string, number> = { commune: 0, district: 1, province: 2 };

/** The most precise unit place named in these sentences, nearest to `at` first. */
function placeFor(places: PlaceInfo[], sentences: number[], at: number): PlaceInfo | null {
  const units = places.filter((p) => p.place.kind === 'unit' && sentences.some((s) => p.sentences.has(s)));
  if (!units.length) return null;
  const dist = (p: PlaceInfo) => Math.min(...p.place.ranges.map(([s]) => Math.abs(s - at)));
  return units.sort(
    (a, b) => (LEVEL_ORDER[a.level ?? ''] ?? 1.5) - (LEVEL_ORDER[b.level ?? ''] ?? 1.5) || dist(a) - dist(b),
  )[0]!;
}

const REFERRED =
  /\b(?:the|this|that|entire|whole)\s+(commune|district|province)\b|\b(?:toan\s+)?(xa|huyen|tinh)\s+(?:nay|da|co|hien)\b/g;

const GATE_REFERRED = /\b(?:the|this|that)\s+(?:border\s+)?gate\b|\bcua\s+khau\s+(?:nay|do)\b/;

/**
 * "the entire commune now has…", "toàn xã có…": the unit of that level named last before `at`, in
 * the sentence `si` or the 3 before it; one named further back is not what "the commune" means.
 */
function referred(places: PlaceInfo[], sentence: string, at: number, si = -1): PlaceInfo | null {
  return gateReferred(places, sentence, at) ?? levelReferred(places, sentence, at, si);
}

const REFERRED_SENTENCES = 3;

/** "the gate", "cửa khẩu này": the commune of the border gate named last before `at`. */
function gateReferred(places: PlaceInfo[], sentence: string, at: number): PlaceInfo | null {
  if (GATE_REFERRED.test(sentence)) {
    let gate: PlaceInfo | null = null;
    let gateAt = -1;
    for (const p of places)
      for (const [s] of p.place.ranges)
        if (p.commune && s < at && s > gateAt) {
          gate = p.commune;
          gateAt = s;
        }
    if (gate) return gate;
  }
  return null;
}

function levelReferred(places: PlaceInfo[], sentence: string, at: number, si = -1): PlaceInfo | null {
  const m = [...sentence.matchAll(REFERRED)].pop();
  if (!m) return null;
  const word = m[1] ?? m[2]!;
  const level = /commune|xa/.test(word) ? 'commune' : /district|huyen/.test(word) ? 'district' : 'province';
  let best: PlaceInfo | null = null;
  let bestAt = -1;
  for (const p of places) {
    if (p.level !== level) continue;
    if (si >= 0 && ![...p.sentences].some((x) => x <= si && x >= si - REFERRED_SENTENCES)) continue;
    for (const [s] of p.place.ranges)
      if (s < at && s > bestAt) {
        best = p;
        bestAt = s;
      }
  }
  return best;
}

/** The unit the article is about: the district or province named most often (then first). */
function mainUnit(places: PlaceInfo[]): PlaceInfo | null {
  const units = places.filter((p) => p.place.kind === 'unit');
  if (!units.length) return null;
  return [...units].sort(
    (a, b) =>
      b.place.ranges.length - a.place.ranges.length ||
      (LEVEL_ORDER[b.level ?? ''] ?? 1.5) - (LEVEL_ORDER[a.level ?? ''] ?? 1.5) ||
      a.place.ranges[0]![0] - b.place.ranges[0]![0],
  )[0]!;
}

interface Draft {
  category: Category;
  name: string | null;
  mentions: Mention[];
  figures: number[];
}

export interface BuildInput {
  text: string;
  lang: Lang;
  spans: readonly [number, number][];
  places: PlaceInfo[];
  figures: (FoundFigure & { id: string })[];
}

export async function buildCandidates(
  db: Kysely<DB>,
  input: BuildInput,
): Promise<{ candidates: (FeatureCandidate | IndicatorCandidate)[]; of: Map<string, string> }> {
  const { text, spans, places, figures, lang } = input;
  const f = fold(text);
  const mentions = findFeatureMentions(text, spans);
  // a road named by its reference in a sentence that upgrades or builds it is a road project
  for (const p of places) {
    const ref = p.place.road?.ref;
    if (!ref) continue;
    for (const r of p.place.ranges) {
      const si = sentenceAt(spans, r[0]);
      if (si < 0 || !UPGRADE.test(f.slice(...spans[si]!))) continue;
      const name = lang === 'vi' ? `Nâng cấp ${ref}` : `${ref} upgrade`;
      const same = mentions.find((m) => m.category === 'road' && m.sentence === si);
      if (same) same.name ??= name;
      else mentions.push({ category: 'road', range: r, name, sentence: si });
    }
  }
  mentions.sort((a, b) => a.range[0] - b.range[0]);
  const bySentence = new Map<number, Mention[]>();
  for (const m of mentions) bySentence.set(m.sentence, [...(bySentence.get(m.sentence) ?? []), m]);

  // figures → the nearest feature mention of their sentence, or the one "this project" refers to
  const owner = new Map<number, Mention>();
  let lastFeature: Mention | null = null;
  // the last sentence about lastFeature: its own, or one referring to it ("the investor", "the project")
  let lastAbout = -1;
  for (let si = 0; si < spans.length; si++) {
    const own = bySentence.get(si) ?? [];
    const sentence = f.slice(...spans[si]!);
    // a sentence naming no feature and no unit, right after a feature's in its paragraph, goes on about it
    const samePara = (from: number) => !text.slice(spans[from]![0], spans[si]![0]).includes('\n');
    const names = places.some((p) => p.place.kind === 'unit' && p.sentences.has(si));
    const refers =
      !own.length &&
      lastFeature &&
      ((lastAbout >= si - 2 && ANAPHORA.test(sentence)) ||
        (!names && lastFeature.sentence === si - 1 && samePara(si - 1)));
    figures.forEach((fig, i) => {
      if (sentenceAt(spans, fig.range[0]) !== si) return;
      if (own.length) {
        const d = (m: Mention) =>
          fig.range[0] >= m.range[1] ? fig.range[0] - m.range[1] : (m.range[0] - fig.range[1]) * 1.5;
        owner.set(
          i,
          own.reduce((a, b) => (d(a) <= d(b) ? a : b)),
        );
      } else if (refers) owner.set(i, lastFeature!);
    });
    if (own.length) {
      lastFeature = own[own.length - 1]!;
      lastAbout = si;
    } else if (refers && ANAPHORA.test(sentence)) lastAbout = si;
  }

  // mentions → drafts: same category and name is one; a nameless one joins the named one of its category nearby
  const drafts: Draft[] = [];
  const draftOf = new Map<Mention, Draft>();
  for (const m of mentions) {
    const key = m.name ? fold(m.name) : null;
    let d = key
      ? drafts.find((x) => x.category === m.category && x.name && fold(x.name) === key)
      : drafts.findLast((x) => x.category === m.category);
    if (!d) {
      d = { category: m.category, name: m.name, mentions: [], figures: [] };
      drafts.push(d);
    }
    d.mentions.push(m);
    draftOf.set(m, d);
  }
  for (const [i, m] of owner) draftOf.get(m)!.figures.push(i);

  // the unit each sentence is about: one it names, one it refers to ("the commune"), else the one before in its paragraph
  const focus: (PlaceInfo | null)[] = [];
  spans.forEach(([s, e], si) => {
    const samePara = si > 0 && !text.slice(spans[si - 1]![1], s).includes('\n');
    focus.push(
      placeFor(places, [si], s) ??
        referred(places, f.slice(s, e), e, si) ??
        (samePara ? focus[si - 1]! : null),
    );
  });

  const candidates: (FeatureCandidate | IndicatorCandidate)[] = [];
  const of = new Map<string, string>();
  let n = 0;
  for (const d of drafts) {
    const figs = d.figures.map((i) => figures[i]!);
    // a nameless mention without a cost, an area or a count of its own is a word, not a feature
    if (!d.name && !figs.some((x) => ['bn_vnd', 'm2', 'ha', 'kiosks', 'km'].includes(x.unit))) {
      for (const i of d.figures) owner.delete(i);
      continue;
    }
    const id = `c${++n}`;
    const sentences = [...new Set(d.mentions.map((m) => m.sentence))];
    const first = d.mentions[0]!;
    const place =
      placeFor(places, sentences, first.range[0]) ??
      placeFor(
        places,
        sentences.map((s) => s - 1),
        first.range[0],
      ) ??
      namedElsewhere(d, f, spans, places) ??
      focus[first.sentence] ??
      mainUnit(places);
    const seat = place ? await seatOf(db, place) : null;
    const location = locationOf(seat, place);
    const name = d.name ?? defaultName(d.category, place, lang);
    const properties = projectProperties(
      d,
      figs,
      name,
      lang,
      place,
      location,
      // its own sentences and those of its figures ("It cost VND 14.6 billion from the state budget")
      [...new Set([...sentences, ...figs.map((x) => sentenceAt(spans, x.range[0]))])]
        .sort((a, b) => a - b)
        .map((s) => f.slice(...spans[s]!))
        .join(' '),
      text,
      spans,
    );
    for (const fig of figs) of.set(fig.id, id);
    candidates.push({
      id,
      type: 'feature',
      layer: 'projects',
      properties,
      figures: figs.map((x) => x.id),
      place: place?.place.id ?? null,
      location,
      ranges: d.mentions.map((m) => m.range),
      existing: null,
    });
  }

  // the other figures: indicators of the nearest unit of their sentence, else of the article's main unit
  const main = mainUnit(places);
  figures.forEach((fig, i) => {
    if (owner.has(i)) return;
    const si = sentenceAt(spans, fig.range[0]);
    // no unit in its sentence ("the commune built..."): the one named last just before
    // units named after "such as" / "như" that follows the figure are its examples, not its place
    const after0 = si >= 0 ? f.slice(fig.range[1], spans[si]![1]) : '';
    const ex = EXAMPLES.exec(after0);
    const exampleFrom = ex ? fig.range[1] + ex.index : Number.POSITIVE_INFINITY;
    const own = places.filter(
      (p) =>
        !p.sentences.has(si) || p.place.ranges.some(([s]) => s < exampleFrom && sentenceAt(spans, s) === si),
    );
    const place =
      placeFor(own, [si], fig.range[0]) ??
      referred(places, f.slice(spans[si]![0], fig.range[0]), fig.range[0], si) ??
      gateReferred(places, f.slice(...spans[si]!), fig.range[0]) ??
      focus[si - 1] ??
      main;
    if (!place?.place.unit) return;
    const sentence = si >= 0 ? text.slice(...spans[si]!) : '';
    const before = si >= 0 ? text.slice(spans[si]![0], fig.range[0]) : '';
    const after = text.slice(fig.range[1], si >= 0 ? spans[si]![1] : fig.range[1]);
    const id = `c${++n}`;
    of.set(fig.id, id);
    candidates.push({
      id,
      type: 'indicator',
      unit: place.place.unit.slug,
      unit_code: place.place.unit.code,
      indicator: indicatorOf(fig, before, after),
      value: fig.value,
      qualifier: fig.qualifier,
      year: fig.year,
      period_start: fig.period?.[0] ?? null,
      period_end: fig.period?.[1] ?? null,
      programme: programmeOf(sentence),
      figures: [fig.id],
      ranges: [fig.range],
      existing: null,
    });
  });
  return { candidates, of };
}

/**
 * A named feature whose sentences name no unit: its name met elsewhere without the category word,
 * in a sentence that names one ("two industrial parks: Quang Duc in Quang Duc commune and Quang Thanh
 * in Quang Ha commune" … "Quang Thanh Industrial Park has an area of…"); the unit nearest that name.
 */
function namedElsewhere(
  d: Draft,
  folded: string,
  spans: readonly [number, number][],
  places: PlaceInfo[],
): PlaceInfo | null {
  if (!d.name) return null;
  const [, re] = WORDS.find(([c]) => c === d.category)!;
  const bare = fold(d.name)
    .replace(new RegExp(re.source, 'g'), ' ')
    .replace(/\b(?:the|town|commune|district|province|thi tran|xa|huyen|tinh)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (bare.length < 4) return null;
  const own = d.mentions.map((m) => m.range);
  const escaped = bare.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
  for (const m of folded.matchAll(new RegExp(`(?<![a-z])${escaped}(?![a-z])`, 'g'))) {
    const at = m.index!;
    if (own.some(([s, e]) => at >= s && at < e)) continue;
    // the name of a unit with its kind ("… in Quang Duc commune", "xã Quang Duc") is no mention of the feature
    if (
      /^\s+(?:commune|ward|township|town|district|province|city)\b/.test(folded.slice(at + m[0].length)) ||
      /\b(?:xa|phuong|thi tran|huyen|tinh|thanh pho)\s+$/.test(folded.slice(Math.max(0, at - 12), at))
    )
      continue;
    const hit = placeFor(places, [sentenceAt(spans, at)], at);
    if (hit) return hit;
  }
  return null;
}

const EXAMPLES = /\b(?:such as|including|for example|for instance|e\.g\.|nhu|gom|bao gom|trong do co)\b\s*:?/;

function defaultName(category: Category, place: PlaceInfo | null, lang: Lang): string {
  const label = LABELS[category];
  const where = place?.place.unit?.name ?? place?.place.road?.ref ?? null;
  if (lang === 'vi') return where ? `${label.vi} ${where}` : label.vi;
  return where ? `${where} ${label.en}` : label.en[0]!.toUpperCase() + label.en.slice(1);
}

type ProjectQualifier = 'exact' | 'about' | 'nearly' | 'over';
const q = (x: FoundFigure['qualifier']): ProjectQualifier => (x === 'up_to' ? 'about' : x);

const INVESTOR =
  /\b(?:invested by|investor(?: is)?|developed by|built by)\s+((?:the\s+)?(?:[A-Z][\w&.'-]*\s*){1,8}(?:Company|Corporation|JSC|Group|Co\.?,? Ltd\.?)?)|(?:chủ đầu tư(?: là)?|do)\s+((?:Công ty|Tập đoàn|Tổng công ty|Ban quản lý)[^,.;()]{3,80}?)(?=\s+(?:làm chủ đầu tư|đầu tư)|[,.;()]|$)/;

function projectProperties(
  d: Draft,
  figs: FoundFigure[],
  name: string,
  lang: Lang,
  place: PlaceInfo | null,
  location: CandidateLocation,
  foldedSentences: string,
  text: string,
  spans: readonly [number, number][],
): Record<string, unknown> {
  const details: Record<string, number | string | null> = {};
  const qualifiers: Record<string, ProjectQualifier> = {};
  let investment: number | null = null;
  let investmentQ: ProjectQualifier | null = null;
  let area: number | null = null;
  let start: number | null = null;
  let end: number | null = null;
  const market = d.category === 'market';
  const park = d.category === 'industrial_park';
  const setDetail = (key: string, fig: FoundFigure) => {
    if (key in details) return;
    details[key] = fig.value;
    if (fig.qualifier !== 'exact') qualifiers[key] = q(fig.qualifier);
  };
  for (const fig of figs) {
    if (fig.unit === 'bn_vnd') {
      if (fig.measures === 'support') {
        if (park || !market) setDetail(park ? 'state_support_bn_vnd' : 'support_bn_vnd', fig);
      } else if (investment === null) {
        investment = fig.value;
        investmentQ = q(fig.qualifier);
      } else if (park) setDetail('enterprise_investment_bn_vnd', fig);
    } else if (fig.unit === 'm2' && area === null) {
      area = fig.value;
      if (fig.qualifier !== 'exact') qualifiers.area_m2 = q(fig.qualifier);
    } else if (fig.unit === 'ha') {
      if (park) setDetail('hectares', fig);
      else if (area === null) {
        area = fig.value * 10_000;
        if (fig.qualifier !== 'exact') qualifiers.area_m2 = q(fig.qualifier);
      }
    } else if (fig.unit === 'kiosks' && market) setDetail('kiosks', fig);
    else if (fig.unit === 'floors' && market)
      setDetail(fig.qualifier === 'over' ? 'floors_min' : 'floors_max', fig);
    else if (park && (fig.unit === 'enterprises' || fig.unit === 'workers')) setDetail(fig.unit, fig);
    else if (park && fig.unit === 'pct') setDetail('occupancy_pct', fig);
    else if (!market && !park) {
      const key =
        fig.unit === 'people'
          ? 'people_served'
          : fig.unit === 'km'
            ? 'length_km'
            : fig.unit === 'pct'
              ? 'pct'
              : fig.unit;
      setDetail(fig.qualifier === 'over' && fig.unit === 'people' ? `${key}_min` : key, fig);
      if (fig.qualifier === 'over' && fig.unit === 'people') delete qualifiers[`${key}_min`];
    }
    if (fig.period) {
      start ??= fig.period[0];
      end ??= fig.period[1];
    }
  }
  // years said with a verb of the feature's sentences
  const done =
    /\b(?:completed|finished|put into (?:operation|use)|opened|inaugurated|hoan thanh|dua vao (?:su dung|hoat dong)|khanh thanh|khai truong)\b[^.;]{0,40}?\b((?:19|20)\d\d)\b/.exec(
      foldedSentences,
    );
  if (done) end ??= Number(done[1]);
  const began =
    /\b(?:started|commenced|began|broke ground|khoi cong|bat dau)\b[^.;]{0,40}?\b((?:19|20)\d\d)\b/.exec(
      foldedSentences,
    );
  if (began) start ??= Number(began[1]);
  if (start !== null && end !== null && end < start) start = null;
  let status: string | null = null;
  for (const [s, re] of STATUS)
    if (re.test(foldedSentences)) {
      status = s;
      break;
    }
  const funding = /\b(?:state budget|ngan sach nha nuoc|budget capital|von ngan sach)\b/.test(foldedSentences)
    ? 'state_budget'
    : /\b(?:socialized|socialised|xa hoi hoa)\b/.test(foldedSentences)
      ? 'socialised'
      : /\b(?:non-budget|ngoai ngan sach)\b/.test(foldedSentences)
        ? 'non_budget'
        : null;
  const sentenceText = d.mentions.map((m) => text.slice(...spans[m.sentence]!)).join(' ');
  const inv = INVESTOR.exec(sentenceText);
  const investor = inv ? (inv[1] ?? inv[2] ?? '').trim().replace(/^the\s+/i, '') : null;
  if (investor && park) details.investor = investor;
  const unit = place?.place.unit ?? null;
  const commune = place?.currentSlugs[0] ?? null;
  const notes = [`Read from the article by ingestion; location: ${location.how}.`];
  if (investor && !park) notes.push(`Investor: ${investor}.`);
  return {
    slug: slugify(name),
    name,
    ...(lang === 'en' ? { name_en: name } : {}),
    category: d.category,
    investment_bn_vnd: investment,
    investment_qualifier: investmentQ,
    funding,
    start_year: start,
    end_year: end,
    status,
    area_m2: area,
    commune,
    commune_as_named: unit && unit.slug !== commune ? unit.slug : null,
    precision: location.precision,
    uncertainty_m: location.uncertainty_m,
    details,
    ...(Object.keys(qualifiers).length ? { figure_qualifiers: qualifiers } : {}),
    note: notes.join(' '),
  };
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
