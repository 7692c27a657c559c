/**
 * What each importable layer declares: the fields it reads (with their
 * default columns), how a record's values are parsed, and how staged
 * records are matched to existing rows and written. One module per layer.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { GeometryRule } from '../geometry.ts';
import type { FieldSpec, Getter } from '../mapping.ts';
import type { ImportLayer, Precision } from '../options.ts';

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
  sourceId: string;
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
  layer: ImportLayer;
  entity: CitedEntity;
  geometry: GeometryRule;
  /** Field holding the natural key, named in duplicate problems. */
  keyField: string;
  fields: Record<string, FieldSpec>;
  /** Loads what parsing needs from the database (category names...). */
  prepare?(trx: Kysely<DB>): Promise<void>;
  /** Values of one record; a FieldError thrown by `field` becomes a problem naming it. */
  parse(get: Getter, field: FieldReader, ctx: TargetContext, warn: Warn): Parsed;
  /** Matches staged rows to existing ones and resolves references; records problems. */
  resolve(trx: Kysely<DB>, ctx: TargetContext): Promise<void>;
  /** Writes the clean staged rows, sets import_stage.target_id, counts what changed. */
  write(trx: Kysely<DB>, ctx: TargetContext): Promise<WriteCounts>;
}

/** Notes something about a record that does not stop the import. */
export type Warn = (field: string, reason: string) => void;

/** Reads one field through a value parser, recording its error instead of throwing. */
export type FieldReader = <T>(name: string, parse: (v: unknown) => T) => T | null;
