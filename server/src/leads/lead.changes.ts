import type { EntityManager } from '@mikro-orm/postgresql';
import type { FieldChange } from '../audit/audit-entry.entity';
import { recordAudit, recordAudits, type AuditInput } from '../audit/audit.service';
import { UserErrorCode } from '../common/enums';
import { userError, type UserError } from '../common/errors';
import { recordset, sqlNames, type EntityRecord } from '../db/bulk';
import type { User } from '../users/user.entity';
import { Lead } from './lead.entity';

/** The version check every lead command shares; null when the caller's copy is current. */
export function versionConflict(lead: Lead, expected: number | null | undefined): UserError | null {
  if (expected == null || expected === lead.version) return null;
  return userError(UserErrorCode.VERSION_CONFLICT,
    `The lead is at version ${lead.version}, not ${expected}; reload it and try again`, ['input', 'expectedVersion']);
}

/**
 * Stamps a change on a lead: version + 1, updatedAt, and the audit entry in the same unit of
 * work. Every command that changes a lead (or its stakeholders) goes through here, so each
 * version of a lead has one history entry.
 */
export function recordLeadChange(em: EntityManager, actor: User, lead: Lead, action: string, changes: FieldChange[]): void {
  lead.version += 1;
  lead.updatedAt = new Date();
  recordAudit(em, { entityType: 'Lead', entityId: lead.id, action, actor, changes, at: lead.updatedAt });
}

/** One lead's change in a bulk command: the columns it sets and the audited changes they make. */
export interface LeadStep {
  lead: Pick<EntityRecord<Lead>, 'id'>;
  /** New values by property; every step of a call sets the same properties. */
  set: Partial<EntityRecord<Lead>>;
  changes: FieldChange[];
}

/**
 * The set-based variant of {@link recordLeadChange} for bulk commands, the same step for every
 * lead: version + 1 and updatedAt = `at` together with the values of its `set`, in one UPDATE
 * for all leads, and one audit entry each, in one INSERT — two statements whatever the number
 * of leads. The caller holds the leads' row locks. Returns each lead's new version.
 */
export async function recordLeadChanges(em: EntityManager, actor: User, action: string, at: Date, steps: LeadStep[]): Promise<Map<string, number>> {
  const versions = await updateLeads(em, at, steps);
  await recordAudits(em, leadChangeAudits(actor, action, at, steps));
  return versions;
}

/**
 * The UPDATE of {@link recordLeadChanges} alone, for a command that writes the audit entries
 * ({@link leadChangeAudits}) in a statement of its own choosing, with other rows.
 */
export async function updateLeads(em: EntityManager, at: Date, steps: LeadStep[]): Promise<Map<string, number>> {
  if (!steps.length) return new Map();
  const props = ['id', 'updatedAt', ...Object.keys(steps[0].set)] as (keyof Lead & string)[];
  const t = sqlNames(em, Lead);
  const [id, version] = [t.column('id'), t.column('version')];
  const m = recordset(em, Lead, props, steps.map((s) => ({ ...s.set, id: s.lead.id, updatedAt: at })), 'm');
  const rows = await em.execute<{ id: string; version: number }[]>(
    `update ${t.table} l set ${version} = l.${version} + 1, ${props.slice(1).map((p) => `${t.column(p)} = m.${t.column(p)}`).join(', ')}
     from ${m.sql} where l.${id} = m.${id}
     returning l.${id} as id, l.${version} as version`);
  return new Map(rows.map((r) => [r.id, r.version]));
}

/** The audit entries of {@link recordLeadChanges}: one per step. */
export function leadChangeAudits(actor: User, action: string, at: Date, steps: LeadStep[]): AuditInput[] {
  return steps.map((s) => ({ entityType: 'Lead', entityId: s.lead.id, action, actor, changes: s.changes, at }));
}
