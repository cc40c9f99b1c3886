import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { canReadLead, canWriteLead, defaultLeadSource, mayOwnLeads } from '../access/policy';
import { Account } from '../accounts/account.entity';
import { diffSnapshots, fieldChange, recordAudit } from '../audit/audit.service';
import { Contact } from '../contacts/contact.entity';
import { Currency } from '../currencies/currency.entity';
import { DuplicateCheck, LeadState, UserErrorCode } from '../common/enums';
import { userError, type UserError } from '../common/errors';
import { isUuid, normaliseId } from '../common/ids';
import { validateInput } from '../common/validation';
import { User } from '../users/user.entity';
import { lockOpenLeadForChange } from './lead.access';
import { checkLeadReferences } from './lead.references';
import { leadValues } from './lead.values';
import { findDuplicates, lockDuplicateKeys, type DuplicateHit } from './lead.duplicates';
import { recordLeadChange } from './lead.changes';
import { leadSnapshot } from './lead.audit';
import { Lead } from './lead.entity';
import type { AssignLeadsInput, CreateLeadInput, LeadFieldsInput, SetLeadStatusInput, UpdateLeadInput } from './lead.inputs';

export interface LeadResult { lead: Lead | null; userErrors: UserError[] }
export interface CreateLeadResult extends LeadResult { duplicates: DuplicateHit[] }
export interface LeadsResult { leads: Lead[]; userErrors: UserError[] }

/** The lead commands: each is one transaction, with its audit entry written inside it. */
export class LeadService {
  constructor(private readonly em: EntityManager, private readonly actor: User) {}

  /**
   * Creates a lead, after looking for the OPEN leads visible to the caller that it duplicates
   * (unless `duplicateCheck` is OFF): WARN creates it and reports them, FAIL creates nothing and
   * answers DUPLICATE_RECORD. Creates that share an email or a phone wait for each other (see
   * {@link lockDuplicateKeys}), so that the second of two racing creates sees the first.
   */
  async createLead(input: CreateLeadInput): Promise<CreateLeadResult> {
    const errors = await validateInput(input);
    if (errors.length) return { lead: null, duplicates: [], userErrors: errors };
    const actor = this.actor;
    const check = input.duplicateCheck ?? DuplicateCheck.WARN;
    return this.em.transactional(async (em) => {
      const ownerId = input.ownerId ?? actor.id;
      const refs = await this.resolveReferences(em, input, ownerId);
      if (refs.length) return { lead: null, duplicates: [], userErrors: refs };
      let duplicates: DuplicateHit[] = [];
      if (check !== DuplicateCheck.OFF) {
        await lockDuplicateKeys(em, [input]);
        duplicates = await findDuplicates(em, actor, input);
        if (check === DuplicateCheck.FAIL && duplicates.length) {
          return { lead: null, duplicates, userErrors: [userError(UserErrorCode.DUPLICATE_RECORD,
            `${duplicates.length === 1 ? 'A lead' : `${duplicates.length} leads`} like this one exist${duplicates.length === 1 ? 's' : ''} (${duplicates.map((d) => `${d.leadId}: ${d.rule}`).join(', ')}); nothing was created`,
            ['input', 'duplicateCheck'])] };
        }
      }
      const lead = em.create(Lead, {
        topic: input.topic.trim(),
        lastName: input.lastName.trim(),
        owner: em.getReference(User, ownerId),
        createdBy: em.getReference(User, actor.id),
      });
      this.apply(em, lead, input);
      // A partner's lead comes from that partner unless it says otherwise; null is not otherwise.
      lead.source ??= defaultLeadSource(actor);
      recordAudit(em, {
        entityType: 'Lead', entityId: lead.id, action: 'CREATED', actor,
        changes: diffSnapshots(null, leadSnapshot(lead)), at: lead.createdAt,
      });
      await em.flush();
      return { lead, duplicates, userErrors: [] };
    });
  }

  async updateLead(input: UpdateLeadInput): Promise<LeadResult> {
    const errors = await validateInput(input);
    if (errors.length) return { lead: null, userErrors: errors };
    const actor = this.actor;
    return this.em.transactional(async (em) => {
      const found = await lockOpenLeadForChange(em, actor, input.id, input.expectedVersion, 'changing it');
      if (found.error) return { lead: null, userErrors: [found.error] };
      const lead = found.lead;
      const refs = await this.resolveReferences(em, input, input.ownerId ?? undefined);
      if (refs.length) return { lead: null, userErrors: refs };
      const before = leadSnapshot(lead);
      if (input.topic != null) lead.topic = input.topic.trim();
      if (input.lastName != null) lead.lastName = input.lastName.trim();
      this.apply(em, lead, input);
      const changes = diffSnapshots(before, leadSnapshot(lead));
      if (changes.length > 0) {
        recordLeadChange(em, actor, lead, 'UPDATED', changes);
        await em.flush();
      }
      return { lead, userErrors: [] };
    });
  }

  /**
   * Moves an OPEN lead between NEW and CONTACTED, through the version-and-history step
   * (STATUS_CHANGED). Checks: input, NOT_FOUND, FORBIDDEN, VERSION_CONFLICT, LEAD_NOT_OPEN. The
   * status it already has changes nothing and writes nothing.
   */
  async setLeadStatus(input: SetLeadStatusInput): Promise<LeadResult> {
    const errors = await validateInput(input);
    if (errors.length) return { lead: null, userErrors: errors };
    const actor = this.actor;
    return this.em.transactional(async (em) => {
      const found = await lockOpenLeadForChange(em, actor, input.id, input.expectedVersion, 'changing its status');
      if (found.error) return { lead: null, userErrors: [found.error] };
      const lead = found.lead;
      if (lead.statusReason === input.statusReason) return { lead, userErrors: [] };
      const old = lead.statusReason;
      lead.statusReason = input.statusReason;
      recordLeadChange(em, actor, lead, 'STATUS_CHANGED', [fieldChange('statusReason', old, input.statusReason)]);
      await em.flush();
      return { lead, userErrors: [] };
    });
  }

  /**
   * Gives leads a new owner. All or nothing: when any lead cannot be assigned, none is, and
   * each failure is reported with its index in `leadIds`.
   */
  async assignLeads(input: AssignLeadsInput): Promise<LeadsResult> {
    const errors = await validateInput(input);
    if (errors.length) return { leads: [], userErrors: errors };
    const actor = this.actor;
    return this.em.transactional(async (em) => {
      const owner = isUuid(input.ownerId) ? await em.findOne(User, input.ownerId) : null;
      if (!owner) return { leads: [], userErrors: [userError(UserErrorCode.NOT_FOUND, 'User not found', ['input', 'ownerId'])] };
      if (!mayOwnLeads(owner)) {
        return { leads: [], userErrors: [userError(UserErrorCode.VALIDATION, 'Leads cannot be assigned to a PARTNER', ['input', 'ownerId'])] };
      }
      const given = input.leadIds.map(normaliseId);
      const ids = [...new Set(given)];
      const valid = ids.filter(isUuid).sort();
      // Locked in id order, so that two overlapping calls cannot deadlock.
      const locked = valid.length
        ? await em.find(Lead, { id: { $in: valid } }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' }, refresh: true })
        : [];
      const byId = new Map(locked.map((l) => [l.id, l]));
      const userErrors: UserError[] = [];
      given.forEach((id, i) => {
        const lead = byId.get(id);
        const field = ['input', 'leadIds', String(i)];
        if (!lead || !canReadLead(actor, lead)) userErrors.push(userError(UserErrorCode.NOT_FOUND, 'Lead not found', field));
        else if (!canWriteLead(actor, lead)) {
          userErrors.push(userError(UserErrorCode.FORBIDDEN, 'You may assign only the leads you own', field));
        } else if (lead.state !== LeadState.OPEN) {
          userErrors.push(userError(UserErrorCode.LEAD_NOT_OPEN, `The lead is ${lead.state}; reactivate it before assigning it`, field));
        }
      });
      if (userErrors.length) return { leads: [], userErrors };
      for (const lead of locked) {
        if (lead.owner.id === owner.id) continue;
        const old = lead.owner.id;
        lead.owner = em.getReference(User, owner.id, { wrapped: true });
        recordLeadChange(em, actor, lead, 'ASSIGNED', [fieldChange('ownerId', old, owner.id)]);
      }
      await em.flush();
      return { leads: ids.map((id) => byId.get(id)!), userErrors: [] };
    });
  }

  /** Checks the ids and codes an input refers to; each unknown one is a userError. */
  private async resolveReferences(em: EntityManager, input: LeadFieldsInput, ownerId: string | undefined): Promise<UserError[]> {
    return (await checkLeadReferences(em, this.actor, [{ input, ownerId, path: ['input'] }]))[0];
  }

  /** Copies the given optional fields onto the lead (see {@link leadValues}); null clears, undefined leaves alone. */
  private apply(em: EntityManager, lead: Lead, input: LeadFieldsInput): void {
    const { budgetCurrency, existingAccount, existingContact, owner, ...plain } = leadValues(input);
    Object.assign(lead, plain);
    if (budgetCurrency !== undefined) lead.budgetCurrency = budgetCurrency ? em.getReference(Currency, budgetCurrency.code, { wrapped: true }) : null;
    if (existingAccount !== undefined) lead.existingAccount = existingAccount ? em.getReference(Account, existingAccount.id, { wrapped: true }) : null;
    if (existingContact !== undefined) lead.existingContact = existingContact ? em.getReference(Contact, existingContact.id, { wrapped: true }) : null;
    if (owner) lead.owner = em.getReference(User, owner.id, { wrapped: true });
  }
}
