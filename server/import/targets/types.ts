/**
 * What each writable layer declares: the fields an imported file may carry
 * (with their default columns), how such a record's cells are read, and how
 * staged records are matched to existing rows and written. One module per
 * layer; data/, imports and (next) API edits all write through them.
 */
import type { Kysely, RawBuilder } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { GeometryRule } from '../geometry.ts';
import type { FieldSpec, Getter } from '../mapping.ts';
import type { ImportLayer } from '../options.ts';
import type { Precision } from '../schema.ts';

export type CitedEntity = 'admin_unit' | 'road' | 'project' | 'border_gate';

export interface Parsed {
  /** Natural key in the file (official code, or the record's id), checked for duplicates. */
  key: string | null;
  /** Slug proposed for a new row. */
  slug: string | null;
  /** What identifies the record to a person: its code, id or name. */
  name: string | null;
  vals: Record<string, unknown>;
}

export interface TargetContext {
  /** Province code given with --parent. */
  parent: string | null;
  precision: Precision;
  uncertaintyM: number | null;
  /** The one source every record cites (an import's --source); null: each record's own `sources`. */
  sourceId: string | null;
  /** Who writes ('seed' for data/, 'import'): rows belong to the origin that created them. */
  origin: string;
  /**
   * Records in data/'s shape (seeding, the write API): each carries its slug
   * and names other rows by slug. Otherwise records come from a file and are
   * matched by code, name or location.
   */
  keyed: boolean;
}

export interface WriteCounts {
  inserted: number;
  updated: number;
  /** Rows of detail tables (market_details...) written or removed. */
  details?: number;
  /** Existing rows the file matched (units: by code or by name). */
  matchedByCode?: number;
  matchedByName?: number;
}

export interface Target {
  layer: ImportLayer | 'units';
  entity: CitedEntity;
  table: 'admin_units' | 'roads' | 'projects' | 'border_gates';
  geometry: GeometryRule;
  /** Keyed records may have no geometry (a unit known by its seat only). */
  geometryOptional?: boolean;
  /** Field holding the natural key, named in duplicate problems. */
  keyField: string;
  fields: Record<string, FieldSpec>;
  /** Loads what parsing needs from the database (category names...). */
  prepare?(trx: Kysely<DB>): Promise<void>;
  /** Values of one file record; a FieldError thrown by `field`, or `fail`, becomes a problem naming it. */
  parse(get: Getter, field: FieldReader, ctx: TargetContext, warn: Warn, fail: Warn): Parsed;
  /** Matches staged rows to existing ones and resolves references; records problems. */
  resolve(trx: Kysely<DB>, ctx: TargetContext): Promise<void>;
  /** Writes the clean staged rows, sets import_stage.target_id, counts what changed. */
  write(trx: Kysely<DB>, ctx: TargetContext): Promise<WriteCounts>;
  /** Rows of this origin that must stay although no longer written (something points at them). */
  pinned?: RawBuilder<unknown>;
}

/** Notes something about a record: a warning, or (as `fail`) a problem. */
export type Warn = (field: string, reason: string) => void;

/** Reads one field through a value parser, recording its error instead of throwing. */
export type FieldReader = <T>(name: string, parse: (v: unknown) => T) => T | null;
