import { LockMode, QueryOrder } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { canReadLead, canWriteLead } from '../access/policy';
import { diffSnapshots, fieldChange } from '../audit/audit.service';
import { LeadState, LeadStatusReason, UserErrorCode } from '../common/enums';
import { userError, type UserError } from '../common/errors';
import { isUuid, normaliseId } from '../common/ids';
import { validateInput } from '../common/validation';
import { jsonLiteral, readRecords, sqlNames } from '../db/bulk';
import { Stakeholder } from '../stakeholders/stakeholder.entity';
import { Activity } from '../timeline/activity.entity';
import { Attachment } from '../timeline/attachment.entity';
import { Note } from '../timeline/note.entity';
import type { User } from '../users/user.entity';
import { leadSnapshot } from './lead.audit';
import { recordLeadChanges } from './lead.changes';
import { Lead } from './lead.entity';
import type { MergeLeadsInput } from './merge.inputs';
import { MergeLeadsPayload } from './merge.payloads';
import type { LeadRecord } from './qualify.plan';

/** How many source leads one call may fold into its target. */
export const MAX_MERGE_SOURCES = 3;

/**
 * The fields `fieldWinners` may name, by their GraphQL name on Lead, with the properties each
 * stands for: the lead's own editable fields (those of updateLead), an address or a budget as a
 * whole. The owner is not among them: ownership changes through assignLeads.
 */
export const MERGE_FIELDS: Readonly<Record<string, readonly (keyof Lead & string)[]>> = {
  topic: ['topic'], firstName: ['firstName'], lastName: ['lastName'], jobTitle: ['jobTitle'], companyName: ['companyName'],
  email: ['email'], businessPhone: ['businessPhone'], mobilePhone: ['mobilePhone'], website: ['website'],
  address: ['addressLine1', 'addressLine2', 'addressCity', 'addressStateOrProvince', 'addressPostalCode', 'addressCountry'],
  industry: ['industry'], preferredContactMethod: ['preferredContactMethod'], source: ['source'], rating: ['rating'],
  description: ['description'], budget: ['budgetAmount', 'budgetCurrency'], purchaseTimeframe: ['purchaseTimeframe'],
  purchaseProcess: ['purchaseProcess'], budgetStatus: ['budgetStatus'], decisionMakerIdentified: ['decisionMakerIdentified'],
  existingAccount: ['existingAccount'], existingContact: ['existingContact'],
};

/** The call's input with ids normalised, and the fields that a source wins. */
interface MergePlan {
  targetId: string;
  sourceIds: string[];
  /** Field name → the lead whose value it takes, for winners that name a source. */
  winners: Map<string, string>;
  dryRun: boolean;
}

interface Moved { notes: number; activities: number; stakeholders: number }

const refused = (userErrors: UserError[], dryRun: boolean): MergeLeadsPayload => Object.assign(new MergeLeadsPayload(), {
  lead: null, mergedLeadIds: [], dryRun, movedNotes: 0, movedActivities: 0, movedStakeholders: 0, userErrors,
});

const latest = (dates: (Date | null | undefined)[]): Date | null =>
  dates.reduce<Date | null>((a, d) => (d && (!a || d > a) ? d : a), null);
const earliest = (dates: (Date | null | undefined)[]): Date | null =>
  dates.reduce<Date | null>((a, d) => (d && (!a || d < a) ? d : a), null);

/**
 * mergeLeads: folds 1..3 source leads into a target in one transaction. All the leads are
 * locked in one statement in id order — as qualifyLeads locks its leads — so merges and
 * qualifications over the same leads wait for each other instead of deadlocking, and a lead
 * that another call closed meanwhile is LEAD_NOT_OPEN here. Every check runs before anything
 * is written; a failing call writes nothing.
 *
 * The sources' notes, attachments, activities and stakeholders move in one statement whatever
 * their number; the leads' changes and their history entries are two set-based steps (target,
 * sources) of two statements each.
 */
export class MergeService {
  constructor(private readonly em: EntityManager, private readonly actor: User) {}

  async mergeLeads(input: MergeLeadsInput): Promise<MergeLeadsPayload> {
    const dryRun = input.dryRun ?? false;
    const invalid = await validateInput(input);
    if (invalid.length) return refused(invalid, dryRun);
    const { plan, errors } = this.plan(input, dryRun);
    if (errors.length) return refused(errors, dryRun);
    return this.em.transactional(async (em) => {
      const locked = await this.lockLeads(em, [plan.targetId, ...plan.sourceIds]);
      const leadErrors = [
        this.checkLead(plan.targetId, locked.get(plan.targetId), ['input', 'targetId']),
        ...plan.sourceIds.map((id, i) => this.checkLead(id, locked.get(id), ['input', 'sourceIds', String(i)])),
      ].filter((e): e is UserError => e !== null);
      if (leadErrors.length) return refused(leadErrors, dryRun);

      const target = locked.get(plan.targetId)!;
      const sources = plan.sourceIds.map((id) => locked.get(id)!);
      const now = new Date();
      const merged = this.mergedTarget(target, sources, plan, locked);
      const moved = plan.dryRun ? await this.countMoves(em, plan) : await this.moveChildren(em, plan);
      if (plan.dryRun) {
        Object.assign(target, merged, { version: target.version + 1, updatedAt: now });
      } else {
        await this.write(em, target, sources, merged, plan, now);
      }
      return Object.assign(new MergeLeadsPayload(), {
        lead: target, mergedLeadIds: plan.sourceIds, dryRun: plan.dryRun,
        movedNotes: moved.notes, movedActivities: moved.activities, movedStakeholders: moved.stakeholders, userErrors: [],
      });
    });
  }

  /**
   * The checks that need no data, all reported at once: 1..3 sources, each once and none the
   * target; each winner a known field, named once, from the target or a source.
   */
  private plan(input: MergeLeadsInput, dryRun: boolean): { plan: MergePlan; errors: UserError[] } {
    const targetId = normaliseId(input.targetId);
    const sourceIds = input.sourceIds.map(normaliseId);
    const errors: UserError[] = [];
    if (sourceIds.length < 1 || sourceIds.length > MAX_MERGE_SOURCES) {
      errors.push(userError(UserErrorCode.VALIDATION, `sourceIds must name 1..${MAX_MERGE_SOURCES} leads; got ${sourceIds.length}`, ['input', 'sourceIds']));
    }
    sourceIds.forEach((id, i) => {
      const field = ['input', 'sourceIds', String(i)];
      if (id === targetId) errors.push(userError(UserErrorCode.VALIDATION, `sourceIds[${i}] is the target; a lead cannot be merged into itself`, field));
      else if (sourceIds.indexOf(id) !== i) errors.push(userError(UserErrorCode.VALIDATION, `sourceIds[${i}] repeats an earlier id; name each lead once`, field));
    });
    const winners = new Map<string, string>();
    const seen = new Set<string>();
    (input.fieldWinners ?? []).forEach((w, i) => {
      const from = normaliseId(w.fromLeadId);
      if (!Object.hasOwn(MERGE_FIELDS, w.field)) {
        errors.push(userError(UserErrorCode.VALIDATION, `fieldWinners[${i}] names "${w.field}", which is not a field a merge can take: ${Object.keys(MERGE_FIELDS).join(', ')}`,
          ['input', 'fieldWinners', String(i), 'field']));
      } else if (seen.has(w.field)) {
        errors.push(userError(UserErrorCode.VALIDATION, `fieldWinners[${i}] repeats the field ${w.field}; name each field once`, ['input', 'fieldWinners', String(i), 'field']));
      } else if (from !== targetId && !sourceIds.includes(from)) {
        errors.push(userError(UserErrorCode.VALIDATION, `fieldWinners[${i}] takes ${w.field} from a lead that is neither the target nor a source`,
          ['input', 'fieldWinners', String(i), 'fromLeadId']));
      } else if (from !== targetId) {
        winners.set(w.field, from);
      }
      seen.add(w.field);
    });
    return { plan: { targetId, sourceIds, winners, dryRun }, errors };
  }

  /** `SELECT … FOR UPDATE` of every lead of the call in one statement, in id order. */
  private async lockLeads(em: EntityManager, ids: string[]): Promise<Map<string, LeadRecord>> {
    const valid = ids.filter(isUuid).sort();
    if (!valid.length) return new Map();
    const leads = await readRecords(em, Lead, (qb) => qb.where({ id: { $in: valid } }).orderBy({ id: QueryOrder.ASC }).setLockMode(LockMode.PESSIMISTIC_WRITE));
    return new Map(leads.map((l) => [l.id, l]));
  }

  /** NOT_FOUND (missing or invisible), FORBIDDEN (not writable), LEAD_NOT_OPEN, in that order. */
  private checkLead(id: string, lead: LeadRecord | undefined, field: string[]): UserError | null {
    if (!lead || !canReadLead(this.actor, lead)) return userError(UserErrorCode.NOT_FOUND, 'Lead not found', field);
    if (!canWriteLead(this.actor, lead)) return userError(UserErrorCode.FORBIDDEN, 'You may merge only the leads you own', field);
    if (lead.state !== LeadState.OPEN) {
      return userError(UserErrorCode.LEAD_NOT_OPEN, `The lead is ${lead.state}; only OPEN leads can be merged`, field);
    }
    return null;
  }

  /**
   * The target's new values: each winner's properties from its source, and the timeline
   * columns of the merged timeline. Those columns are kept current on every lead (under its
   * row lock, which this call holds), so the merged timeline's newest activity and earliest
   * open due date are the latest and earliest of the merged leads' own.
   */
  private mergedTarget(target: LeadRecord, sources: LeadRecord[], plan: MergePlan, locked: Map<string, LeadRecord>): Partial<LeadRecord> {
    const merged: Record<string, unknown> = {};
    for (const [field, from] of plan.winners) {
      const source = locked.get(from)!;
      for (const prop of MERGE_FIELDS[field]) merged[prop] = source[prop] ?? null;
    }
    const all = [target, ...sources];
    merged.lastActivityAt = latest(all.map((l) => l.lastActivityAt));
    merged.nextFollowUpAt = earliest(all.map((l) => l.nextFollowUpAt));
    return merged as Partial<LeadRecord>;
  }

  /**
   * The stakeholder rows that move: per contact the row of the first source (in sourceIds
   * order) that has it, unless the target has the contact already. The others stay on their
   * source, which keeps the record of them.
   */
  private movesSql(em: EntityManager, plan: MergePlan): { src: string; winners: string; target: string } {
    const s = sqlNames(em, Stakeholder);
    const [id, lead, contact] = [s.column('id'), s.column('lead'), s.column('contact')];
    const target = `'${plan.targetId}'::uuid`;
    return {
      target,
      src: `src as (select x::uuid as id, pos from jsonb_array_elements_text(${jsonLiteral(plan.sourceIds)}) with ordinality as s(x, pos))`,
      winners: `winners as (
        select distinct on (s.${contact}) s.${id} as id from ${s.table} s join src on s.${lead} = src.id
        where not exists (select 1 from ${s.table} t where t.${lead} = ${target} and t.${contact} = s.${contact})
        order by s.${contact}, src.pos)`,
    };
  }

  /**
   * Moves the sources' notes, attachments, activities and the winning stakeholders to the
   * target in one statement (data-modifying CTEs), whatever their number; returns the counts.
   */
  private async moveChildren(em: EntityManager, plan: MergePlan): Promise<Moved> {
    const { src, winners, target } = this.movesSql(em, plan);
    const move = (name: string, table: { table: string; column(p: 'lead' | 'id'): string }, where: string) =>
      `${name} as (update ${table.table} set ${table.column('lead')} = ${target} where ${where} returning 1)`;
    const [n, a, act, s] = [sqlNames(em, Note), sqlNames(em, Attachment), sqlNames(em, Activity), sqlNames(em, Stakeholder)];
    const [row] = await em.execute<{ notes: number; activities: number; stakeholders: number }[]>(
      `with ${src}, ${winners},
       ${move('n', n, `${n.column('lead')} in (select id from src)`)},
       ${move('a', a, `${a.column('lead')} in (select id from src)`)},
       ${move('act', act, `${act.column('lead')} in (select id from src)`)},
       ${move('st', s, `${s.column('id')} in (select id from winners)`)}
       select (select count(*) from n)::int as notes, (select count(*) from act)::int as activities,
              (select count(*) from st)::int as stakeholders`);
    return row;
  }

  /** What {@link moveChildren} would move, counted in one statement, for a dry run. */
  private async countMoves(em: EntityManager, plan: MergePlan): Promise<Moved> {
    const { src, winners } = this.movesSql(em, plan);
    const [n, act] = [sqlNames(em, Note), sqlNames(em, Activity)];
    const [row] = await em.execute<Moved[]>(
      `with ${src}, ${winners}
       select (select count(*) from ${n.table} where ${n.column('lead')} in (select id from src))::int as notes,
              (select count(*) from ${act.table} where ${act.column('lead')} in (select id from src))::int as activities,
              (select count(*) from winners)::int as stakeholders`);
    return row;
  }

  /**
   * The leads' version-and-history steps: the target takes the merged values (MERGED: the
   * fields that changed, and the merged leads' ids); each source becomes DISQUALIFIED/CANCELED
   * with mergedInto = target and an empty timeline (MERGED_INTO). Records are updated in memory
   * to what was stored, for the response.
   */
  private async write(em: EntityManager, target: LeadRecord, sources: LeadRecord[], merged: Partial<LeadRecord>, plan: MergePlan, now: Date): Promise<void> {
    const targetChanges = [
      ...diffSnapshots(leadSnapshot(target), leadSnapshot({ ...target, ...merged } as LeadRecord)),
      fieldChange('mergedLeadIds', null, plan.sourceIds.join(',')),
    ];
    const targetVersions = await recordLeadChanges(em, this.actor, 'MERGED', now, [{ lead: target, set: merged, changes: targetChanges }]);
    const closed: Partial<LeadRecord> = {
      state: LeadState.DISQUALIFIED, statusReason: LeadStatusReason.CANCELED, mergedInto: { id: target.id },
      lastActivityAt: null, nextFollowUpAt: null,
    };
    await recordLeadChanges(em, this.actor, 'MERGED_INTO', now, sources.map((source) => ({
      lead: source, set: closed,
      changes: [...diffSnapshots(leadSnapshot(source), leadSnapshot({ ...source, ...closed })), fieldChange('mergedInto', null, target.id)],
    })));
    Object.assign(target, merged, { version: targetVersions.get(target.id), updatedAt: now });
  }
}
