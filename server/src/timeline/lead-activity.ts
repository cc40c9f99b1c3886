import type { EntityManager } from '@mikro-orm/postgresql';
import { fieldChange } from '../audit/audit.service';
import { LeadStatusReason } from '../common/enums';
import { isoInstant } from '../common/pagination';
import { recordLeadChange } from '../leads/lead.changes';
import type { Lead } from '../leads/lead.entity';
import type { User } from '../users/user.entity';

const instant = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(isoInstant(v)));

/**
 * Sets the lead's `lastActivityAt` (the newest of: a note added, an activity logged or
 * completed) and `nextFollowUpAt` (the earliest due date among its OPEN activities) from its
 * timeline as it now stands, in the caller's transaction, under the lead's row lock: the command
 * that moves them writes them. Flushes the command's own changes first, so that the one statement
 * that reads the timeline sees them; the lead's columns go out with the caller's next flush.
 * Neither is a field of the lead's own: no version bump, no history entry.
 */
export async function refreshLeadActivity(em: EntityManager, lead: Lead): Promise<void> {
  await em.flush();
  const [row] = await em.execute<{ next: unknown; last: unknown }[]>(
    `select (select min(a.due_at) from activity a where a.lead_id = l.id and a.status = 'OPEN') as next,
            (select max(t) from (
               select max(n.created_at) as t from note n where n.lead_id = l.id
               union all select max(greatest(a.created_at, a.completed_at)) from activity a where a.lead_id = l.id) x) as last
     from lead l where l.id = ?`, [lead.id]);
  lead.nextFollowUpAt = instant(row?.next);
  lead.lastActivityAt = instant(row?.last);
}

/**
 * Completing an OUTGOING activity of a NEW lead means the lead was contacted: NEW → CONTACTED,
 * through the lead's version-and-history step (STATUS_CHANGED).
 */
export function markContacted(em: EntityManager, actor: User, lead: Lead): void {
  if (lead.statusReason !== LeadStatusReason.NEW) return;
  lead.statusReason = LeadStatusReason.CONTACTED;
  recordLeadChange(em, actor, lead, 'STATUS_CHANGED', [fieldChange('statusReason', LeadStatusReason.NEW, LeadStatusReason.CONTACTED)]);
}
