import type { EntityManager } from '@mikro-orm/postgresql';
import { diffSnapshots, fieldChange, recordAudit } from '../audit/audit.service';
import { DisqualifyReason, LeadState, LeadStatusReason, UserErrorCode } from '../common/enums';
import { userError, type UserError } from '../common/errors';
import { validateInput } from '../common/validation';
import type { User } from '../users/user.entity';
import { lockLeadForWrite } from './lead.access';
import { recordLeadChange, versionConflict } from './lead.changes';
import { leadSnapshot } from './lead.audit';
import type { Lead } from './lead.entity';
import type { DeleteLeadInput, DisqualifyLeadInput, ReactivateLeadInput } from './lifecycle.inputs';

export interface LeadResult { lead: Lead | null; userErrors: UserError[] }

/**
 * disqualifyLead, reactivateLead and deleteLead: each locks the lead, checks access, version and
 * state in that order, and writes the change with its audit entry in one transaction.
 */
export class LifecycleService {
  constructor(private readonly em: EntityManager, private readonly actor: User) {}

  async disqualifyLead(input: DisqualifyLeadInput): Promise<LeadResult> {
    return this.change(input, async (em, lead) => {
      if (lead.state !== LeadState.OPEN) {
        return userError(UserErrorCode.LEAD_NOT_OPEN, `The lead is ${lead.state}; only an OPEN lead can be disqualified`, ['input', 'id']);
      }
      const comment = input.comment?.trim() || null;
      const reason = input.reason ?? DisqualifyReason.LOST;
      const before = leadSnapshot(lead);
      lead.state = LeadState.DISQUALIFIED;
      lead.statusReason = reason as unknown as LeadStatusReason;
      const changes = [
        ...diffSnapshots(before, leadSnapshot(lead)),
        fieldChange('reason', null, reason),
        ...(comment ? [fieldChange('comment', null, comment)] : []),
      ];
      recordLeadChange(em, this.actor, lead, 'DISQUALIFIED', changes);
      return null;
    });
  }

  /**
   * Back to OPEN/NEW with everything else as it was: the opportunity, account and contact that
   * qualifying produced stay, and stay linked (qualifying the lead again reuses them).
   */
  async reactivateLead(input: ReactivateLeadInput): Promise<LeadResult> {
    return this.change(input, async (em, lead) => {
      if (lead.state === LeadState.OPEN) {
        return userError(UserErrorCode.LEAD_NOT_CLOSED, 'The lead is OPEN; only a QUALIFIED or DISQUALIFIED lead can be reactivated', ['input', 'id']);
      }
      const before = leadSnapshot(lead);
      lead.state = LeadState.OPEN;
      lead.statusReason = LeadStatusReason.NEW;
      recordLeadChange(em, this.actor, lead, 'REACTIVATED', diffSnapshots(before, leadSnapshot(lead)));
      return null;
    });
  }

  /**
   * Deletes the lead in any state. PostgreSQL's ON DELETE CASCADE removes its notes,
   * attachments, activities and stakeholder rows; SET NULL keeps the accounts, contacts and
   * opportunities it produced. The DELETED audit entry keeps every field's last value.
   */
  async deleteLead(input: DeleteLeadInput): Promise<{ deletedLeadId: string | null; userErrors: UserError[] }> {
    const result = await this.change(input, async (em, lead) => {
      recordAudit(em, { entityType: 'Lead', entityId: lead.id, action: 'DELETED', actor: this.actor, changes: diffSnapshots(leadSnapshot(lead), null) });
      em.remove(lead);
      return null;
    });
    return { deletedLeadId: result.lead?.id ?? null, userErrors: result.userErrors };
  }

  private async change(
    input: { id: string; expectedVersion?: number | null },
    apply: (em: EntityManager, lead: Lead) => Promise<UserError | null>,
  ): Promise<LeadResult> {
    const invalid = await validateInput(input);
    if (invalid.length) return { lead: null, userErrors: invalid };
    return this.em.transactional(async (em) => {
      const found = await lockLeadForWrite(em, this.actor, input.id, ['input', 'id']);
      if (found.error) return { lead: null, userErrors: [found.error] };
      const conflict = versionConflict(found.lead, input.expectedVersion);
      if (conflict) return { lead: null, userErrors: [conflict] };
      const refused = await apply(em, found.lead);
      if (refused) return { lead: null, userErrors: [refused] };
      await em.flush();
      return { lead: found.lead, userErrors: [] };
    });
  }
}
