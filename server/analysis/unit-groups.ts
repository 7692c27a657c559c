/**
 * Statistics by province or commune, grouped by the units in force on a day
 * (today by default: the 2025 units). The report sums its facts per recorded
 * unit (a project's unit and the unit its article named); `placeRows` puts
 * each sum under the unit of that day it belongs to
 * (server/gazetteer/rollup.ts) and adds them up per row:
 *
 *   { commune_code: '16738', commune: 'Quế Phong', unit_level: 'commune', province_code: '40', …,
 *     split: false, split_between: [], from: [{ code: '16738', name: 'Kim Sơn', kind: 'thị trấn', … }], count: 4, … }
 *   { commune_code: null, commune: null, unit_level: 'commune', province_code: '40', province: 'Nghệ An',
 *     split: true, split_between: [Mường Quàng, Quế Phong, Thông Thụ, Tiền Phong, Tri Lễ],
 *     from: [{ code: '415', name: 'Quế Phong', kind: 'huyện', level: 'district' }], count: 11, … }
 *
 * Which unit places a sum: the project's unit when it is in force on the
 * day, else the unit its article named when that one is, else the project's
 * unit carried to the day. A sum whose unit went to several units of the
 * day (a district split between communes) is its own row, `split: true`,
 * so every project is in exactly one row and the rows add up to the totals.
 * `from` lists the units that ended before the day the row's facts were
 * recorded against (by province: their provinces); with `at`, `to` gives
 * the units of today the row's unit went to.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import {
  inForce,
  nameOf,
  type Placed,
  today,
  UnitGraph,
  type UnitName,
  type UnitNode,
} from '../gazetteer/rollup.ts';
import { addUp, type Sums } from './sums.ts';

export type UnitGroupBy = 'province' | 'commune';

export interface RecordedSums extends Sums {
  unit_id: number;
  as_named_id: number | null;
}

export interface UnitRow extends Sums {
  [column: string]: unknown;
  split: boolean;
  split_between: UnitName[];
  from: UnitName[];
  to?: UnitName[];
}

/** The CSV columns of a row (lists as `kind name (code)` joined by `; `), before the sums. */
export const UNIT_COLUMNS: Record<UnitGroupBy, (withTo: boolean) => string[]> = {
  province: (withTo) => ['province_code', 'province', 'split_between', 'from', ...(withTo ? ['to'] : [])],
  commune: (withTo) => [
    'commune_code',
    'commune',
    'unit_level',
    'province_code',
    'province',
    'split_between',
    'from',
    ...(withTo ? ['to'] : []),
  ],
};

const listText = (units: UnitName[] | undefined) =>
  (units ?? []).map((u) => `${u.kind} ${u.name}${u.code ? ` (${u.code})` : ''}`).join('; ');

export function unitTableRows(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) => {
    const row = r as UnitRow;
    return {
      ...row,
      split_between: listText(row.split_between),
      from: listText(row.from),
      to: listText(row.to),
    };
  });
}

interface Group {
  placed: Placed;
  sums: Sums[];
  from: Map<number, UnitNode>;
}

export async function placeRows(
  db: Kysely<DB>,
  recorded: readonly RecordedSums[],
  by: UnitGroupBy,
  at?: string,
): Promise<UnitRow[]> {
  const day = at ?? today();
  const ids = recorded.flatMap((r) => (r.as_named_id === null ? [r.unit_id] : [r.unit_id, r.as_named_id]));
  const g = await UnitGraph.load(db, ids);
  const groups = new Map<string, Group>();
  for (const r of recorded) {
    const unit = g.groupUnit(r.unit_id);
    const named = r.as_named_id === null ? null : g.groupUnit(r.as_named_id);
    const placing = inForce(unit, day) || !named || !inForce(named, day) ? unit : named;
    const placed = by === 'province' ? g.provinceAt(placing.id, day) : g.at(placing.id, day);
    const key = `${placed.exact ? '' : 'split:'}${placed.units.map((u) => u.id).join(',')}`;
    const group: Group = groups.get(key) ?? { placed, sums: [], from: new Map() };
    group.sums.push(r);
    for (const u of named ? [unit, named] : [unit]) {
      if (u.valid_to === null || u.valid_to >= day) continue;
      const fed = by === 'province' ? g.provinceOf(u) : u;
      if (fed && fed.valid_to !== null && fed.valid_to < day) group.from.set(fed.id, fed);
    }
    groups.set(key, group);
  }
  const later =
    at === undefined
      ? null
      : await UnitGraph.load(
          db,
          [...groups.values()].flatMap((x) => x.placed.units.map((u) => u.id)),
        );
  const rows = [...groups.values()].map((group) => {
    const { units, exact } = group.placed;
    const first = units[0]!;
    const provinces = new Map(units.map((u) => [g.provinceOf(u)?.id, g.provinceOf(u)]));
    const province = provinces.size === 1 ? [...provinces.values()][0] : null;
    const row: UnitRow = {
      ...(by === 'province'
        ? { province_code: exact ? first.code : null, province: exact ? first.name : null }
        : {
            commune_code: exact ? first.code : null,
            commune: exact ? first.name : null,
            unit_level: new Set(units.map((u) => u.level)).size === 1 ? first.level : null,
            province_code: province?.code ?? null,
            province: province?.name ?? null,
          }),
      split: !exact,
      split_between: exact ? [] : units.map(nameOf),
      from: [...group.from.values()].sort((a, b) => a.name.localeCompare(b.name, 'vi')).map(nameOf),
      ...addUp(group.sums),
    };
    if (later) {
      const now = today();
      const to = new Map<number, UnitNode>();
      for (const u of units) {
        const went = by === 'province' ? later.provinceAt(u.id, now) : later.at(u.id, now);
        for (const w of went.units) to.set(w.id, w);
      }
      row.to = [...to.values()].sort((a, b) => a.name.localeCompare(b.name, 'vi')).map(nameOf);
    }
    return row;
  });
  // As the other groupings: most money first, then most projects, then by name.
  return rows.sort(
    (a, b) =>
      b.investment_bn_vnd - a.investment_bn_vnd ||
      b.count - a.count ||
      String(a.province ?? '').localeCompare(String(b.province ?? ''), 'vi') ||
      String(a.commune ?? '').localeCompare(String(b.commune ?? ''), 'vi'),
  );
}
