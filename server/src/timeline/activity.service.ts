import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { fieldChange, recordAudit } from '../audit/audit.service';
import { ActivityDirection, ActivityStatus, UserErrorCode } from '../common/enums';
import { notFound, userError, type UserError } from '../common/errors';
import { isUuid } from '../common/ids';
import { validateInput } from '../common/validation';
import type { Lead } from '../leads/lead.entity';
import { User } from '../users/user.entity';
import { Activity } from './activity.entity';
import type { CancelActivityInput, CompleteActivityInput, LogActivityInput } from './activity.inputs';
import { markContacted, refreshLeadActivity } from './lead-activity';
import { lockOpenLead } from './timeline.access';

export interface ActivityResult { activity: Activity | null; userErrors: UserError[] }

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export class ActivityService {
  constructor(private readonly em: EntityManager, private readonly actor: User) {}

  /** Logs an OPEN activity owned by the caller on an open lead it may write. */
  async logActivity(input: LogActivityInput): Promise<ActivityResult> {
    const errors = await validateInput(input);
    if (errors.length) return { activity: null, userErrors: errors };
    const actor = this.actor;
    return this.em.transactional(async (em) => {
      const found = await lockOpenLead(em, actor, input.leadId, ['input', 'leadId']);
      if (found.error) return { activity: null, userErrors: [found.error] };
      const description = input.description?.trim() ? input.description : null;
      const activity = em.create(Activity, {
        lead: found.lead, kind: input.kind, subject: input.subject.trim(), description,
        direction: input.direction ?? null, dueAt: input.dueAt ?? null, owner: em.getReference(User, actor.id),
      });
      recordAudit(em, {
        entityType: 'Lead', entityId: found.lead.id, action: 'ACTIVITY_LOGGED', actor, at: activity.createdAt,
        changes: [
          fieldChange('activityId', null, activity.id), fieldChange('kind', null, activity.kind),
          fieldChange('subject', null, activity.subject),
          ...(activity.direction ? [fieldChange('direction', null, activity.direction)] : []),
          ...(activity.dueAt ? [fieldChange('dueAt', null, iso(activity.dueAt))] : []),
        ],
      });
      // The lead's columns are current (every command that moves them keeps them so, under this
      // lock), so a new activity moves them without reading the timeline.
      const lead = found.lead;
      lead.lastActivityAt = activity.createdAt;
      if (activity.dueAt && (!lead.nextFollowUpAt || activity.dueAt < lead.nextFollowUpAt)) lead.nextFollowUpAt = activity.dueAt;
      await em.flush();
      return { activity, userErrors: [] };
    });
  }

  /**
   * OPEN → COMPLETED. Completing an activity that is already COMPLETED or CANCELED is refused
   * (VALIDATION) rather than silently accepted, so that a second click cannot move completedAt.
   */
  async completeActivity(input: CompleteActivityInput): Promise<ActivityResult> {
    return this.changeActivity(input, async (em, activity, lead) => {
      if (activity.status !== ActivityStatus.OPEN) {
        const message = activity.status === ActivityStatus.COMPLETED
          ? `The activity is already completed (at ${iso(activity.completedAt)})`
          : 'The activity is canceled and cannot be completed';
        return userError(UserErrorCode.VALIDATION, message, ['input', 'activityId']);
      }
      const now = new Date();
      activity.status = ActivityStatus.COMPLETED;
      activity.completedAt = now;
      recordAudit(em, {
        entityType: 'Lead', entityId: lead.id, action: 'ACTIVITY_COMPLETED', actor: this.actor, at: now,
        changes: [
          fieldChange('activityId', activity.id, activity.id),
          fieldChange('status', ActivityStatus.OPEN, ActivityStatus.COMPLETED),
          fieldChange('completedAt', null, iso(now)),
        ],
      });
      if (activity.direction === ActivityDirection.OUTGOING) markContacted(em, this.actor, lead);
      return null;
    });
  }

  /** OPEN → CANCELED; a COMPLETED or CANCELED activity is ACTIVITY_NOT_OPEN. */
  async cancelActivity(input: CancelActivityInput): Promise<ActivityResult> {
    return this.changeActivity(input, async (em, activity, lead) => {
      if (activity.status !== ActivityStatus.OPEN) {
        return userError(UserErrorCode.ACTIVITY_NOT_OPEN, `The activity is ${activity.status}; only an OPEN activity can be canceled`, ['input', 'activityId']);
      }
      activity.status = ActivityStatus.CANCELED;
      recordAudit(em, {
        entityType: 'Lead', entityId: lead.id, action: 'ACTIVITY_CANCELED', actor: this.actor,
        changes: [fieldChange('activityId', activity.id, activity.id), fieldChange('status', ActivityStatus.OPEN, ActivityStatus.CANCELED)],
      });
      return null;
    });
  }

  /**
   * The shape of completeActivity and cancelActivity: the activity's lead locked as for any
   * timeline change (NOT_FOUND, FORBIDDEN, LEAD_NOT_OPEN), the activity re-read under that lock,
   * the change and its audit entry, then the lead's follow-up columns, in one transaction.
   */
  private async changeActivity(
    input: { activityId: string }, apply: (em: EntityManager, activity: Activity, lead: Lead) => Promise<UserError | null>,
  ): Promise<ActivityResult> {
    const actor = this.actor;
    const field = ['input', 'activityId'];
    return this.em.transactional(async (em) => {
      const seen = isUuid(input.activityId) ? await em.findOne(Activity, { id: input.activityId }) : null;
      if (!seen) return { activity: null, userErrors: [notFound('Activity', field)] };
      const found = await lockOpenLead(em, actor, seen.lead.id, field);
      if (found.error) {
        const error = found.error.code === UserErrorCode.NOT_FOUND ? notFound('Activity', field) : found.error;
        return { activity: null, userErrors: [error] };
      }
      // Read again under the lead's lock: a concurrent completion has finished by now.
      const activity = await em.findOne(Activity, { id: seen.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (!activity) return { activity: null, userErrors: [notFound('Activity', field)] };
      const refused = await apply(em, activity, found.lead);
      if (refused) return { activity: null, userErrors: [refused] };
      await refreshLeadActivity(em, found.lead);
      await em.flush();
      return { activity, userErrors: [] };
    });
  }
}
