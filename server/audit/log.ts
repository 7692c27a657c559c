/**
 * Writing the audit: one row per edit of a feature (audit_log, migration
 * 2026-11-30T1100_audit). An applied edit writes its row in its own
 * transaction, so the row exists exactly when the edit does; a conflict
 * (a stale If-Match) after the failed transaction, so the attempt is known.
 */
import { type Kysely, sql } from 'kysely';
import type { Actor } from '../auth/index.ts';
import type { DB } from '../db/types.ts';

export type Operation = 'create' | 'replace' | 'update' | 'delete' | 'restore' | 'import';
export type Outcome = 'applied' | 'conflict' | 'rejected';

export interface AuditEntry {
  actor: Pick<Actor, 'tokenId' | 'name'>;
  layer: string;
  featureId: number | null;
  operation: Operation;
  outcome: Outcome;
  before?: unknown;
  after?: unknown;
  sourceId?: string | null;
  detail?: string | null;
}

/** Inserts the row; returns its id. */
export async function audit(db: Kysely<DB>, e: AuditEntry): Promise<number> {
  const row = await db
    .insertInto('audit_log')
    .values({
      token_id: e.actor.tokenId,
      actor_name: e.actor.name,
      layer: e.layer,
      feature_id: e.featureId,
      operation: e.operation,
      outcome: e.outcome,
      before: e.before == null ? null : sql`${JSON.stringify(e.before)}::jsonb`,
      after: e.after == null ? null : sql`${JSON.stringify(e.after)}::jsonb`,
      source_id: e.sourceId ?? null,
      detail: e.detail ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}
