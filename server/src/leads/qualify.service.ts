import { randomUUID } from 'node:crypto';
import { LockMode, QueryOrder, raw, type EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Account } from '../accounts/account.entity';
import { diffSnapshots } from '../audit/audit.service';
import { DuplicateHandling, LeadState, LeadStatusReason, OpportunityState, SalesStage, UserErrorCode } from '../common/enums';
import { userError, type UserError } from '../common/errors';
import { isUuid, normaliseId } from '../common/ids';
import { validateInput } from '../common/validation';
import { Contact } from '../contacts/contact.entity';
import { Currency } from '../currencies/currency.entity';
import { batch, insertRecords, jsonLiteral, newRecord, readRecords, recordset, sqlNames } from '../db/bulk';
import { Opportunity } from '../opportunities/opportunity.entity';
import { Stakeholder } from '../stakeholders/stakeholder.entity';
import { User } from '../users/user.entity';
import { leadSnapshot } from './lead.audit';
import { recordLeadChanges, type LeadStep } from './lead.changes';
import { Lead } from './lead.entity';
import { qualifyOptions, type QualifyLeadsInput, type QualifyOptions } from './qualify.inputs';
import { QualifyLeadResult, QualifyLeadsPayload } from './qualify.payloads';
import {
  accountKey, checkLead, contactKey, failTogether, planQualification,
  type AccountRecord, type ContactRecord, type Existing, type LeadPlan, type LeadRecord, type NewRecord, type OpportunityRecord, type Outcome,
} from './qualify.plan';

/** The lead's address, as the account and contact made from it store it. */
const addressColumns = (lead: LeadRecord) => ({
  addressLine1: lead.addressLine1, addressLine2: lead.addressLine2, addressCity: lead.addressCity,
  addressStateOrProvince: lead.addressStateOrProvince, addressPostalCode: lead.addressPostalCode, addressCountry: lead.addressCountry,
});

const refused = (userErrors: UserError[]): QualifyLeadsPayload =>
  Object.assign(new QualifyLeadsPayload(), { results: [], qualifiedCount: 0, failedCount: 0, userErrors });

/** Every index of `ids` that repeats an earlier one. */
function repeatedIndexes(ids: string[]): number[] {
  const seen = new Set<string>();
  return ids.flatMap((id, i) => (seen.has(id) ? [i] : (seen.add(id), [])));
}

/** What a call wrote, for its results: the records it created. */
interface Written {
  accounts: Map<NewRecord, AccountRecord>;
  contacts: Map<NewRecord, ContactRecord>;
  /** By lead id: the opportunity created, or the one reused. */
  opportunities: Map<string, OpportunityRecord>;
}

/**
 * qualifyLeads: one transaction for the whole call, with a number of statements that does not
 * depend on how many leads it names. The leads are locked in one statement in id order (two bulk
 * calls cannot deadlock) and read under the lock, so a lead that another call qualified
 * meanwhile is LEAD_NOT_OPEN here. Every per-lead failure is decided in memory before anything
 * is written, so a failing lead writes nothing.
 *
 * Nothing goes through the unit of work: leads, accounts, contacts and opportunities are read
 * and written as plain records (`db/bulk.ts`), one statement per table, and the results are
 * those records — as written, with relations as `{ id }`. Thousands of managed entities would
 * cost several times the statements themselves.
 */
export class QualifyService {
  constructor(private readonly em: EntityManager, private readonly actor: User) {}

  async qualifyLeads(raw: QualifyLeadsInput): Promise<QualifyLeadsPayload> {
    const invalid = await validateInput(raw);
    if (invalid.length) return refused(invalid);
    const input = qualifyOptions(raw);
    const repeated = repeatedIndexes(input.leadIds);
    if (repeated.length) {
      return refused(repeated.map((i) => userError(UserErrorCode.VALIDATION,
        `leadIds[${i}] repeats an earlier id; name each lead once`, ['input', 'leadIds', String(i)])));
    }
    const overrideErrors = this.checkOverrides(raw, input);
    if (overrideErrors.length) return refused(overrideErrors);
    return this.em.transactional(async (em) => {
      const currencies = new Map((await readRecords(em, Currency, (qb) => qb)).map((c) => [c.code, c]));
      if (!currencies.has(input.currencyCode)) {
        return refused([userError(UserErrorCode.UNKNOWN_CURRENCY, `Unknown currency ${input.currencyCode}; see the currencies query`, ['input', 'currencyCode'])]);
      }
      const locked = await this.lockLeads(em, input.leadIds);
      const checked: Outcome[] = input.leadIds.map((leadId, index) => {
        const { lead, error } = checkLead(this.actor, leadId, locked.get(leadId), ['input', 'leadIds', String(index)]);
        return { index, leadId, lead, plan: null, errors: error ? [error] : [] };
      });
      const candidates = checked.filter((o) => !o.errors.length).map((o) => o.lead!);
      const existing = await this.readExisting(em, input, candidates);
      let outcomes = planQualification(input, checked, existing, currencies);
      if (input.allOrNone) outcomes = failTogether(outcomes);

      const plans = outcomes.flatMap((o) => (o.plan ? [o.plan] : []));
      const written = input.dryRun || !plans.length ? null : await this.write(em, input, plans);
      const results = outcomes.map((o) => this.result(o, written));
      const qualifiedCount = results.filter((r) => !r.userErrors.length).length;
      return Object.assign(new QualifyLeadsPayload(), {
        results, qualifiedCount, failedCount: results.length - qualifiedCount, userErrors: [],
      });
    });
  }

  /** Each override names a lead of the call, and each lead has at most one: VALIDATION otherwise. */
  private checkOverrides(raw: QualifyLeadsInput, input: QualifyOptions): UserError[] {
    const ids = new Set(input.leadIds);
    const overrideIds = (raw.overrides ?? []).map((o) => normaliseId(o.leadId));
    const errors: UserError[] = [];
    overrideIds.forEach((id, i) => {
      const field = ['input', 'overrides', String(i), 'leadId'];
      if (!ids.has(id)) errors.push(userError(UserErrorCode.VALIDATION, `overrides[${i}] names a lead that is not in leadIds`, field));
      else if (overrideIds.indexOf(id) !== i) errors.push(userError(UserErrorCode.VALIDATION, `overrides[${i}] repeats an earlier override's lead; give one override per lead`, field));
    });
    return errors;
  }

  /** `SELECT … FOR UPDATE` of all named leads in one statement, in id order. */
  private async lockLeads(em: EntityManager, ids: string[]): Promise<Map<string, LeadRecord>> {
    const valid = ids.filter(isUuid).sort();
    if (!valid.length) return new Map();
    const leads = await readRecords(em, Lead, (qb) => qb.where({ id: { $in: valid } }).orderBy({ id: QueryOrder.ASC }).setLockMode(LockMode.PESSIMISTIC_WRITE));
    return new Map(leads.map((l) => [l.id, l]));
  }

  /**
   * Reads the accounts, contacts and opportunities the leads could link, one statement per
   * table. Before looking for duplicates by name or email it takes transaction-scoped advisory
   * locks on those keys (in hash order, one statement), so that two calls racing on "Contoso"
   * cannot both find none and both create it.
   */
  private async readExisting(em: EntityManager, input: QualifyOptions, leads: LeadRecord[]): Promise<Existing> {
    const byKey = input.duplicateHandling !== DuplicateHandling.CREATE_NEW;
    const accountIds = new Set<string>();
    const names = new Set<string>();
    const contactIds = new Set<string>();
    const emails = new Set<string>();
    const ownerIds = new Set<string>();
    for (const lead of leads) {
      const override = input.overrides.get(lead.id);
      if (override?.opportunityOwnerId && isUuid(override.opportunityOwnerId)) ownerIds.add(override.opportunityOwnerId);
      // An override's record is linked whatever else matches: nothing is looked up by name or email for it.
      const knownAccount = override?.accountId ?? lead.existingAccount?.id ?? lead.account?.id;
      // (An override's id that is not a UUID names nothing: the lead gets NOT_FOUND.)
      if (knownAccount) { if (isUuid(knownAccount)) accountIds.add(knownAccount); }
      else if (input.createAccount && byKey && accountKey(lead)) names.add(accountKey(lead)!);
      const knownContact = override?.contactId ?? lead.existingContact?.id ?? lead.contact?.id;
      if (knownContact) { if (isUuid(knownContact)) contactIds.add(knownContact); }
      else if (input.createContact && byKey && contactKey(lead)) emails.add(contactKey(lead)!);
    }
    const keys = [...[...names].map((n) => `account:${n}`), ...[...emails].map((e) => `contact:${e}`)];
    if (keys.length) {
      await em.execute(
        `select pg_advisory_xact_lock(h) from (select distinct hashtext(k) as h from jsonb_array_elements_text(${jsonLiteral(keys)}) as k) as x order by h`);
    }
    const oldestFirst = { createdAt: QueryOrder.ASC, id: QueryOrder.ASC } as const;
    const accountWhere = [
      ...(accountIds.size ? [{ id: { $in: [...accountIds] } }] : []),
      ...(names.size ? [{ nameNormalized: { $in: [...names] } }] : []),
    ];
    const accounts = accountWhere.length ? await readRecords(em, Account, (qb) => qb.where({ $or: accountWhere }).orderBy(oldestFirst)) : [];
    const email = sqlNames(em, Contact).column('email');
    const contactWhere = [
      ...(contactIds.size ? [{ id: { $in: [...contactIds] } }] : []),
      ...(emails.size ? [{ [raw((a) => `lower(${a}.${email})`)]: { $in: [...emails] } }] : []),
    ];
    const contacts = contactWhere.length ? await readRecords(em, Contact, (qb) => qb.where({ $or: contactWhere }).orderBy(oldestFirst)) : [];
    const opportunities = input.createOpportunity && leads.length
      ? await readRecords(em, Opportunity, (qb) => qb.where({ originatingLead: { $in: leads.map((l) => l.id) } }))
      : [];

    const users = ownerIds.size ? await readRecords(em, User, (qb) => qb.where({ id: { $in: [...ownerIds] } })) : [];

    const existing: Existing = {
      usersById: new Map(users.map((u) => [u.id, u])),
      accountsById: new Map(accounts.map((a) => [a.id, a])), accountsByName: new Map(),
      contactsById: new Map(contacts.map((c) => [c.id, c])), contactsByEmail: new Map(),
      opportunityByLead: new Map(opportunities.map((o) => [o.originatingLead!.id, o])),
    };
    for (const a of accounts) if (!existing.accountsByName.has(a.nameNormalized)) existing.accountsByName.set(a.nameNormalized, a);
    for (const c of contacts) {
      const key = c.email?.toLowerCase();
      if (key && !existing.contactsByEmail.has(key)) existing.contactsByEmail.set(key, c);
    }
    return existing;
  }

  /**
   * Writes every plan in four statements whatever the number of leads: one insert of all new
   * accounts, contacts and opportunities (a new account already names its primary contact:
   * foreign keys are checked at the end of the statement), the leads' version-and-history step
   * (`recordLeadChanges`: one UPDATE, one INSERT of audit entries) and one `INSERT … SELECT`
   * copying all stakeholders — and, only when existing records were linked, one UPDATE per table
   * giving them their `originatingLead` and a re-read of them. The records are updated in memory
   * to what was stored, for the results.
   */
  private async write(em: EntityManager, input: QualifyOptions, plans: LeadPlan[]): Promise<Written> {
    const now = new Date();
    const written: Written = { accounts: new Map(), contacts: new Map(), opportunities: new Map() };
    const newOpportunities: OpportunityRecord[] = [];
    const reused: Pick<OpportunityRecord, 'id' | 'currency' | 'estimatedValue' | 'updatedAt' | 'name' | 'owner'>[] = [];
    const steps: LeadStep[] = [];
    // A linked record no lead produced yet gets the first lead (in input order) that links it as its origin.
    const origins = { account: new Map<string, string>(), contact: new Map<string, string>() };
    for (const plan of plans) {
      const { lead } = plan;
      const account = plan.account ? plan.account.existing ?? this.newAccount(em, written.accounts, plan.account.created, now) : null;
      const contact = plan.contact ? plan.contact.existing ?? this.newContact(em, written.contacts, plan.contact.created, account, now) : null;
      if (plan.account?.existing && !origins.account.has(plan.account.existing.id)) origins.account.set(plan.account.existing.id, lead.id);
      if (plan.contact?.existing && !origins.contact.has(plan.contact.existing.id)) origins.contact.set(plan.contact.existing.id, lead.id);
      // As in Dynamics, a new account's primary contact is the contact made or linked with it (the first one).
      if (account && contact && plan.account?.created && !account.primaryContact) account.primaryContact = { id: contact.id };
      let opportunity: OpportunityRecord | null = null;
      const override = plan.override;
      const ownerOverride = override?.opportunityOwnerId ? { id: override.opportunityOwnerId } : null;
      if (plan.opportunity?.existing) {
        // Re-qualifying a reactivated lead: its opportunity takes the lead's value in this call's currency.
        opportunity = plan.opportunity.existing;
        reused.push({
          id: opportunity.id, currency: { code: input.currencyCode }, estimatedValue: plan.opportunity.estimatedValue, updatedAt: now,
          name: override?.opportunityName ?? opportunity.name, owner: ownerOverride ?? opportunity.owner,
        });
      } else if (plan.opportunity) {
        opportunity = newRecord(em, Opportunity, {
          id: randomUUID(), name: override?.opportunityName ?? lead.topic, state: OpportunityState.OPEN, currency: { code: input.currencyCode },
          estimatedValue: plan.opportunity.estimatedValue, account, contact, originatingLead: lead, owner: ownerOverride ?? lead.owner,
          description: lead.description, source: lead.source, purchaseTimeframe: lead.purchaseTimeframe, purchaseProcess: lead.purchaseProcess,
          budgetStatus: lead.budgetStatus, decisionMakerIdentified: lead.decisionMakerIdentified, salesStage: SalesStage.DEVELOP,
          createdAt: now, updatedAt: now,
        });
        newOpportunities.push(opportunity);
      }
      if (opportunity) written.opportunities.set(lead.id, opportunity);
      const set: LeadStep['set'] = {
        state: LeadState.QUALIFIED, statusReason: LeadStatusReason.QUALIFIED, qualifiedAt: now,
        qualifyingOpportunity: opportunity ? { id: opportunity.id } : lead.qualifyingOpportunity ?? null,
        account: account ? { id: account.id } : null, contact: contact ? { id: contact.id } : null,
      };
      steps.push({ lead, set, changes: diffSnapshots(leadSnapshot(lead), leadSnapshot({ ...lead, ...set })) });
    }
    await insertRecords(em, batch(Account, [...written.accounts.values()]), batch(Contact, [...written.contacts.values()]), batch(Opportunity, newOpportunities));
    const versions = await recordLeadChanges(em, this.actor, 'QUALIFIED', now, steps);
    if (reused.length) await this.updateReused(em, reused, written.opportunities);
    if (written.opportunities.size) await this.copyStakeholders(em, written.opportunities);
    const originRows = (links: Map<string, string>) => [...links].map(([id, leadId]) => ({ id, originatingLead: leadId }));
    if (origins.account.size) await this.setWhereNull(em, Account, 'originatingLead', originRows(origins.account));
    if (origins.contact.size) await this.setWhereNull(em, Contact, 'originatingLead', originRows(origins.contact));
    await this.reread(em, plans, origins);
    for (const step of steps) Object.assign(step.lead, step.set, { version: versions.get(step.lead.id), updatedAt: now });
    return written;
  }

  /**
   * Copies the leads' stakeholders to their opportunities in one statement: contact, role and
   * createdAt are kept (so they list in the lead's order); re-qualifying a reactivated lead adds
   * only those its opportunity lacks.
   */
  private async copyStakeholders(em: EntityManager, opportunities: Map<string, OpportunityRecord>): Promise<void> {
    const s = sqlNames(em, Stakeholder);
    const [lead, opportunity, contact, role, createdAt] = (['lead', 'opportunity', 'contact', 'role', 'createdAt'] as const).map((p) => s.column(p));
    const m = recordset(em, Stakeholder, ['lead', 'opportunity'], [...opportunities].map(([leadId, o]) => ({ lead: leadId, opportunity: o })), 'm');
    await em.execute(
      `insert into ${s.table} (${s.column('id')}, ${lead}, ${opportunity}, ${contact}, ${role}, ${createdAt})
       select gen_random_uuid(), null, m.${opportunity}, s.${contact}, s.${role}, s.${createdAt}
       from ${s.table} s join ${m.sql} on s.${lead} = m.${lead}
       order by s.${createdAt}, s.${s.column('id')}
       on conflict (${opportunity}, ${contact}) do nothing`);
  }

  /**
   * Brings the reused opportunities of re-qualified leads up to date — currency, value, name and
   * owner as the call decided — in one statement, and the records of the results with them.
   */
  private async updateReused(em: EntityManager, rows: Pick<OpportunityRecord, 'id' | 'currency' | 'estimatedValue' | 'updatedAt' | 'name' | 'owner'>[], opportunities: Map<string, OpportunityRecord>): Promise<void> {
    const t = sqlNames(em, Opportunity);
    const props = ['id', 'currency', 'estimatedValue', 'updatedAt', 'name', 'owner'] as const;
    const m = recordset(em, Opportunity, props, rows, 'm');
    await em.execute(`update ${t.table} o set ${props.slice(1).map((p) => `${t.column(p)} = m.${t.column(p)}`).join(', ')}
       from ${m.sql} where o.${t.column('id')} = m.${t.column('id')}`);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const o of opportunities.values()) {
      const row = byId.get(o.id);
      if (row) Object.assign(o, row);
    }
  }

  /** Sets `prop` of the rows named by id, in one statement, on those where it is still null. */
  private async setWhereNull<T extends object>(
    em: EntityManager, entity: EntityClass<T>, prop: keyof T & string, rows: Partial<Record<keyof T, unknown>>[],
  ): Promise<void> {
    const t = sqlNames(em, entity);
    const [id, column] = [t.column('id' as keyof T & string), t.column(prop)];
    const m = recordset(em, entity, ['id' as keyof T & string, prop], rows, 'm');
    await em.execute(`update ${t.table} t set ${column} = m.${column} from ${m.sql} where t.${id} = m.${id} and t.${column} is null`);
  }

  /**
   * Re-reads the existing accounts and contacts the call linked (one statement per table, only
   * when there are any), so that the results show them as stored — their origin included.
   */
  private async reread(em: EntityManager, plans: LeadPlan[], origins: { account: Map<string, string>; contact: Map<string, string> }): Promise<void> {
    if (origins.account.size) {
      const fresh = new Map((await readRecords(em, Account, (qb) => qb.where({ id: { $in: [...origins.account.keys()] } }))).map((a) => [a.id, a]));
      for (const p of plans) if (p.account?.existing) Object.assign(p.account.existing, fresh.get(p.account.existing.id));
    }
    if (origins.contact.size) {
      const fresh = new Map((await readRecords(em, Contact, (qb) => qb.where({ id: { $in: [...origins.contact.keys()] } }))).map((c) => [c.id, c]));
      for (const p of plans) if (p.contact?.existing) Object.assign(p.contact.existing, fresh.get(p.contact.existing.id));
    }
  }

  private newAccount(em: EntityManager, made: Map<NewRecord, AccountRecord>, rec: NewRecord, now: Date): AccountRecord {
    let account = made.get(rec);
    if (!account) {
      const { lead } = rec;
      account = newRecord(em, Account, {
        id: randomUUID(), name: lead.companyName!.trim(), nameNormalized: accountKey(lead)!, website: lead.website, phone: lead.businessPhone,
        industry: lead.industry, ...addressColumns(lead), primaryContact: null, originatingLead: lead, owner: lead.owner, createdAt: now,
      });
      made.set(rec, account);
    }
    return account;
  }

  private newContact(em: EntityManager, made: Map<NewRecord, ContactRecord>, rec: NewRecord, account: AccountRecord | null, now: Date): ContactRecord {
    let contact = made.get(rec);
    if (!contact) {
      const { lead } = rec;
      contact = newRecord(em, Contact, {
        id: randomUUID(), lastName: lead.lastName, firstName: lead.firstName, email: lead.email, jobTitle: lead.jobTitle,
        businessPhone: lead.businessPhone ?? lead.mobilePhone, mobilePhone: lead.mobilePhone, ...addressColumns(lead), account, originatingLead: lead, owner: lead.owner, createdAt: now,
      });
      made.set(rec, contact);
    }
    return contact;
  }

  private result(o: Outcome, written: Written | null): QualifyLeadResult {
    const r: QualifyLeadResult = Object.assign(new QualifyLeadResult(), {
      leadId: o.leadId, lead: o.lead, opportunity: null, account: null, contact: null,
      accountCreated: false, contactCreated: false, userErrors: o.errors,
    });
    const p = o.plan;
    if (!p) return r;
    r.accountCreated = p.accountCreated;
    r.contactCreated = p.contactCreated;
    if (written) {
      r.account = p.account ? p.account.existing ?? written.accounts.get(p.account.created)! : null;
      r.contact = p.contact ? p.contact.existing ?? written.contacts.get(p.contact.created)! : null;
      r.opportunity = written.opportunities.get(p.lead.id) ?? null;
    } else {
      // A dry run names only records that exist; one that would be created has no id yet.
      r.account = p.account?.existing ?? null;
      r.contact = p.contact?.existing ?? null;
      r.opportunity = p.opportunity?.existing ?? null;
    }
    return r;
  }
}
