/**
 * Places of an article: administrative units (resolved to the gazetteer
 * with server/gazetteer/resolve.ts), border gates (the border-gates layer's
 * names, or any "cửa khẩu X" / "X border gate") and roads by reference.
 *
 * Finding is pure (findUnitMentions, findRoadMentions, findGateMentions over
 * the text); resolving reads the database:
 *
 * - a unit's parents are the units written right after it ("xã Bản Qua,
 *   huyện Bát Xát", "Gia Phu commune (Bao Thang district)"), nearest first;
 * - provinces are resolved first, then districts, then communes, each with
 *   the codes of the article's units resolved so far as `nearCodes`: a
 *   "Quảng An" in an article about Đầm Hà is Đầm Hà's;
 * - `at` is the article's publication day: a 2024 article's units are the
 *   ones of 2024, and `current` gives the 2025 unit(s) they went to;
 * - a name met again without its kind ("Muong Khuong has ...") adds a range
 *   to the place it names.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import { type ResolvedPlace, resolvePlace } from '../gazetteer/resolve.ts';
import { fold, foldCase, sentenceAt } from './text.ts';
import type { IngestPlace, Range, RoadRef, UnitRef } from './types.ts';

export type Level = 'commune' | 'district' | 'province';

export interface UnitMention {
  /** As written, kind included ("xã Bản Qua", "Ban Qua commune"). */
  text: string;
  range: Range;
  /** The name alone, as written ("Bản Qua"). */
  name: string;
  /** null: the kind says no level ("town", "city", a bare province name). */
  level: Level | null;
  /** Kind word as written ("xã", "commune"), null for a bare name. */
  kind: string | null;
  /** Enclosing units' names the text gives right after it, nearest first. */
  parents: string[];
  /**
   * A bare name the text gives no kind for, from a route ("the Tây Trang - Pa Thơm route"): only a
   * commune or district of a province the article names, of that very name, is taken.
   */
  anchored?: boolean;
}

// A capitalised word of a name once folded (Bát → Bat, Đồng → Dong), or a number (Phường 1).
const WORD = "[A-Z][a-z']*(?:-[A-Za-z][a-z']*)?";
const NAME = String.raw`${WORD}(?:[ -](?:${WORD}|\d{1,2}\b))*`;
const ci = (w: string) =>
  w
    .split('')
    .map((c, i) => (i === 0 && /[a-z]/.test(c) ? `[${c.toUpperCase()}${c}]` : c))
    .join('');

const VI_KINDS: [string, Level | null][] = [
  ['thi tran', 'commune'],
  ['thi xa', 'district'],
  ['thanh pho', null],
  ['dac khu', 'commune'],
  ['xa', 'commune'],
  ['phuong', 'commune'],
  ['huyen', 'district'],
  ['quan', 'district'],
  ['tinh', 'province'],
];
const EN_KINDS: [string, Level | null][] = [
  ['commune', 'commune'],
  ['ward', 'commune'],
  ['township', 'commune'],
  ['town', null],
  ['special zone', 'commune'],
  ['district', 'district'],
  ['province', 'province'],
  ['city', null],
];
const VI_KIND_RE = VI_KINDS.map(([k]) => ci(k).replace(' ', String.raw`\s+`)).join('|');
const EN_KIND_RE = EN_KINDS.map(([k]) => ci(k).replace(' ', String.raw`\s+`)).join('|');
const VI_UNIT = new RegExp(String.raw`(?<![A-Za-z])(?:(${VI_KIND_RE})|TP\.?)\s+(${NAME})`, 'g');
const VI_LIST = new RegExp(
  String.raw`(?<![A-Za-z])[Cc]ac\s+(xa|huyen|phuong|tinh)\s+(${NAME}(?:\s*,\s*${NAME})*(?:\s*,?\s+va\s+${NAME})?)`,
  'g',
);
const EN_UNIT = new RegExp(String.raw`(${NAME})\s+(${EN_KIND_RE})(?![a-z])`, 'g');
const EN_LIST_AFTER = new RegExp(
  String.raw`(${NAME}(?:\s*,\s*${NAME})+(?:\s*,?\s+and\s+${NAME})?|${NAME}\s+and\s+${NAME})\s+([Cc]ommunes|[Dd]istricts|[Pp]rovinces|[Ww]ards)\b`,
  'g',
);
const EN_LIST_BEFORE = new RegExp(
  String.raw`\b([Cc]ommunes|[Dd]istricts|[Pp]rovinces|[Ww]ards)\s+(?:of\s+)?(${NAME}(?:\s*,\s*${NAME})*(?:\s*,?\s+and\s+${NAME})?)`,
  'g',
);

/** Names listed after "localities such as" / "các địa phương như": units of no stated level. */
const LOCALITIES = new RegExp(
  String.raw`\b(?:[Ll]ocalities|[Cc]ac\s+dia\s+phuong)\s*(?:,\s*)?(?:such\s+as|like|including|nhu|gom|la)\s+(${NAME}(?:\s*,\s*${NAME})*(?:\s*,?\s+(?:and|va)\s+${NAME})?)`,
  'g',
);

/**
 * Routes named by the places they join: "the Quảng Lâm - Na Cô Sa route", "Hai Phong - Mong Cai
 * Expressway", "tuyến đường Sốp Cộp - Mường Lèo". A "bản X" (village) end is skipped.
 */
const ROUTE_JOIN = String.raw`\s*[-–—]\s*`;
const ROUTE_ENDS = String.raw`(?:(?:[Bb]an|[Tt]hon|[Bb]ản|[Tt]hôn)\s+)?${NAME}(?:${ROUTE_JOIN}(?:(?:[Bb]an|[Tt]hon)\s+)?${NAME})+`;
const ROUTE_EN = new RegExp(
  String.raw`(${ROUTE_ENDS})\s+(?:[Rr]outes?|[Rr]oads?|[Ll]ines?|[Aa]xis|[Ee]xpressway|[Hh]ighway|[Cc]orridor)\b`,
  'g',
);
const ROUTE_VI = new RegExp(
  String.raw`(?<![A-Za-z])(?:[Tt]uyen(?:\s+duong)?(?:\s+giao\s+thong)?|[Dd]uong(?:\s+giao\s+thong)?|[Cc]ao\s+toc)\s+(?:(?:tu|noi|lien\s+xa)\s+)?(${ROUTE_ENDS})`,
  'g',
);

/** Capitalised English words that start a sentence or a phrase, not a name. */
const LEADING =
  /^(?:(?:In|The|At|Of|For|From|To|And|Also|Both|Each|All|Many|With|By|This|That|These|Those|Nearby|Neighbouring|Neighboring|Border|Mountainous|Remote|Former|Old|New|Whole|Entire|Rural|Urban|Mr|Mrs|Ms|When|Where|While|As|On|Since|After|Before|During|Through|Across|Within|Under|Over|Its|Their|Our|Vietnam's|Vietnamese|Chinese|Under|Provincial|District|Commune|Most|Other|Several|Some|Two|Three|Four|Five|Phase|Km|Central|Northern|Southern|Western|Eastern|Upland|Highland|Lowland|Among|Including|Like|Such|Besides|Especially|Particularly|Notably|Then|Now|Today|Thanks|According|Located|Situated|Built|Held)\s+)+/;

function levelOf(kind: string, table: [string, Level | null][]): Level | null {
  const k = kind.toLowerCase().replace(/\s+/g, ' ');
  return table.find(([w]) => w === k)?.[1] ?? null;
}

function splitList(list: string): { name: string; offset: number }[] {
  const out: { name: string; offset: number }[] = [];
  const re = new RegExp(NAME, 'g');
  for (const m of list.matchAll(re)) out.push({ name: m[0], offset: m.index! });
  return out;
}

/** Units named in `text` with a kind word, in Vietnamese or English, with the parents written after them. */
export function findUnitMentions(text: string): UnitMention[] {
  const f = foldCase(text);
  const raw: UnitMention[] = [];
  const add = (
    start: number,
    end: number,
    nameStart: number,
    nameEnd: number,
    level: Level | null,
    kind: string | null,
  ) =>
    raw.push({
      text: text.slice(start, end),
      range: [start, end],
      name: text.slice(nameStart, nameEnd),
      level,
      kind,
      parents: [],
    });
  for (const m of f.matchAll(VI_UNIT)) {
    const kind = m[1] ?? 'thanh pho';
    const nameStart = m.index! + m[0].length - m[2]!.length;
    add(
      m.index!,
      m.index! + m[0].length,
      nameStart,
      m.index! + m[0].length,
      levelOf(kind, VI_KINDS),
      text.slice(m.index!, nameStart).trim(),
    );
  }
  for (const m of f.matchAll(VI_LIST)) {
    const level = levelOf(m[1]!, VI_KINDS);
    const listStart = m.index! + m[0].length - m[2]!.length;
    const kind = text.slice(m.index! + 4, m.index! + 4 + m[1]!.length);
    for (const { name, offset } of splitList(m[2]!)) {
      const s = listStart + offset;
      add(s, s + name.length, s, s + name.length, level, kind);
    }
  }
  for (const m of f.matchAll(EN_UNIT)) {
    const lead = Math.min(m[1]!.length, LEADING.exec(`${m[1]!} `)?.[0].length ?? 0);
    const words = m[1]!.slice(lead);
    if (!words) continue;
    const start = m.index! + lead;
    const nameEnd = m.index! + m[1]!.length;
    const kind = m[2]!;
    add(start, m.index! + m[0].length, start, nameEnd, levelOf(kind, EN_KINDS), kind);
  }
  for (const re of [EN_LIST_AFTER, EN_LIST_BEFORE]) {
    for (const m of f.matchAll(re)) {
      const before = re === EN_LIST_BEFORE;
      const list = before ? m[2]! : m[1]!;
      const kind = before ? m[1]! : m[2]!;
      const listStart = before ? m.index! + m[0].length - list.length : m.index!;
      const level = levelOf(kind.replace(/s$/, ''), EN_KINDS);
      for (const { name, offset } of splitList(list)) {
        const lead = Math.min(name.length, LEADING.exec(`${name} `)?.[0].length ?? 0);
        if (lead >= name.length) continue;
        const s = listStart + offset + lead;
        const e = listStart + offset + name.length;
        add(s, e, s, e, level, kind.replace(/s$/, ''));
      }
    }
  }
  for (const re of [ROUTE_EN, ROUTE_VI]) {
    for (const m of f.matchAll(re)) {
      const listStart = m.index! + m[0].indexOf(m[1]!);
      for (const part of m[1]!.split(new RegExp(ROUTE_JOIN))) {
        const offset = m[1]!.indexOf(part);
        if (/^(?:ban|thon)\s/i.test(part)) continue;
        const lead = Math.min(part.length, LEADING.exec(`${part} `)?.[0].length ?? 0);
        if (lead >= part.length) continue;
        const s = listStart + offset + lead;
        const e = listStart + offset + part.trimEnd().length;
        raw.push({
          text: text.slice(s, e),
          range: [s, e],
          name: text.slice(s, e),
          level: null,
          kind: null,
          parents: [],
          anchored: true,
        });
      }
    }
  }
  for (const m of f.matchAll(LOCALITIES)) {
    const listStart = m.index! + m[0].length - m[1]!.length;
    for (const { name, offset } of splitList(m[1]!)) {
      const s = listStart + offset;
      add(s, s + name.length, s, s + name.length, null, null);
    }
  }
  // One mention per place in the text: the longest of overlapping ones wins.
  raw.sort((a, b) => a.range[0] - b.range[0] || b.range[1] - a.range[1]);
  const mentions: UnitMention[] = [];
  for (const m of raw) {
    const last = mentions[mentions.length - 1];
    if (last && m.range[0] < last.range[1]) {
      // "Ban Qua commune" inside a list mention, or the same name twice: keep the one with a kind
      if (m.range[1] - m.range[0] > last.range[1] - last.range[0] && m.range[0] === last.range[0])
        mentions[mentions.length - 1] = m;
      continue;
    }
    mentions.push(m);
  }
  // Parents: the units written right after it, each of a higher level.
  for (let i = 0; i < mentions.length; i++) {
    let prev = mentions[i]!;
    for (let j = i + 1; j < mentions.length && mentions[i]!.parents.length < 3; j++) {
      const next = mentions[j]!;
      const gap = f.slice(prev.range[1], next.range[0]);
      if (!/^\s*(?:,|\(|-|–|of|in|thuoc|,\s*thuoc)?\s*$/i.test(gap)) break;
      if (rank(next.level) <= rank(mentions[i]!.level)) break;
      mentions[i]!.parents.push(next.text);
      prev = next;
    }
  }
  return mentions;
}

function rank(level: Level | null): number {
  return level === 'commune' ? 1 : level === 'district' ? 2 : level === 'province' ? 3 : 1.5;
}

/** The query resolvePlace gets: an English "town" is most often a thị trấn, and says so. */
function queryOf(m: UnitMention): string {
  if (!m.kind) return m.name;
  if (/^town$/i.test(m.kind)) return `thị trấn ${m.name}`;
  return m.text === m.name ? `${m.kind} ${m.name}` : m.text;
}

// ── Roads ───────────────────────────────────────────────────────────────────

export interface RoadMention {
  text: string;
  range: Range;
  ref: string;
  class: RoadRef['class'];
  part_of: string | null;
}

const ROAD =
  /\b(?:(national\s+highways?|national\s+roads?|national\s+route|highway|quoc\s+lo|ql)|(provincial\s+roads?|provincial\s+highways?|provincial\s+route|duong\s+tinh|tinh\s+lo|dt))\s*\.?\s*(?:no\.?\s*)?(\d{1,3}[a-z]?)\b(?:\s*(?:,|and|va)\s*(\d{1,3}[a-z]?)\b)?/dg;

/** "National Highway 4B", "QL.4B", "Quốc lộ 4B" → QL4B; "Provincial Road 544B", "ĐT544B", "tỉnh lộ 544B" → ĐT544B. */
export function findRoadMentions(text: string): RoadMention[] {
  const f = fold(text);
  const out: RoadMention[] = [];
  for (const m of f.matchAll(ROAD)) {
    const national = m[1] !== undefined;
    const prefix = national ? 'QL' : 'ĐT';
    const cls = national ? 'national' : 'provincial';
    const firstEnd = m.indices![3]![1];
    out.push({
      text: text.slice(m.index!, firstEnd),
      range: [m.index!, firstEnd],
      ref: prefix + m[3]!.toUpperCase(),
      class: cls,
      part_of: null,
    });
    if (m[4]) {
      const [s, e] = m.indices![4]!;
      out.push({
        text: text.slice(s, e),
        range: [s, e],
        ref: prefix + m[4].toUpperCase(),
        class: cls,
        part_of: null,
      });
    }
  }
  // "provincial road 344 (QL18C)", "... 344, part of National Highway 18C", "ĐT341 thuộc QL18C"
  for (let i = 0; i + 1 < out.length; i++) {
    const a = out[i]!;
    const b = out[i + 1]!;
    if (a.ref === b.ref) continue;
    const gap = f.slice(a.range[1], b.range[0]);
    if (gap.length > 120 || /[.;!?\n]/.test(gap)) continue;
    if (/^\s*\(\s*$/.test(gap)) {
      // "National Highway 18C (provincial road 344)": the provincial road is part of the national one
      if (a.class === 'national' && b.class === 'provincial') b.part_of = a.ref;
      else a.part_of = b.ref;
    } else if (
      /\b(?:part of|section of|belongs? to|belonging to|thuoc|mot phan cua|mot doan cua|doan cua|now|nay la|tuc)\b[^,]*$/.test(
        gap,
      )
    )
      a.part_of = b.ref;
  }
  return out;
}

/** A reference as the roads layer's `ref` is compared: "ĐT 544B" / "DT544B" → "dt544b". */
export function refKey(ref: string): string {
  return fold(ref).replace(/[^a-z0-9]/g, '');
}

// ── Border gates ────────────────────────────────────────────────────────────

export interface GateMention {
  text: string;
  range: Range;
  name: string;
}

const GATE_VI = new RegExp(
  // blanks within a line: a headline ending "... cửa khẩu" does not take the next paragraph's first words
  String.raw`(?<![A-Za-z])[Cc]ua[ \t]+khau[ \t]+(?:(?:[Qq]uoc[ \t]+te|[Cc]hinh|[Pp]hu|song[ \t]+phuong|[Nn]ong[ \t]+[Mm]on)[ \t]+)?(${NAME})`,
  'g',
);
const GATE_EN = new RegExp(
  String.raw`(${NAME})\s+(?:(?:[Ii]nternational|[Mm]ain|[Ss]econdary|[Aa]uxiliary|[Ll]and)\s+)?[Bb]order\s+[Gg]ates?\b`,
  'g',
);

/**
 * Gates listed after their kind ("the border gates: Hoanh Mo - Bac Phong Sinh - Mong Cai", "border gates
 * of A, B and C", "các cửa khẩu A, B và C") or before it ("A, B and C border gates").
 */
const GATE_LIST_AFTER = new RegExp(
  String.raw`(?:[Bb]order\s+gates|(?<![A-Za-z])[Cc]ac\s+cua\s+khau(?:\s+quoc\s+te)?)\s*(?::|of|such\s+as|including|like|nhu|gom)?\s*(${NAME}(?:\s*(?:[-–,]|and|va)\s*${NAME})+)`,
  'g',
);
const GATE_LIST_BEFORE = new RegExp(
  String.raw`(${NAME}(?:\s*,\s*${NAME})*\s*,?\s+and\s+${NAME})\s+(?:(?:[Ii]nternational|[Mm]ain|[Ss]econdary|[Aa]uxiliary)\s+)?[Bb]order\s+[Gg]ates\b`,
  'g',
);

/** "cửa khẩu Tây Trang", "cửa khẩu quốc tế Móng Cái", "Hoanh Mo border gate". */
export function findGateMentions(text: string): GateMention[] {
  const f = foldCase(text);
  const out: GateMention[] = [];
  for (const m of f.matchAll(GATE_VI)) {
    const s = m.index! + m[0].length - m[1]!.length;
    out.push({
      text: text.slice(m.index!, m.index! + m[0].length),
      range: [m.index!, m.index! + m[0].length],
      name: text.slice(s, m.index! + m[0].length),
    });
  }
  for (const m of f.matchAll(GATE_EN)) {
    const lead = Math.min(m[1]!.length, LEADING.exec(`${m[1]!} `)?.[0].length ?? 0);
    if (lead >= m[1]!.length) continue;
    const s = m.index! + lead;
    out.push({
      text: text.slice(s, m.index! + m[0].length),
      range: [s, m.index! + m[0].length],
      name: text.slice(s, m.index! + m[1]!.length),
    });
  }
  for (const re of [GATE_LIST_AFTER, GATE_LIST_BEFORE]) {
    for (const m of f.matchAll(re)) {
      const listStart = m.index! + m[0].indexOf(m[1]!);
      for (const { name, offset } of splitList(m[1]!)) {
        const lead = Math.min(name.length, LEADING.exec(`${name} `)?.[0].length ?? 0);
        if (lead >= name.length || /^(?:And|Va)$/.test(name)) continue;
        const s = listStart + offset + lead;
        const e = listStart + offset + name.length;
        if (out.some((o) => s < o.range[1] && o.range[0] < e)) continue;
        out.push({ text: text.slice(s, e), range: [s, e], name: text.slice(s, e) });
      }
    }
  }
  return out.sort((a, b) => a.range[0] - b.range[0]);
}

// ── Resolving ───────────────────────────────────────────────────────────────

/** A place with what candidates need besides the JSON: its level, seat and sentences. */
export interface PlaceInfo {
  place: IngestPlace;
  level: Level | null;
  /** Sentence indices of its ranges. */
  sentences: Set<number>;
  /** The 2025 units (slug and code) the place is in. */
  currentSlugs: string[];
  /** A border gate's commune when the article names it ("the Trà Lĩnh border gate, in Trà Lĩnh commune"). */
  commune?: PlaceInfo;
}

const plain = (s: string) => fold(s).replace(/\s+/g, ' ').trim();

function overlaps(ranges: Range[], r: Range): boolean {
  return ranges.some(([s, e]) => r[0] < e && s < r[1]);
}

async function currentOf(
  db: Kysely<DB>,
  slug: string,
  level: string,
): Promise<{ code: string | null; slug: string }[]> {
  // a district without successors: the 2025 units its communes went to ("huyện Hải Hà" → its 2025 communes),
  // then its province's 2025 unit (below)
  let communes: { code: string | null; slug: string }[] = [];
  if (level === 'district') {
    const { rows } = await sql<{ code: string | null; slug: string }>`
      WITH u AS (SELECT id FROM admin_units WHERE slug = ${slug} AND valid_to IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM unit_successors x JOIN admin_units d ON d.slug = ${slug} WHERE x.unit_id = d.id))
      SELECT DISTINCT b.code, b.slug FROM u JOIN admin_units c ON c.parent_id = u.id
        JOIN unit_successors s ON s.unit_id = c.id JOIN admin_units b ON b.id = s.successor_id
      WHERE b.valid_to IS NULL
      ORDER BY b.code`.execute(db);
    communes = rows;
  }
  // itself when in force; else its successors; a district without successors: the 2025 province(s) of its province
  const { rows } = await sql<{ code: string | null; slug: string }>`
    WITH u AS (SELECT id, valid_to, parent_id FROM admin_units WHERE slug = ${slug})
    SELECT c.code, c.slug FROM u JOIN admin_units c ON c.id = u.id WHERE u.valid_to IS NULL
    UNION
    SELECT b.code, b.slug FROM u JOIN unit_successors s ON s.unit_id = u.id JOIN admin_units b ON b.id = s.successor_id
    WHERE u.valid_to IS NOT NULL
    UNION
    SELECT b.code, b.slug FROM u JOIN admin_units p ON p.id = u.parent_id
      JOIN unit_successors s ON s.unit_id = p.id JOIN admin_units b ON b.id = s.successor_id
    WHERE u.valid_to IS NOT NULL AND ${level} = 'district'
      AND NOT EXISTS (SELECT 1 FROM unit_successors x WHERE x.unit_id = u.id)
    UNION
    SELECT p.code, p.slug FROM u JOIN admin_units p ON p.id = u.parent_id
    WHERE u.valid_to IS NOT NULL AND ${level} = 'district' AND p.valid_to IS NULL
      AND NOT EXISTS (SELECT 1 FROM unit_successors x WHERE x.unit_id = u.id)`.execute(db);
  return [...communes, ...rows.filter((r) => !communes.some((c) => c.slug === r.slug))];
}

function unitRef(r: ResolvedPlace): UnitRef {
  return {
    code: r.code,
    slug: r.slug,
    name: r.name,
    kind: r.kind,
    level: r.level,
    era: r.era,
    province: r.province,
    successors: r.successors.map((s) => ({ code: s.code, slug: s.slug, name: s.name, type: s.type })),
  };
}

export interface ResolveArticleOptions {
  at?: string | null;
  spans: readonly [number, number][];
}

/**
 * Every place of the article, resolved: units, then border gates and roads,
 * ids p1, p2... in the order of their first range.
 */
export async function resolveArticlePlaces(
  db: Kysely<DB>,
  text: string,
  opts: ResolveArticleOptions,
): Promise<PlaceInfo[]> {
  const gates = findGateMentions(text);
  const gateRanges = gates.map((g) => g.range);
  const roads = findRoadMentions(text);
  const roadRanges = roads.map((r) => r.range);
  let mentions = findUnitMentions(text).filter((m) => !overlaps([...gateRanges, ...roadRanges], m.range));
  mentions = mentions.concat(
    await bareProvinces(db, text, [...gateRanges, ...roadRanges, ...mentions.map((m) => m.range)]),
  );
  const at = opts.at ?? undefined;
  const resolved = new Map<
    string,
    { best: ResolvedPlace; alts: ResolvedPlace[]; mentions: UnitMention[]; score: number }
  >();
  const near = new Set<string>();
  // the provinces the article names (and those of its districts and communes)
  const provinces = new Set<string>();
  // codes of the districts and communes resolved so far (provinces hold too many namesakes to decide)
  const local = new Set<string>();
  const order = [...mentions].sort((a, b) => rank(b.level) - rank(a.level) || a.range[0] - b.range[0]);
  for (const m of order) {
    const q = queryOf(m);
    let hits = await resolvePlace(
      db,
      { name: q, level: m.level ?? undefined, parents: m.parents, at },
      { nearCodes: [...near], limit: 6 },
    );
    // a unit abolished before the article's day is named as the old unit another one took in
    // ("xã Lao Bảo ... trên cơ sở xã Tân Thành"): asked without the day, it wins only by its successor
    if (at && m.level !== 'province') {
      const old = await resolvePlace(
        db,
        { name: q, level: m.level ?? undefined, parents: m.parents },
        { nearCodes: [...near], limit: 6 },
      );
      const seen = new Set(hits.map((h) => h.slug));
      hits = hits.concat(old.filter((h) => !seen.has(h.slug)).map((h) => ({ ...h, score: h.score - 0.3 })));
    }
    // "town"/"city" or a bare name: the exact name matters more than the level
    hits = hits.filter((h) => plain(h.name) === plain(m.name) || h.score >= 1.2);
    // a name of a route: a commune or district of the article's provinces, of that very name
    if (m.anchored)
      hits = hits.filter(
        (h) =>
          h.level !== 'province' &&
          plain(h.name) === plain(m.name) &&
          !!h.province?.code &&
          provinces.has(h.province.code),
      );
    hits = rerank(hits, m, local);
    const best = hits[0];
    if (!best) continue;
    if (best.code && best.level !== 'province') local.add(best.code);
    if (best.code) near.add(best.code);
    if (best.province?.code) near.add(best.province.code);
    if (best.province?.code) provinces.add(best.province.code);
    else if (best.level === 'province' && best.code) provinces.add(best.code);
    const key = best.slug;
    const seen = resolved.get(key);
    if (seen) seen.mentions.push(m);
    else {
      const top = best.score;
      const second = hits[1]?.score ?? 0;
      const score = Math.max(0.05, Math.min(1, (top / 2.4) * (second >= top - 0.05 ? 0.6 : 1)));
      resolved.set(key, { best, alts: hits.slice(1, 5), mentions: [m], score: round2(score) });
    }
  }
  const infos: PlaceInfo[] = [];
  const taken: Range[] = [...gateRanges, ...roadRanges, ...mentions.map((m) => m.range)];
  const f = foldCase(text);
  for (const r of resolved.values()) {
    const ranges: Range[] = r.mentions.map((m) => m.range);
    // the name met again without its kind
    for (const m of r.mentions) {
      const name = foldCase(m.name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (name.length < 4) continue;
      for (const x of f.matchAll(new RegExp(`(?<![A-Za-z])${name}(?![A-Za-z]| [A-Z])`, 'g'))) {
        const range: Range = [x.index!, x.index! + x[0].length];
        if (overlaps(taken, range) || overlaps(ranges, range)) continue;
        ranges.push(range);
        taken.push(range);
      }
    }
    ranges.sort((a, b) => a[0] - b[0]);
    const current = await currentOf(db, r.best.slug, r.best.level);
    const first = r.mentions.reduce((a, b) => (a.range[0] <= b.range[0] ? a : b));
    infos.push({
      place: {
        id: '',
        kind: 'unit',
        text: first.text,
        ranges,
        unit: unitRef(r.best),
        current: current.map((c) => c.code ?? c.slug),
        alternatives: r.alts.map(unitRef),
        road: null,
        gate: null,
        score: r.score,
      },
      level: (r.best.level as Level) ?? null,
      sentences: new Set(ranges.map((x) => sentenceAt(opts.spans, x[0]))),
      currentSlugs: current.map((c) => c.slug),
    });
  }
  const units = [...infos];
  const gateInfos = await gatePlaces(db, gates, opts.spans);
  for (const g of gateInfos) {
    gateCommune(g, units, f);
    if (g.place.current.length) continue;
    // a gate is most often named after its commune: a commune of that name in one of the article's provinces
    const name = g.place.text.replace(/^\S+\s+\S+\s+/u, '');
    const gateName = plain(g.place.text).startsWith('cua khau') ? name : g.place.text;
    const bare = gateName.replace(/\s+(?:international\s+|main\s+|secondary\s+)?border\s+gates?$/i, '');
    const provinces = new Set(units.map((u) => u.place.unit?.province?.code ?? u.place.unit?.code));
    const hit = (
      await resolvePlace(db, { name: bare, level: 'commune', at }, { nearCodes: [...near], limit: 3 })
    ).find((h) => plain(h.name) === plain(bare) && provinces.has(h.province?.code ?? ''));
    if (!hit) continue;
    const current = await currentOf(db, hit.slug, hit.level);
    g.place.current = current.map((c) => c.code ?? c.slug);
    g.currentSlugs = current.map((c) => c.slug);
  }
  infos.push(...gateInfos);
  infos.push(...(await roadPlaces(db, text, roads, opts.spans)));
  infos.sort((a, b) => a.place.ranges[0]![0] - b.place.ranges[0]![0]);
  infos.forEach((p, i) => {
    p.place.id = `p${i + 1}`;
  });
  return infos;
}

/** The gazetteer kind a kind word names: "ward"/"phường" → phuong; null when it names several. */
const KIND_OF: Record<string, string> = {
  xa: 'xa',
  commune: 'xa',
  phuong: 'phuong',
  ward: 'phuong',
  'thi tran': 'thi tran',
  township: 'thi tran',
  town: 'thi tran',
  'dac khu': 'dac khu',
  'special zone': 'dac khu',
  huyen: 'huyen',
  'thi xa': 'thi xa',
  quan: 'quan',
};

/**
 * Namesakes told apart by what the article says of them: a unit of the kind
 * written ("Mỹ Đức ward" is a phường, not a xã) and a unit whose district or
 * successor is among the article's districts and communes (old communes
 * named in an article about the unit they went to) rank higher.
 */
function rerank(hits: ResolvedPlace[], m: UnitMention, local: Set<string>): ResolvedPlace[] {
  const kind = m.kind ? KIND_OF[plain(m.kind)] : undefined;
  const bonus = (h: ResolvedPlace) =>
    (kind && plain(h.kind) === kind ? 0.25 : 0) +
    ((h.district?.code && local.has(h.district.code)) ||
    h.successors.some(
      (x) => x.code && x.code !== h.code && plain(x.name) !== plain(h.name) && local.has(x.code),
    )
      ? 0.4
      : 0);
  return hits
    .map((h, i) => ({ h, i, s: h.score + bonus(h) }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.h);
}

/** Province names written without their kind ("Quang Ninh has mobilised ..."). */
async function bareProvinces(db: Kysely<DB>, text: string, taken: Range[]): Promise<UnitMention[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT DISTINCT name FROM admin_units WHERE level = 'province' AND length(name) >= 4`.execute(db);
  const f = foldCase(text);
  const out: UnitMention[] = [];
  for (const { name } of rows) {
    const folded = foldCase(name)
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace(/ /g, '\\s+');
    for (const m of f.matchAll(new RegExp(`(?<![A-Za-z] ?)${folded}(?![A-Za-z]| [A-Z])`, 'g'))) {
      const range: Range = [m.index!, m.index! + m[0].length];
      if (
        overlaps(taken, range) ||
        overlaps(
          out.map((o) => o.range),
          range,
        )
      )
        continue;
      out.push({
        text: text.slice(...range),
        range,
        name: text.slice(...range),
        level: 'province',
        kind: null,
        parents: [],
      });
    }
  }
  return out;
}

/**
 * A gate's commune: a commune of the gate's name, or one written right
 * after it ("…border gate, in Trà Lĩnh commune", "cửa khẩu X, xã Y"); its
 * `current` becomes the gate's.
 */
function gateCommune(g: PlaceInfo, units: PlaceInfo[], f: string) {
  const name = plain(g.place.text)
    .replace(GATE_NAME, '')
    .replace(/\s+(?:international\s+)?border\s+gates?$/, '');
  const after = (u: PlaceInfo) =>
    u.place.ranges.some(([s]) =>
      g.place.ranges.some(
        ([, e]) => s >= e && /^[\s,(]*(?:in|at|of|thuoc|o|tai)?[\s,]*$/.test(f.slice(e, s)),
      ),
    );
  const commune =
    units.find((u) => u.level === 'commune' && after(u)) ??
    units.find((u) => u.level === 'commune' && plain(u.place.unit?.name ?? '') === name);
  if (!commune) return;
  g.commune = commune;
  if (g.place.current.length) return;
  g.place.current = commune.place.current;
  g.currentSlugs = commune.currentSlugs;
}

const GATE_NAME = /^cua khau (?:quoc te |chinh |phu )?/;

async function gatePlaces(
  db: Kysely<DB>,
  gates: GateMention[],
  spans: readonly [number, number][],
): Promise<PlaceInfo[]> {
  if (!gates.length) return [];
  const layer = await db
    .selectFrom('border_gates')
    .leftJoin('admin_units', 'admin_units.id', 'border_gates.unit_id')
    .select(['border_gates.slug', 'border_gates.name', 'admin_units.slug as unit', 'admin_units.level'])
    .execute();
  const byName = new Map(layer.map((g) => [plain(g.name).replace(GATE_NAME, ''), g]));
  const out = new Map<string, PlaceInfo>();
  for (const g of gates) {
    const key = plain(g.name).replace(/\s+(?:international|main|secondary|auxiliary|quoc te)$/, '');
    const known = byName.get(key) ?? null;
    const id = known?.slug ?? `gate:${key}`;
    const seen = out.get(id);
    if (seen) {
      seen.place.ranges.push(g.range);
      seen.sentences.add(sentenceAt(spans, g.range[0]));
      continue;
    }
    // a gate of the layer is in its unit: the gate's current is that unit's
    const current = known?.unit ? await currentOf(db, known.unit, known.level ?? 'commune') : [];
    out.set(id, {
      place: {
        id: '',
        kind: 'border_gate',
        text: g.text,
        ranges: [g.range],
        unit: null,
        current: current.map((c) => c.code ?? c.slug),
        alternatives: [],
        road: null,
        gate: known ? { slug: known.slug, name: known.name } : null,
        score: known ? 0.9 : 0.4,
      },
      level: null,
      sentences: new Set([sentenceAt(spans, g.range[0])]),
      currentSlugs: current.map((c) => c.slug),
    });
  }
  return [...out.values()];
}

async function roadPlaces(
  db: Kysely<DB>,
  _text: string,
  roads: RoadMention[],
  spans: readonly [number, number][],
): Promise<PlaceInfo[]> {
  if (!roads.length) return [];
  const layer = await db.selectFrom('roads').select(['slug', 'ref']).where('ref', 'is not', null).execute();
  const bySlug = new Map<string, string>();
  for (const r of layer) if (!bySlug.has(refKey(r.ref!))) bySlug.set(refKey(r.ref!), r.slug);
  const out = new Map<string, PlaceInfo>();
  for (const r of roads) {
    const seen = out.get(r.ref);
    if (seen) {
      seen.place.ranges.push(r.range);
      seen.sentences.add(sentenceAt(spans, r.range[0]));
      if (r.part_of && seen.place.road) seen.place.road.part_of ??= r.part_of;
      continue;
    }
    const slug = bySlug.get(refKey(r.ref)) ?? null;
    out.set(r.ref, {
      place: {
        id: '',
        kind: 'road',
        text: r.text,
        ranges: [r.range],
        unit: null,
        current: [],
        alternatives: [],
        road: { ref: r.ref, class: r.class, part_of: r.part_of, slug },
        gate: null,
        score: slug ? 0.9 : 0.6,
      },
      level: null,
      sentences: new Set([sentenceAt(spans, r.range[0])]),
      currentSlugs: [],
    });
  }
  return [...out.values()];
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
