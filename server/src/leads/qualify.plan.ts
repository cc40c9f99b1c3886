import Decimal from 'decimal.js';
import { normaliseCompanyName, type Account } from '../accounts/account.entity';
import { DuplicateHandling, LeadState, UserErrorCode } from '../common/enums';
import { userError, type UserError } from '../common/errors';
import { isUuid } from '../common/ids';
import type { Contact } from '../contacts/contact.entity';
import type { Currency } from '../currencies/currency.entity';
import type { EntityRecord } from '../db/bulk';
import type { Opportunity } from '../opportunities/opportunity.entity';
import type { User } from '../users/user.entity';
import { canReadLead, canWriteLead, mayOwnLeads } from '../access/policy';
import type { Lead } from './lead.entity';
import type { Override, QualifyOptions } from './qualify.inputs';

/** Enough precision that dividing by a 10-decimal rate never rounds before the cent does. */
const Exact = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP });
const MAX_VALUE = new Exact('1000000000000');

/** Qualify reads and writes plain records, not managed entities (see `db/bulk.ts`). */
export type LeadRecord = EntityRecord<Lead>;
export type AccountRecord = EntityRecord<Account>;
export type ContactRecord = EntityRecord<Contact>;
export type OpportunityRecord = EntityRecord<Opportunity>;
export type CurrencyRecord = EntityRecord<Currency>;
export type UserRecord = EntityRecord<User>;

/** An account or contact that qualifying will create; leads of one call may share it. */
export interface NewRecord { lead: LeadRecord; key: string | null }
export type Choice<T> = { existing: T; created?: undefined } | { existing?: undefined; created: NewRecord };

/** What qualifying one lead does, decided before anything is written. */
export interface LeadPlan {
  index: number;
  lead: LeadRecord;
  account: Choice<AccountRecord> | null;
  contact: Choice<ContactRecord> | null;
  /**
   * An opportunity this lead produced before being reactivated is reused (one per lead, ever),
   * its currency and value brought up to date; otherwise one is created with this value.
   */
  opportunity: { existing: OpportunityRecord; estimatedValue: string | null } | { existing?: undefined; estimatedValue: string | null } | null;
  /** The call's override for this lead, if any. */
  override: Override | null;
  /** True when this lead creates (rather than links) its account / contact. */
  accountCreated: boolean;
  contactCreated: boolean;
}

export interface Outcome { index: number; leadId: string; lead: LeadRecord | null; plan: LeadPlan | null; errors: UserError[] }

/** Records that exist already, read under the locks. Maps by name/email hold the oldest match. */
export interface Existing {
  accountsById: Map<string, AccountRecord>;
  accountsByName: Map<string, AccountRecord>;
  contactsById: Map<string, ContactRecord>;
  contactsByEmail: Map<string, ContactRecord>;
  opportunityByLead: Map<string, OpportunityRecord>;
  /** The users overrides name as opportunity owners. */
  usersById: Map<string, UserRecord>;
}

export const accountKey = (lead: Pick<LeadRecord, 'companyName'>) => (lead.companyName?.trim() ? normaliseCompanyName(lead.companyName) : null);
export const contactKey = (lead: Pick<LeadRecord, 'email'>) => (lead.email?.trim() ? lead.email.trim().toLowerCase() : null);

/**
 * The fields of the Qualify stage of the lead-to-opportunity process still empty, by name, in
 * the stage's order: purchase timeframe, budget (an amount), purchase process, decision maker
 * identified (must be true) and description (the summary).
 */
export function missingQualifyFields(lead: Pick<LeadRecord, 'purchaseTimeframe' | 'budgetAmount' | 'purchaseProcess' | 'decisionMakerIdentified' | 'description'>): string[] {
  const missing: string[] = [];
  if (lead.purchaseTimeframe == null) missing.push('purchaseTimeframe');
  if (lead.budgetAmount == null) missing.push('budget');
  if (lead.purchaseProcess == null) missing.push('purchaseProcess');
  if (lead.decisionMakerIdentified !== true) missing.push('decisionMakerIdentified');
  if (lead.description == null || lead.description.trim() === '') missing.push('description');
  return missing;
}

/** `amount` in `from` expressed in `to`: amount / rate(from) × rate(to), half-up to the cent. */
export function convert(amount: string, from: CurrencyRecord, to: CurrencyRecord): Decimal {
  return new Exact(amount).times(to.exchangeRate).div(from.exchangeRate).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/**
 * The access and state checks of one id: NOT_FOUND (missing, not a UUID or not visible),
 * FORBIDDEN (visible, not writable), LEAD_NOT_OPEN.
 */
export function checkLead(actor: User, id: string, lead: LeadRecord | undefined, field: string[]): { lead: LeadRecord | null; error?: UserError } {
  if (!isUuid(id) || !lead || !canReadLead(actor, lead)) return { lead: null, error: userError(UserErrorCode.NOT_FOUND, 'Lead not found', field) };
  if (!canWriteLead(actor, lead)) return { lead, error: userError(UserErrorCode.FORBIDDEN, 'You may qualify only the leads you own', field) };
  if (lead.state !== LeadState.OPEN) {
    return { lead, error: userError(UserErrorCode.LEAD_NOT_OPEN, `The lead is ${lead.state}; only an OPEN lead can be qualified`, field) };
  }
  return { lead };
}

/**
 * Decides every lead of a call as if they were qualified one after another in input order:
 * a record created for an earlier lead is a duplicate (LINK_EXISTING links it, FAIL refuses)
 * for a later one. A failing lead leaves nothing behind for the leads after it.
 */
export function planQualification(
  input: QualifyOptions, checked: Outcome[], existing: Existing, currencies: Map<string, CurrencyRecord>,
): Outcome[] {
  const mode = input.duplicateHandling;
  const target = currencies.get(input.currencyCode)!;
  const newAccounts = new Map<string, NewRecord>();
  const newContacts = new Map<string, NewRecord>();

  return checked.map((o) => {
    if (o.errors.length || !o.lead) return o;
    const lead = o.lead;
    const field = ['input', 'leadIds', String(o.index)];
    const errors: UserError[] = [];
    const override = input.overrides.get(lead.id) ?? null;

    // The override's references, then the Qualify stage: a lead failing either claims nothing.
    if (override) {
      const at = (name: string) => ['input', 'overrides', String(override.index), name];
      if (override.accountId && !existing.accountsById.has(override.accountId)) errors.push(userError(UserErrorCode.NOT_FOUND, 'Account not found', at('accountId')));
      if (override.contactId && !existing.contactsById.has(override.contactId)) errors.push(userError(UserErrorCode.NOT_FOUND, 'Contact not found', at('contactId')));
      if (override.opportunityOwnerId) {
        const owner = existing.usersById.get(override.opportunityOwnerId);
        if (!owner) errors.push(userError(UserErrorCode.NOT_FOUND, 'User not found', at('opportunityOwnerId')));
        else if (!mayOwnLeads(owner)) errors.push(userError(UserErrorCode.VALIDATION, 'A PARTNER cannot own an opportunity', at('opportunityOwnerId')));
      }
    }
    if (!errors.length && input.requireCompleteChecklist) {
      const missing = missingQualifyFields(lead);
      if (missing.length) {
        errors.push(userError(UserErrorCode.STAGE_INCOMPLETE, `The Qualify stage is incomplete; missing: ${missing.join(', ')}`, field));
      }
    }
    if (errors.length) return { ...o, errors };

    const pickAccount = (): { choice: Choice<AccountRecord> | null; created: boolean; claim?: NewRecord } => {
      const known = existing.accountsById.get(override?.accountId ?? '') ?? existing.accountsById.get(lead.existingAccount?.id ?? '')
        ?? existing.accountsById.get(lead.account?.id ?? '');
      if (known) return { choice: { existing: known }, created: false };
      const key = accountKey(lead);
      if (!input.createAccount || !key) return { choice: null, created: false };
      if (mode !== DuplicateHandling.CREATE_NEW) {
        const dup = existing.accountsByName.get(key);
        const pending = newAccounts.get(key);
        if (mode === DuplicateHandling.FAIL && (dup || pending)) {
          errors.push(userError(UserErrorCode.DUPLICATE_RECORD, `An account named like "${lead.companyName}" exists${dup ? ` (${dup.id})` : ' (created for an earlier lead of this call)'}`, field));
          return { choice: null, created: false };
        }
        if (dup) return { choice: { existing: dup }, created: false };
        if (pending) return { choice: { created: pending }, created: false };
      }
      const created = { lead, key };
      return { choice: { created }, created: true, claim: created };
    };

    const pickContact = (): { choice: Choice<ContactRecord> | null; created: boolean; claim?: NewRecord } => {
      const known = existing.contactsById.get(override?.contactId ?? '') ?? existing.contactsById.get(lead.existingContact?.id ?? '')
        ?? existing.contactsById.get(lead.contact?.id ?? '');
      if (known) return { choice: { existing: known }, created: false };
      if (!input.createContact) return { choice: null, created: false };
      const key = contactKey(lead);
      if (key && mode !== DuplicateHandling.CREATE_NEW) {
        const dup = existing.contactsByEmail.get(key);
        const pending = newContacts.get(key);
        if (mode === DuplicateHandling.FAIL && (dup || pending)) {
          errors.push(userError(UserErrorCode.DUPLICATE_RECORD, `A contact with the email ${lead.email} exists${dup ? ` (${dup.id})` : ' (created for an earlier lead of this call)'}`, field));
          return { choice: null, created: false };
        }
        if (dup) return { choice: { existing: dup }, created: false };
        if (pending) return { choice: { created: pending }, created: false };
      }
      const created = { lead, key };
      return { choice: { created }, created: true, claim: key ? created : undefined };
    };

    const account = pickAccount();
    const contact = pickContact();
    let opportunity: LeadPlan['opportunity'] = null;
    if (input.createOpportunity) {
      const budget = lead.budgetAmount != null && lead.budgetCurrency ? currencies.get(lead.budgetCurrency.code) : undefined;
      const value = budget ? convert(lead.budgetAmount!, budget, target) : null;
      if (value && value.gt(MAX_VALUE)) {
        errors.push(userError(UserErrorCode.VALIDATION, `The budget converted to ${target.code} is ${value.toFixed(2)}, over the 1000000000000 an opportunity can hold`, field));
      }
      const estimatedValue = value ? value.toFixed(2) : null;
      const earlier = existing.opportunityByLead.get(lead.id);
      opportunity = earlier ? { existing: earlier, estimatedValue } : { estimatedValue };
    }
    if (errors.length) return { ...o, errors };

    if (account.claim?.key) newAccounts.set(account.claim.key, account.claim);
    if (contact.claim?.key) newContacts.set(contact.claim.key, contact.claim);
    const plan: LeadPlan = {
      index: o.index, lead, account: account.choice, contact: contact.choice, opportunity, override,
      accountCreated: account.created, contactCreated: contact.created,
    };
    return { ...o, plan };
  });
}

/**
 * With allOrNone, a lead that would have succeeded carries the first failure as its reason,
 * pointing at the lead that failed.
 */
export function failTogether(outcomes: Outcome[]): Outcome[] {
  const first = outcomes.find((o) => o.errors.length);
  if (!first) return outcomes;
  const cause = first.errors[0];
  return outcomes.map((o) => (o.errors.length ? o : {
    ...o, plan: null,
    errors: [userError(cause.code, `Not qualified: leadIds[${first.index}] failed with ${cause.code} and allOrNone is set`, ['input', 'leadIds', String(first.index)])],
  }));
}
