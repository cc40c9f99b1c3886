import { LockMode, raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Account } from '../accounts/account.entity';
import { diffSnapshots, recordAudit } from '../audit/audit.service';
import { DuplicateHandling, LeadState, LeadStatusReason, UserErrorCode } from '../common/enums';
import { userError, type UserError } from '../common/errors';
import { isUuid } from '../common/ids';
import { validateInput } from '../common/validation';
import { Contact } from '../contacts/contact.entity';
import { Currency } from '../currencies/currency.entity';
import { Opportunity } from '../opportunities/opportunity.entity';
import type { User } from '../users/user.entity';
import { leadSnapshot } from './lead.audit';
import { Lead } from './lead.entity';
import { qualifyOptions, type QualifyLeadsInput, type QualifyOptions } from './qualify.inputs';
import { QualifyLeadResult, QualifyLeadsPayload } from './qualify.payloads';
import {
  accountKey, checkLead, contactKey, failTogether, planQualification, type Existing, type LeadPlan, type NewRecord, type Outcome,
} from './qualify.plan';

const refused = (userErrors: UserError[]): QualifyLeadsPayload =>
  Object.assign(new QualifyLeadsPayload(), { results: [], qualifiedCount: 0, failedCount: 0, userErrors });

/** Every index of `ids` that repeats an earlier one. */
function repeatedIndexes(ids: string[]): number[] {
  const seen = new Set<string>();
  return ids.flatMap((id, i) => (seen.has(id) ? [i] : (seen.add(id), [])));
}

/**
 * qualifyLeads: one transaction for the whole call, with a number of statements that does not
 * depend on how many leads it names. The leads are locked in one statement in id order (two bulk
 * calls cannot deadlock) and re-read under the lock, so a lead that another call qualified
 * meanwhile is LEAD_NOT_OPEN here. Every per-lead failure is decided in memory before anything
 * is written, so a failing lead writes nothing.
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
    return this.em.transactional(async (em) => {
      const currencies = new Map((await em.find(Currency, {})).map((c) => [c.code, c]));
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

  /** `SELECT … FOR UPDATE` of all named leads in one statement, in id order. */
  private async lockLeads(em: EntityManager, ids: string[]): Promise<Map<string, Lead>> {
    const valid = ids.filter(isUuid).sort();
    if (!valid.length) return new Map();
    const leads = await em.find(Lead, { id: { $in: valid } }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' }, refresh: true });
    return new Map(leads.map((l) => [l.id, l]));
  }

  /**
   * Reads the accounts, contacts and opportunities the leads could link, one statement per
   * table. Before looking for duplicates by name or email it takes transaction-scoped advisory
   * locks on those keys (in hash order, one statement), so that two calls racing on "Contoso"
   * cannot both find none and both create it.
   */
  private async readExisting(em: EntityManager, input: QualifyOptions, leads: Lead[]): Promise<Existing> {
    const byKey = input.duplicateHandling !== DuplicateHandling.CREATE_NEW;
    const accountIds = new Set<string>();
    const names = new Set<string>();
    const contactIds = new Set<string>();
    const emails = new Set<string>();
    for (const lead of leads) {
      const knownAccount = lead.existingAccount?.id ?? lead.account?.id;
      if (knownAccount) accountIds.add(knownAccount);
      else if (input.createAccount && byKey && accountKey(lead)) names.add(accountKey(lead)!);
      const knownContact = lead.existingContact?.id ?? lead.contact?.id;
      if (knownContact) contactIds.add(knownContact);
      else if (input.createContact && byKey && contactKey(lead)) emails.add(contactKey(lead)!);
    }
    const keys = [...[...names].map((n) => `account:${n}`), ...[...emails].map((e) => `contact:${e}`)];
    if (keys.length) {
      await em.execute(
        'select pg_advisory_xact_lock(h) from (select distinct hashtext(k) as h from jsonb_array_elements_text(?::jsonb) as k) as x order by h',
        [JSON.stringify(keys)]);
    }
    const oldestFirst = { orderBy: { createdAt: 'asc', id: 'asc' } } as const;
    const accountWhere = [
      ...(accountIds.size ? [{ id: { $in: [...accountIds] } }] : []),
      ...(names.size ? [{ nameNormalized: { $in: [...names] } }] : []),
    ];
    const accounts = accountWhere.length ? await em.find(Account, { $or: accountWhere }, oldestFirst) : [];
    const contactWhere = [
      ...(contactIds.size ? [{ id: { $in: [...contactIds] } }] : []),
      ...(emails.size ? [{ [raw((a) => `lower(${a}.email)`)]: { $in: [...emails] } }] : []),
    ];
    const contacts = contactWhere.length ? await em.find(Contact, { $or: contactWhere }, oldestFirst) : [];
    const opportunities = input.createOpportunity && leads.length
      ? await em.find(Opportunity, { originatingLead: { $in: leads.map((l) => l.id) } })
      : [];

    const existing: Existing = {
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
   * Creates the records of every plan (one flush: a multi-row insert per table, audit entries
   * included), then qualifies the leads and copies their stakeholders with one statement each.
   * The lead update is SQL of its own because the ORM writes a one-to-one link such as
   * qualifying_opportunity_id row by row; the leads are then re-read so that the response shows
   * them as stored.
   */
  private async write(em: EntityManager, input: QualifyOptions, plans: LeadPlan[]) {
    const now = new Date();
    const accounts = new Map<NewRecord, Account>();
    const contacts = new Map<NewRecord, Contact>();
    const opportunities = new Map<Lead, Opportunity>();
    const rows: { id: string; opportunity_id: string | null; account_id: string | null; contact_id: string | null }[] = [];
    const links: { table: 'account' | 'contact'; id: string; lead_id: string }[] = [];
    const primaries: { account_id: string; contact_id: string }[] = [];
    for (const plan of plans) {
      const { lead } = plan;
      const account = plan.account?.existing ?? (plan.account ? this.newAccount(em, accounts, plan.account.created) : null);
      const contact = plan.contact?.existing ?? (plan.contact ? this.newContact(em, contacts, plan.contact.created, account) : null);
      if (plan.account?.existing) links.push({ table: 'account', id: plan.account.existing.id, lead_id: lead.id });
      if (plan.contact?.existing) links.push({ table: 'contact', id: plan.contact.existing.id, lead_id: lead.id });
      if (account && contact && plan.account && !plan.account.existing) primaries.push({ account_id: account.id, contact_id: contact.id });
      let opportunity: Opportunity | null = null;
      if (plan.opportunity && 'existing' in plan.opportunity) opportunity = plan.opportunity.existing;
      else if (plan.opportunity) {
        opportunity = em.create(Opportunity, {
          name: lead.topic, currency: em.getReference(Currency, input.currencyCode), estimatedValue: plan.opportunity.estimatedValue,
          account, contact, originatingLead: lead, owner: lead.owner, createdAt: now, updatedAt: now,
        });
      }
      if (opportunity) opportunities.set(lead, opportunity);
      const row = { id: lead.id, opportunity_id: opportunity?.id ?? null, account_id: account?.id ?? null, contact_id: contact?.id ?? null };
      rows.push(row);
      const before = leadSnapshot(lead);
      const after = {
        ...before, state: LeadState.QUALIFIED, statusReason: LeadStatusReason.QUALIFIED, qualifiedAt: now.toISOString(),
        qualifyingOpportunityId: row.opportunity_id ?? before.qualifyingOpportunityId, accountId: row.account_id, contactId: row.contact_id,
      };
      recordAudit(em, { entityType: 'Lead', entityId: lead.id, action: 'QUALIFIED', actor: this.actor, changes: diffSnapshots(before, after), at: now });
    }
    await em.flush();
    const mapping = JSON.stringify(rows);
    await em.execute(
      `update lead l set state = 'QUALIFIED', status_reason = 'QUALIFIED', qualified_at = ?, updated_at = ?, version = l.version + 1,
         qualifying_opportunity_id = coalesce(m.opportunity_id, l.qualifying_opportunity_id), account_id = m.account_id, contact_id = m.contact_id
       from jsonb_to_recordset(?::jsonb) as m(id uuid, opportunity_id uuid, account_id uuid, contact_id uuid)
       where l.id = m.id`,
      [now, now, mapping]);
    if (opportunities.size) {
      // Copies keep contact, role and createdAt (so they list in the lead's order); re-qualifying
      // a reactivated lead adds only those its opportunity lacks.
      await em.execute(
        `insert into stakeholder (id, lead_id, opportunity_id, contact_id, role, created_at)
         select gen_random_uuid(), null, m.opportunity_id, s.contact_id, s.role, s.created_at
         from stakeholder s join jsonb_to_recordset(?::jsonb) as m(id uuid, opportunity_id uuid) on s.lead_id = m.id
         where m.opportunity_id is not null
         order by s.created_at, s.id
         on conflict (opportunity_id, contact_id) do nothing`,
        [mapping]);
    }
    await this.linkRecords(em, links, primaries);
    await em.find(Lead, { id: { $in: rows.map((r) => r.id) } }, { refresh: true });
    return { accounts, contacts, opportunities };
  }

  /**
   * Two finishing touches, one statement each whatever the number of leads (the ORM would write
   * them row by row): a linked account or contact that no lead produced yet gets this lead as
   * its origin — the first lead in input order when several link it — while one another lead
   * produced keeps its origin; and, as in Dynamics, a new account's primary contact is the
   * contact made or linked with it. The records touched are re-read for the response.
   */
  private async linkRecords(
    em: EntityManager, links: { table: 'account' | 'contact'; id: string; lead_id: string }[],
    primaries: { account_id: string; contact_id: string }[],
  ): Promise<void> {
    const firstByKey = new Map<string, { table: string; id: string; lead_id: string }>();
    for (const l of links) if (!firstByKey.has(`${l.table}:${l.id}`)) firstByKey.set(`${l.table}:${l.id}`, l);
    const origins = [...firstByKey.values()];
    for (const table of ['account', 'contact'] as const) {
      const these = origins.filter((o) => o.table === table);
      if (!these.length) continue;
      await em.execute(
        `update "${table}" t set originating_lead_id = m.lead_id
         from jsonb_to_recordset(?::jsonb) as m(id uuid, lead_id uuid)
         where t.id = m.id and t.originating_lead_id is null`,
        [JSON.stringify(these)]);
    }
    if (primaries.length) {
      await em.execute(
        `update account a set primary_contact_id = m.contact_id
         from jsonb_to_recordset(?::jsonb) as m(account_id uuid, contact_id uuid)
         where a.id = m.account_id and a.primary_contact_id is null`,
        [JSON.stringify(primaries)]);
    }
    const accountIds = [...new Set([...origins.filter((o) => o.table === 'account').map((o) => o.id), ...primaries.map((p) => p.account_id)])];
    const contactIds = origins.filter((o) => o.table === 'contact').map((o) => o.id);
    if (accountIds.length) await em.find(Account, { id: { $in: accountIds } }, { refresh: true });
    if (contactIds.length) await em.find(Contact, { id: { $in: contactIds } }, { refresh: true });
  }

  private newAccount(em: EntityManager, made: Map<NewRecord, Account>, rec: NewRecord): Account {
    let account = made.get(rec);
    if (!account) {
      const { lead } = rec;
      const name = lead.companyName!.trim();
      account = em.create(Account, {
        name, nameNormalized: accountKey(lead)!, website: lead.website ?? null, phone: lead.businessPhone ?? null,
        industry: lead.industry ?? null, originatingLead: lead, owner: lead.owner,
      });
      made.set(rec, account);
    }
    return account;
  }

  private newContact(em: EntityManager, made: Map<NewRecord, Contact>, rec: NewRecord, account: Account | null): Contact {
    let contact = made.get(rec);
    if (!contact) {
      const { lead } = rec;
      contact = em.create(Contact, {
        lastName: lead.lastName, firstName: lead.firstName ?? null, email: lead.email ?? null, jobTitle: lead.jobTitle ?? null,
        businessPhone: lead.businessPhone ?? lead.mobilePhone ?? null, account, originatingLead: lead, owner: lead.owner,
      });
      made.set(rec, contact);
    }
    return contact;
  }

  private result(o: Outcome, written: Awaited<ReturnType<QualifyService['write']>> | null): QualifyLeadResult {
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
      r.opportunity = written.opportunities.get(p.lead) ?? null;
    } else {
      // A dry run names only records that exist; one that would be created has no id yet.
      r.account = p.account?.existing ?? null;
      r.contact = p.contact?.existing ?? null;
      r.opportunity = p.opportunity && 'existing' in p.opportunity ? p.opportunity.existing : null;
    }
    return r;
  }
}
