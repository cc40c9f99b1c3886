import type { EntityManager } from '@mikro-orm/postgresql';
import type { FieldChange } from '../audit/audit-entry.entity';
import { recordAudit } from '../audit/audit.service';
import { UserErrorCode } from '../common/enums';
import { userError, type UserError } from '../common/errors';
import type { User } from '../users/user.entity';
import type { Lead } from './lead.entity';

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
