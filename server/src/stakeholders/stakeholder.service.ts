import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { fieldChange } from '../audit/audit.service';
import { LeadState, StakeholderRole, UserErrorCode } from '../common/enums';
import { userError, type UserError } from '../common/errors';
import { isUuid } from '../common/ids';
import { validateInput } from '../common/validation';
import { Contact } from '../contacts/contact.entity';
import { buildContact } from '../contacts/contact.service';
import { lockLeadForWrite } from '../leads/lead.access';
import type { Lead } from '../leads/lead.entity';
import { recordLeadChange } from '../leads/lead.changes';
import type { User } from '../users/user.entity';
import type { AddStakeholderInput, RemoveStakeholderInput, UpdateStakeholderRoleInput } from './stakeholder.inputs';
import { Stakeholder } from './stakeholder.entity';

const duplicate = (field: string[]) =>
  userError(UserErrorCode.DUPLICATE_STAKEHOLDER, 'This contact is already a stakeholder of the lead', field);

const notOpen = (lead: Lead, field: string[]) =>
  userError(UserErrorCode.LEAD_NOT_OPEN, `The lead is ${lead.state}; stakeholders change only while it is OPEN`, field);

type Found = { stakeholder: Stakeholder; lead: Lead; error?: undefined } | { stakeholder?: undefined; lead?: undefined; error: UserError };

/**
 * The stakeholders of a lead. Every command locks the lead first, so that commands on one lead
 * run one after another; the unique (lead, contact) constraint is the last line against a
 * duplicate and is reported as DUPLICATE_STAKEHOLDER too.
 */
export class StakeholderService {
  constructor(private readonly em: EntityManager, private readonly actor: User) {}

  async addStakeholder(input: AddStakeholderInput): Promise<{ stakeholder: Stakeholder | null; lead: Lead | null; userErrors: UserError[] }> {
    const fail = (userErrors: UserError[]) => ({ stakeholder: null, lead: null, userErrors });
    const invalid = await validateInput(input);
    if (invalid.length) return fail(invalid);
    const hasId = input.contactId != null;
    const hasNew = input.newContact != null;
    if (hasId === hasNew) {
      return fail([userError(UserErrorCode.VALIDATION, hasId
        ? 'Give either contactId or newContact, not both'
        : 'Give contactId (an existing contact) or newContact (one to create)', ['input', hasId ? 'newContact' : 'contactId'])]);
    }
    try {
      return await this.em.transactional(async (em) => {
        const found = await lockLeadForWrite(em, this.actor, input.leadId, ['input', 'leadId']);
        if (found.error) return fail([found.error]);
        const lead = found.lead;
        if (lead.state !== LeadState.OPEN) return fail([notOpen(lead, ['input', 'leadId'])]);
        let contact: Contact | null;
        if (hasId) {
          contact = isUuid(input.contactId) ? await em.findOne(Contact, { id: input.contactId }) : null;
          if (!contact) return fail([userError(UserErrorCode.NOT_FOUND, 'Contact not found', ['input', 'contactId'])]);
          if (await em.count(Stakeholder, { lead: lead.id, contact: contact.id })) return fail([duplicate(['input', 'contactId'])]);
        } else {
          const built = await buildContact(em, this.actor, input.newContact!, ['input', 'newContact']);
          if (!built.contact) return fail(built.userErrors);
          contact = built.contact;
        }
        const stakeholder = em.create(Stakeholder, { lead, contact, role: input.role ?? StakeholderRole.STAKEHOLDER });
        recordLeadChange(em, this.actor, lead, 'STAKEHOLDER_ADDED', [
          fieldChange('stakeholderId', null, stakeholder.id), fieldChange('contactId', null, contact.id), fieldChange('role', null, stakeholder.role),
        ]);
        await em.flush();
        return { stakeholder, lead, userErrors: [] };
      });
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException && err.message.includes('stakeholder_lead_contact_unique')) {
        return fail([duplicate(['input', 'contactId'])]);
      }
      throw err;
    }
  }

  async updateStakeholderRole(input: UpdateStakeholderRoleInput): Promise<{ stakeholder: Stakeholder | null; userErrors: UserError[] }> {
    const invalid = await validateInput(input);
    if (invalid.length) return { stakeholder: null, userErrors: invalid };
    return this.em.transactional(async (em) => {
      const found = await this.lockStakeholder(em, input.stakeholderId);
      if (found.error) return { stakeholder: null, userErrors: [found.error] };
      const { stakeholder, lead } = found;
      if (stakeholder.role !== input.role) {
        const old = stakeholder.role;
        stakeholder.role = input.role;
        recordLeadChange(em, this.actor, lead, 'STAKEHOLDER_ROLE_CHANGED', [
          fieldChange('stakeholderId', stakeholder.id, stakeholder.id), fieldChange('contactId', stakeholder.contact.id, stakeholder.contact.id),
          fieldChange('role', old, input.role),
        ]);
        await em.flush();
      }
      return { stakeholder, userErrors: [] };
    });
  }

  async removeStakeholder(input: RemoveStakeholderInput): Promise<{ removedStakeholderId: string | null; userErrors: UserError[] }> {
    return this.em.transactional(async (em) => {
      const found = await this.lockStakeholder(em, input.stakeholderId);
      if (found.error) return { removedStakeholderId: null, userErrors: [found.error] };
      const { stakeholder, lead } = found;
      recordLeadChange(em, this.actor, lead, 'STAKEHOLDER_REMOVED', [
        fieldChange('stakeholderId', stakeholder.id, null), fieldChange('contactId', stakeholder.contact.id, null), fieldChange('role', stakeholder.role, null),
      ]);
      em.remove(stakeholder);
      await em.flush();
      return { removedStakeholderId: stakeholder.id, userErrors: [] };
    });
  }

  /**
   * A lead's stakeholder, with its lead locked, writable by the caller and OPEN. The row is read
   * again under the lock: a concurrent remove makes it NOT_FOUND. Stakeholders copied to an
   * opportunity are not a lead's and are NOT_FOUND here.
   */
  private async lockStakeholder(em: EntityManager, id: string): Promise<Found> {
    const field = ['input', 'stakeholderId'];
    const missing = { error: userError(UserErrorCode.NOT_FOUND, 'Stakeholder not found', field) };
    const first = isUuid(id) ? await em.findOne(Stakeholder, { id }) : null;
    if (!first?.lead) return missing;
    const found = await lockLeadForWrite(em, this.actor, first.lead.id, field);
    if (found.error) return { error: found.error };
    const stakeholder = await em.findOne(Stakeholder, { id }, { refresh: true });
    if (!stakeholder) return missing;
    if (found.lead.state !== LeadState.OPEN) return { error: notOpen(found.lead, field) };
    return { stakeholder, lead: found.lead };
  }
}
