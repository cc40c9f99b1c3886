import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { canReadLead, canWriteLead } from '../access/policy';
import { LeadState, UserErrorCode } from '../common/enums';
import { userError, type UserError } from '../common/errors';
import { isUuid } from '../common/ids';
import type { User } from '../users/user.entity';
import { versionConflict } from './lead.changes';
import { Lead } from './lead.entity';

export type LeadLookup = { lead: Lead; error?: undefined } | { lead?: undefined; error: UserError };

/**
 * Loads a lead that the caller means to change, locked `FOR UPDATE` until the transaction
 * ends so that concurrent commands on it run one after another. A lead the caller may not see
 * is NOT_FOUND, exactly like a missing one; one it may see but not change is FORBIDDEN.
 */
export async function lockLeadForWrite(em: EntityManager, actor: User, id: string, field: string[]): Promise<LeadLookup> {
  const lead = isUuid(id) ? await em.findOne(Lead, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true }) : null;
  if (!lead || !canReadLead(actor, lead)) return { error: userError(UserErrorCode.NOT_FOUND, 'Lead not found', field) };
  if (!canWriteLead(actor, lead)) {
    return { error: userError(UserErrorCode.FORBIDDEN, 'You may change only the leads you own', field) };
  }
  return { lead };
}

/**
 * {@link lockLeadForWrite} for a command that changes an OPEN lead, with the caller's
 * `expectedVersion`: the checks in the order every such command makes them — NOT_FOUND,
 * FORBIDDEN, VERSION_CONFLICT, LEAD_NOT_OPEN. `doing` ends the LEAD_NOT_OPEN message
 * ("…reactivate it before changing it").
 */
export async function lockOpenLeadForChange(
  em: EntityManager, actor: User, id: string, expectedVersion: number | null | undefined, doing: string,
): Promise<LeadLookup> {
  const found = await lockLeadForWrite(em, actor, id, ['input', 'id']);
  if (found.error) return found;
  const conflict = versionConflict(found.lead, expectedVersion);
  if (conflict) return { error: conflict };
  if (found.lead.state !== LeadState.OPEN) {
    return { error: userError(UserErrorCode.LEAD_NOT_OPEN, `The lead is ${found.lead.state}; reactivate it before ${doing}`, ['input', 'id']) };
  }
  return found;
}
