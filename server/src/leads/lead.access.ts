import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { canReadLead, canWriteLead } from '../access/policy';
import { UserErrorCode } from '../common/enums';
import { userError, type UserError } from '../common/errors';
import { isUuid } from '../common/ids';
import type { User } from '../users/user.entity';
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
