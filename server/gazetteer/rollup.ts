/**
 * Which units in force on a day a fact recorded against a unit belongs to:
 * the statistics group by the 2025 units (or, with `at`, by the units of
 * another day) while the facts keep the unit they were recorded against.
 *
 *   const g = await UnitGraph.load(db, [quePhongDistrictId]);
 *   g.at(quePhongDistrictId, '2026-01-01')
 *   // { units: [Mường Quàng, Quế Phong, Thông Thụ, Tiền Phong, Tri Lễ], exact: false }
 *
 * - A unit in force that day is itself.
 * - A unit that ended before the day goes to its successors; a district
 *   (which has none: districts were abolished) to those of its communes.
 *   One successor taking the whole (`full`, or an untyped single link) is
 *   exact; several, or a `partial` one, are a split: the fact is shared by
 *   them and is never counted under one of them alone.
 * - A unit that started after the day comes from its predecessors: one is
 *   exact (the unit lies inside it); several mean "one of these", not exact.
 * - A village is placed with its parent (statistics have no village level).
 *
 * The graph is loaded for the units a report needs (with their ancestors,
 * successors, predecessors and, for a district, its communes' successors)
 * in four queries, then every mapping is pure.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';

export interface UnitNode {
  id: number;
  code: string | null;
  name: string;
  kind: string;
  level: string;
  parent_id: number | null;
  valid_from: string | null;
  valid_to: string | null;
}

export interface UnitLink {
  to: number;
  type: 'full' | 'partial' | null;
}

export interface Placed {
  /** The units in force on the day, sorted by name then code (one when exact). */
  units: UnitNode[];
  /** True when the fact lies in exactly one unit of that day. */
  exact: boolean;
}

/** A unit as the answers name it. */
export interface UnitName {
  code: string | null;
  name: string;
  kind: string;
  level: string;
}

export const nameOf = (u: UnitNode): UnitName => ({
  code: u.code,
  name: u.name,
  kind: u.kind,
  level: u.level,
});

/** Today, as the statistics' default day (YYYY-MM-DD, UTC). */
export const today = (): string => new Date().toISOString().slice(0, 10);

export function inForce(u: UnitNode, day: string): boolean {
  return (u.valid_from === null || u.valid_from <= day) && (u.valid_to === null || u.valid_to >= day);
}

const byName = (a: UnitNode, b: UnitNode) =>
  a.name.localeCompare(b.name, 'vi') || (a.code ?? '').localeCompare(b.code ?? '') || a.id - b.id;

export class UnitGraph {
  readonly nodes = new Map<number, UnitNode>();
  /** Successor links (for a district without its own, its communes' successors as one link each). */
  readonly successors = new Map<number, UnitLink[]>();
  readonly predecessors = new Map<number, UnitLink[]>();

  /** The units `ids` and everything their mappings reach. */
  static async load(db: Kysely<DB>, ids: readonly number[]): Promise<UnitGraph> {
    const g = new UnitGraph();
    await g.fetchNodes(db, ids);
    const known = [...g.nodes.keys()];
    const { rows: links } = await sql<{ from_id: number; to_id: number; type: UnitLink['type'] }>`
      SELECT s.unit_id::int AS from_id, s.successor_id::int AS to_id, s.type FROM unit_successors s
      WHERE s.unit_id = ANY(${known}::bigint[]) OR s.successor_id = ANY(${known}::bigint[])`.execute(db);
    // A district that ended without links of its own: where its communes went, whole or not.
    const { rows: derived } = await sql<{ from_id: number; to_id: number; type: UnitLink['type'] }>`
      SELECT c.parent_id::int AS from_id, s.successor_id::int AS to_id, s.type
      FROM admin_units c JOIN unit_successors s ON s.unit_id = c.id
      WHERE c.parent_id = ANY(${known}::bigint[])
        AND c.parent_id NOT IN (SELECT unit_id FROM unit_successors WHERE unit_id = ANY(${known}::bigint[]))
        AND EXISTS (SELECT 1 FROM admin_units d WHERE d.id = c.parent_id AND d.valid_to IS NOT NULL)`.execute(
      db,
    );
    for (const l of links) {
      push(g.successors, l.from_id, { to: l.to_id, type: l.type });
      push(g.predecessors, l.to_id, { to: l.from_id, type: l.type });
    }
    const merged = new Map<number, Map<number, boolean>>();
    for (const l of derived) {
      const to = merged.get(l.from_id) ?? new Map<number, boolean>();
      to.set(l.to_id, (to.get(l.to_id) ?? true) && l.type === 'full');
      merged.set(l.from_id, to);
    }
    for (const [from, to] of merged) {
      // The district went whole into one unit only when every commune of it went whole there.
      const whole = to.size === 1 && [...to.values()][0] === true;
      for (const id of to.keys()) push(g.successors, from, { to: id, type: whole ? 'full' : 'partial' });
    }
    const reached = [...g.successors.values(), ...g.predecessors.values()].flat().map((l) => l.to);
    await g.fetchNodes(
      db,
      reached.filter((id) => !g.nodes.has(id)),
    );
    return g;
  }

  /** The units and all their ancestors. */
  private async fetchNodes(db: Kysely<DB>, ids: readonly number[]): Promise<void> {
    if (!ids.length) return;
    const { rows } = await sql<UnitNode>`
      WITH RECURSIVE up AS (
        SELECT u.* FROM admin_units u WHERE u.id = ANY(${[...new Set(ids)]}::bigint[])
        UNION
        SELECT p.* FROM admin_units p JOIN up ON p.id = up.parent_id
      )
      SELECT id::int AS id, code, name, kind, level, parent_id::int AS parent_id,
             valid_from::text AS valid_from, valid_to::text AS valid_to
      FROM up`.execute(db);
    for (const r of rows) this.nodes.set(r.id, r);
  }

  node(id: number): UnitNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`unit ${id} is not in the graph`);
    return n;
  }

  /** The commune-level (or coarser) unit a fact of `id` is grouped under: a village's parent. */
  groupUnit(id: number): UnitNode {
    let n = this.node(id);
    while (n.level === 'village' && n.parent_id !== null) n = this.node(n.parent_id);
    return n;
  }

  /** The units in force on `day` that unit `id` (its group unit) belongs to. */
  at(id: number, day: string): Placed {
    const found = new Map<number, UnitNode>();
    const exact = this.walk(this.groupUnit(id), day, found, new Set());
    const units = [...found.values()].sort(byName);
    return { units, exact: exact && units.length === 1 };
  }

  private walk(n: UnitNode, day: string, out: Map<number, UnitNode>, seen: Set<number>): boolean {
    if (seen.has(n.id)) return false;
    seen.add(n.id);
    if (inForce(n, day)) {
      out.set(n.id, n);
      return true;
    }
    const forward = n.valid_to !== null && n.valid_to < day;
    const links = (forward ? this.successors : this.predecessors).get(n.id) ?? [];
    if (!links.length) {
      // Nothing recorded: the parent, coarser but true (never exact).
      if (n.parent_id !== null) this.walk(this.node(n.parent_id), day, out, seen);
      return false;
    }
    let exact = links.length === 1 && (!forward || links[0]!.type !== 'partial');
    for (const l of links) exact = this.walk(this.node(l.to), day, out, seen) && exact;
    return exact;
  }

  /** The province of a unit (itself, or its nearest province ancestor). */
  provinceOf(n: UnitNode): UnitNode | null {
    let u: UnitNode | undefined = n;
    while (u && u.level !== 'province') u = u.parent_id === null ? undefined : this.nodes.get(u.parent_id);
    return u ?? null;
  }

  /** The provinces in force on `day` that unit `id` belongs to. */
  provinceAt(id: number, day: string): Placed {
    const placed = this.at(id, day);
    const found = new Map<number, UnitNode>();
    for (const u of placed.units) {
      const p = this.provinceOf(u);
      if (p) found.set(p.id, p);
    }
    const units = [...found.values()].sort(byName);
    // Split between communes of one province is still exactly that province.
    return { units, exact: units.length === 1 };
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
