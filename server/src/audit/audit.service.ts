import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { batch, insertRecords, type InsertBatch } from '../db/bulk';
import { User } from '../users/user.entity';
import { AuditEntry, FieldChange } from './audit-entry.entity';

export type AuditSnapshot = Record<string, string | null>;

/** The fields whose values differ between two snapshots, in the order of `after`'s keys. */
export function diffSnapshots(before: AuditSnapshot | null, after: AuditSnapshot | null): FieldChange[] {
  const keys = new Set([...Object.keys(after ?? {}), ...Object.keys(before ?? {})]);
  const changes: FieldChange[] = [];
  for (const field of keys) {
    const oldValue = before?.[field] ?? null;
    const newValue = after?.[field] ?? null;
    if (oldValue !== newValue) changes.push(Object.assign(new FieldChange(), { field, oldValue, newValue }));
  }
  return changes;
}

export function fieldChange(field: string, oldValue: string | null, newValue: string | null): FieldChange {
  return Object.assign(new FieldChange(), { field, oldValue, newValue });
}

/**
 * Adds an audit entry to the unit of work of `em`, so that it is written by the same flush,
 * in the same transaction, as the change it describes — and rolled back with it.
 */
export interface AuditInput { entityType: string; entityId: string; action: string; actor: User | null; changes: FieldChange[]; at?: Date }

export function recordAudit(em: EntityManager, entry: AuditInput): AuditEntry {
  const audit = em.create(AuditEntry, {
    entityType: entry.entityType,
    entityId: entry.entityId,
    action: entry.action,
    actor: entry.actor ? em.getReference(User, entry.actor.id) : null,
    changes: entry.changes,
    at: entry.at ?? new Date(),
  });
  em.persist(audit);
  return audit;
}

/** Audit entries as rows for {@link insertRecords}, so that a bulk command can write them in the statement that writes its records. */
export function auditBatch(entries: AuditInput[]): InsertBatch {
  return batch(AuditEntry, entries.map((e) => ({
    id: randomUUID(), entityType: e.entityType, entityId: e.entityId, action: e.action, actor: e.actor ? e.actor.id : null,
    changes: e.changes, at: e.at ?? new Date(),
  })));
}

/**
 * The set-based variant of {@link recordAudit} for bulk commands: writes all `entries` now, in
 * one INSERT in the transaction of `em`, without creating entities.
 */
export async function recordAudits(em: EntityManager, entries: AuditInput[]): Promise<void> {
  await insertRecords(em, auditBatch(entries));
}
