/**
 * One-off converter, run by hand (never by tests or `npm start`): turns the
 * national list of administrative units of dvhcvn/20250701 (MIT) into
 * data/gazetteer/units.csv, the project's own form of those facts.
 *
 *   npx tsx scripts/gazetteer/convert.ts path/to/national_units_2025.json [data]
 *
 * One row per unit and era: a 2025 unit starts on 2025-07-01, a unit before
 * ends on 2025-06-30 and lists the 2025 units it went to (`full` or
 * `partial`); a province that kept its code, name and territory is one row
 * valid in both eras. Units already in data/units.json keep their slug (one
 * unit, one row: seeding takes their facts from units.json and only the
 * successor types from here). Names lose their kind prefix ("Xã Quảng An" →
 * kind "xã", name "Quảng An"); whitespace is normalised.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { slugify } from '../../server/import/slug.ts';

type Level = 'province' | 'district' | 'commune';
interface Ref {
  code: string;
  name: string;
  type?: 'full' | 'partial';
}
interface Source {
  provinces_2025: { code: string; name: string; formed_from: Ref[] }[];
  communes_2025: { code: string; name: string; province_code: string; formed_from: Ref[] }[];
  provinces_before: { code: string; name: string; successors: string[] }[];
  districts_before: { code: string; name: string; province_code: string }[];
  communes_before: {
    code: string;
    name: string;
    province_code: string;
    district_code: string;
    successors: Ref[];
  }[];
}

export interface GazetteerRow {
  slug: string;
  code: string;
  level: Level;
  kind: string;
  name: string;
  parent: string | null;
  valid_from: string | null;
  valid_to: string | null;
  successors: { slug: string; type: 'full' | 'partial' }[];
  sources: string[];
}

const SOURCE_ID = 'dvhcvn-20250701';
const START = '2025-07-01';
const END = '2025-06-30';

const PREFIXES: Record<Level, [string, string][]> = {
  province: [
    ['thành phố', 'thành phố'],
    ['tỉnh', 'tỉnh'],
  ],
  // Upstream labels district 912 "Xã Hòn Tre" (the seat of huyện Kiên Hải); a district is not a xã.
  district: [
    ['thành phố', 'thành phố'],
    ['thị xã', 'thị xã'],
    ['huyện', 'huyện'],
    ['quận', 'quận'],
    ['xã', 'huyện'],
  ],
  commune: [
    ['thị trấn', 'thị trấn'],
    ['đặc khu', 'đặc khu'],
    ['phường', 'phường'],
    ['xã', 'xã'],
  ],
};

export function splitName(level: Level, full: string): { kind: string; name: string } {
  const clean = full.replace(/\s+/g, ' ').trim();
  const lower = clean.toLowerCase();
  for (const [prefix, kind] of PREFIXES[level]) {
    if (lower.startsWith(`${prefix} `)) return { kind, name: clean.slice(prefix.length + 1) };
  }
  throw new Error(`${level} "${full}": no known kind prefix`);
}

interface Existing {
  slug: string;
  code: string | null;
  level: string;
  name: string;
  valid_to: string | null;
  valid_from: string | null;
  parent: string | null;
  successors: string[];
}

function main() {
  const [file, dataDir = 'data'] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: tsx scripts/gazetteer/convert.ts national_units_2025.json [data-dir]\n');
    process.exit(2);
  }
  const src = JSON.parse(readFileSync(file, 'utf8')) as Source;
  const existing = JSON.parse(readFileSync(path.join(dataDir, 'units.json'), 'utf8')) as Existing[];
  const plain = (s: string) => slugify(s);
  /** units.json rows by level, code and era ('now' current, 'before' ended); a unit with no dates is both. */
  const known = new Map<string, Existing>();
  for (const u of existing) {
    if (!u.code || u.level === 'village') continue;
    const eras = u.valid_to ? ['before'] : u.valid_from ? ['now'] : ['now', 'before'];
    for (const e of eras) known.set(`${u.level}|${u.code}|${e}`, u);
    // A 2025 commune whose code units.json took from another list (xa-ba-che: 06978 there, 06970 here):
    // the same unit by name within its province.
    if (u.level === 'commune' && !u.valid_to && u.parent) known.set(`name|${u.parent}|${plain(u.name)}`, u);
  }
  const used = new Set<string>();
  const matched: string[] = [];
  const slugFor = (
    level: Level,
    code: string,
    era: 'now' | 'before',
    proposed: string,
    name: string,
    parent?: string,
  ) => {
    const k =
      known.get(`${level}|${code}|${era}`) ??
      (parent ? known.get(`name|${parent}|${plain(name)}`) : undefined);
    if (k) {
      if (plain(k.name) !== plain(name))
        throw new Error(`units.json ${k.slug} is "${k.name}", the list says "${name}"`);
      matched.push(k.slug);
      return k.slug;
    }
    if (used.has(proposed)) throw new Error(`slug ${proposed} twice`);
    used.add(proposed);
    return proposed;
  };
  for (const u of existing) used.add(u.slug);

  const rows: GazetteerRow[] = [];
  // Provinces: unchanged ones (formed only from themselves, same code and name) are one row of both eras.
  const before = new Map(src.provinces_before.map((p) => [p.code, p]));
  const unchanged = new Set(
    src.provinces_2025
      .filter(
        (p) =>
          p.formed_from.length === 1 &&
          p.formed_from[0]!.code === p.code &&
          p.formed_from[0]!.type === 'full' &&
          before.get(p.code)?.name === p.name,
      )
      .map((p) => p.code),
  );
  const province2025 = new Map<string, string>();
  const provinceBefore = new Map<string, string>();
  for (const p of src.provinces_2025) {
    const { kind, name } = splitName('province', p.name);
    const same = unchanged.has(p.code);
    const slug = slugFor('province', p.code, 'now', slugify(`${kind} ${name}`), name);
    province2025.set(p.code, slug);
    if (same) provinceBefore.set(p.code, slug);
    rows.push({
      slug,
      code: p.code,
      level: 'province',
      kind,
      name,
      parent: null,
      valid_from: same ? null : START,
      valid_to: null,
      successors: [],
      sources: [SOURCE_ID],
    });
  }
  const provinceTypes = new Map<string, 'full' | 'partial'>();
  for (const p of src.provinces_2025)
    for (const f of p.formed_from) provinceTypes.set(`${f.code}>${p.code}`, f.type!);
  for (const p of src.provinces_before) {
    if (unchanged.has(p.code)) continue;
    const { kind, name } = splitName('province', p.name);
    const slug = slugFor('province', p.code, 'before', slugify(`${kind} ${name} cu`), name);
    provinceBefore.set(p.code, slug);
    rows.push({
      slug,
      code: p.code,
      level: 'province',
      kind,
      name,
      parent: null,
      valid_from: null,
      valid_to: END,
      successors: p.successors.map((c) => ({
        slug: province2025.get(c)!,
        type: provinceTypes.get(`${p.code}>${c}`)!,
      })),
      sources: [SOURCE_ID],
    });
  }

  // 2025 communes, and what each old unit (commune, or island district) went to.
  const commune2025 = new Map<string, string>();
  const wentTo = new Map<string, { code: string; type: 'full' | 'partial' }[]>();
  for (const c of src.communes_2025) {
    const { kind, name } = splitName('commune', c.name);
    const parent =
      province2025.get(c.province_code) ?? fail(`commune ${c.code}: province ${c.province_code}`);
    const slug = slugFor('commune', c.code, 'now', slugify(`${kind} ${name} ${c.code}`), name, parent);
    commune2025.set(c.code, slug);
    for (const f of c.formed_from) {
      const list = wentTo.get(f.code) ?? [];
      list.push({ code: c.code, type: f.type! });
      wentTo.set(f.code, list);
    }
    rows.push({
      slug,
      code: c.code,
      level: 'commune',
      kind,
      name,
      parent,
      valid_from: START,
      valid_to: null,
      successors: [],
      sources: [SOURCE_ID],
    });
  }
  const communeCodes = new Set(src.communes_before.map((c) => c.code));
  const districtSlug = new Map<string, string>();
  for (const d of src.districts_before) {
    const { kind, name } = splitName('district', d.name);
    const slug = slugFor('district', d.code, 'before', slugify(`${kind} ${name} ${d.code}`), name);
    districtSlug.set(d.code, slug);
    // Only the island districts without communes went whole to a 2025 unit (a đặc khu).
    const to = communeCodes.has(d.code) ? [] : (wentTo.get(d.code) ?? []);
    rows.push({
      slug,
      code: d.code,
      level: 'district',
      kind,
      name,
      parent: provinceBefore.get(d.province_code) ?? fail(`district ${d.code}: province ${d.province_code}`),
      valid_from: null,
      valid_to: END,
      successors: to.map((t) => ({ slug: commune2025.get(t.code)!, type: t.type })),
      sources: [SOURCE_ID],
    });
  }
  for (const c of src.communes_before) {
    const { kind, name } = splitName('commune', c.name);
    const slug = slugFor('commune', c.code, 'before', slugify(`${kind} ${name} ${c.code} cu`), name);
    const types = new Map((wentTo.get(c.code) ?? []).map((t) => [t.code, t.type]));
    rows.push({
      slug,
      code: c.code,
      level: 'commune',
      kind,
      name,
      parent: districtSlug.get(c.district_code) ?? fail(`commune ${c.code}: district ${c.district_code}`),
      valid_from: null,
      valid_to: END,
      successors: c.successors.map((s) => ({
        slug: commune2025.get(s.code) ?? fail(`commune ${c.code}: successor ${s.code}`),
        type: types.get(s.code) ?? fail(`commune ${c.code}: no type for ${s.code}`),
      })),
      sources: [SOURCE_ID],
    });
  }

  const csv = [
    'slug,code,level,kind,name,parent,valid_from,valid_to,successors,sources',
    ...rows.map((r) =>
      [
        r.slug,
        r.code,
        r.level,
        r.kind,
        r.name,
        r.parent ?? '',
        r.valid_from ?? '',
        r.valid_to ?? '',
        r.successors.map((s) => `${s.slug}:${s.type}`).join(' '),
        r.sources.join(' '),
      ]
        .map(field)
        .join(','),
    ),
  ].join('\n');
  mkdirSync(path.join(dataDir, 'gazetteer'), { recursive: true });
  const out = path.join(dataDir, 'gazetteer', 'units.csv');
  writeFileSync(out, `${csv}\n`);
  const count = (level: Level, era: 'now' | 'before') =>
    rows.filter((r) => r.level === level && (era === 'now' ? r.valid_to === null : r.valid_from === null))
      .length;
  process.stdout.write(
    `${out}: ${rows.length} rows; 2025: ${count('province', 'now')} provinces, ${count('commune', 'now')} communes; ` +
      `before: ${count('province', 'before')} provinces, ${count('district', 'before')} districts, ` +
      `${count('commune', 'before')} communes; ${new Set(matched).size} rows are units.json's\n`,
  );
}

function fail(what: string): never {
  throw new Error(`unresolved ${what}`);
}

function field(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

main();
