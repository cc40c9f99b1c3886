import type { EntityManager } from '@mikro-orm/postgresql';
import { LeadState, UserErrorCode } from '../common/enums';
import { userError } from '../common/errors';
import { lockLeadForWrite, type LeadLookup } from '../leads/lead.access';
import type { User } from '../users/user.entity';

/**
 * Locks a lead for adding to or changing its timeline. The lock makes a note or activity wait
 * for a qualify or disqualify of the same lead that is under way, so that nothing is added to
 * a lead that has just been closed. Closed leads are read-only until reactivated.
 */
export async function lockOpenLead(em: EntityManager, actor: User, leadId: string, field: string[]): Promise<LeadLookup> {
  const found = await lockLeadForWrite(em, actor, leadId, field);
  if (found.error) return found;
  if (found.lead.state !== LeadState.OPEN) {
    return { error: userError(UserErrorCode.LEAD_NOT_OPEN, `The lead is ${found.lead.state}; reactivate it before changing its timeline`, field) };
  }
  return found;
}
