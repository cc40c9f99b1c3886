import graphqlFields from 'graphql-fields';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Account } from '../accounts/account.entity';
import { accountRows } from '../accounts/account.queries';
import { canReadLead, readsLeadsOnly, STAFF, userAsSeenBy } from '../access/policy';
import { relatedRecord, visibleLead } from '../access/visible';
import { assertListLimit, MAX_ID_LIST } from '../common/limits';
import { isUuid } from '../common/ids';
import { loadRelated, rowsById } from '../common/loaders';
import { Money, money } from '../common/money';
import { prefetchedOr } from '../common/prefetch';
import { pageSize, type ConnectionShape } from '../common/pagination';
import { fullName, type Readable, type Row, type Selection } from '../common/rows';
import { Contact } from '../contacts/contact.entity';
import { contactRows } from '../contacts/contact.queries';
import type { Context } from '../context';
import { Opportunity } from '../opportunities/opportunity.entity';
import { opportunityRows } from '../opportunities/opportunity.queries';
import { User } from '../users/user.entity';
import { userRows } from '../users/user.queries';
import { Lead } from './lead.entity';
import { AssignLeadsInput, CreateLeadInput, LeadFilter, LeadOrder, SetLeadStatusInput, UpdateLeadInput } from './lead.inputs';
import { Address, addressOf, AssignLeadsPayload, CreateLeadPayload, LeadConnection, QualifyChecklist, SetLeadStatusPayload, UpdateLeadPayload } from './lead.payloads';
import { missingQualifyFields } from './qualify.plan';
import { findLeads, leadPrefetch, leadRows } from './lead.queries';
import { LeadService } from './lead.service';
import { duplicateMatches } from './lead.duplicates';

/** The code a currency reference names: an entity's reference, or a plain row's column. */
export function currencyCode(ref: string | { code: string } | null | undefined): string | null {
  if (ref === null || ref === undefined) return null;
  return typeof ref === 'string' ? ref : ref.code;
}

@Resolver(() => Lead)
export class LeadResolver {
  @Authorized()
  @Query(() => Lead, { nullable: true, description: 'The lead with this id; null when it does not exist or the caller may not see it. Every role; a PARTNER sees the leads it created.' })
  async lead(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Row<Lead> | null> {
    if (!isUuid(id)) return null;
    const lead = await rowsById(ctx, leadRows).load(id.toLowerCase());
    return lead && canReadLead(ctx.actor, lead) ? lead : null;
  }

  @Authorized()
  @Query(() => LeadConnection, { description: 'Leads matching `filter`, in `orderBy` order (default: newest first), a page of `first` (1..100, default 25) after the cursor `after`. Every role; a PARTNER sees the leads it created.' })
  async leads(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, defaultValue: 25 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('filter', () => LeadFilter, { nullable: true }) filter?: LeadFilter | null,
    @Arg('orderBy', () => LeadOrder, { nullable: true }) orderBy?: LeadOrder | null,
    @Info() info?: GraphQLResolveInfo,
  ): Promise<ConnectionShape<Row<Lead>>> {
    const asked = info ? graphqlFields(info) as Selection : {};
    const node = { ...asked.nodes, ...asked.edges?.node };
    return findLeads(ctx.em, ctx.actor, {
      first: pageSize(first), after, filter, orderBy, props: leadRows.propsFor(ctx.em, node), prefetch: leadPrefetch(ctx.em, ctx.actor, node),
    });
  }

  @Authorized()
  @Mutation(() => CreateLeadPayload, { description: 'Creates an OPEN lead (status NEW, version 1) owned by the caller, or by `ownerId`, and reports the OPEN leads visible to the caller that it duplicates (duplicateCheck WARN, the default; FAIL creates nothing when there are any: DUPLICATE_RECORD; OFF does not look). Every role; only ADMIN and MANAGER may name another owner, and a PARTNER\'s lead gets source PARTNER.' })
  async createLead(@Arg('input', () => CreateLeadInput) input: CreateLeadInput, @Ctx() ctx: Context): Promise<CreateLeadPayload> {
    const { lead, duplicates, userErrors } = await new LeadService(ctx.em, ctx.actor).createLead(input);
    return { lead, userErrors, duplicates: await duplicateMatches(ctx.em, duplicates) };
  }

  @Authorized(STAFF)
  @Mutation(() => UpdateLeadPayload, { description: 'Changes the given fields of an OPEN lead; with `expectedVersion`, only if nobody changed it meanwhile. ADMIN and MANAGER: any lead; SALESPERSON: the leads it owns; PARTNER: top-level FORBIDDEN.' })
  updateLead(@Arg('input', () => UpdateLeadInput) input: UpdateLeadInput, @Ctx() ctx: Context): Promise<UpdateLeadPayload> {
    return new LeadService(ctx.em, ctx.actor).updateLead(input);
  }

  @Authorized(STAFF)
  @Mutation(() => SetLeadStatusPayload, { description: 'Moves an OPEN lead between NEW and CONTACTED (other values: VALIDATION); with `expectedVersion`, only if nobody changed it meanwhile. ADMIN and MANAGER: any lead; SALESPERSON: the leads it owns; PARTNER: top-level FORBIDDEN.' })
  setLeadStatus(@Arg('input', () => SetLeadStatusInput) input: SetLeadStatusInput, @Ctx() ctx: Context): Promise<SetLeadStatusPayload> {
    return new LeadService(ctx.em, ctx.actor).setLeadStatus(input);
  }

  @Authorized(STAFF)
  @Mutation(() => AssignLeadsPayload, { description: 'Gives 1..100 OPEN leads to `ownerId` (not a PARTNER), all or none. ADMIN and MANAGER: any lead; SALESPERSON: the leads it owns; PARTNER: top-level FORBIDDEN.' })
  assignLeads(@Arg('input', () => AssignLeadsInput) input: AssignLeadsInput, @Ctx() ctx: Context): Promise<AssignLeadsPayload> {
    assertListLimit(input.leadIds, MAX_ID_LIST, 'input.leadIds');
    return new LeadService(ctx.em, ctx.actor).assignLeads(input);
  }

  @FieldResolver(() => String, { description: 'First and last name, either of which may be missing.' })
  fullName(@Root() lead: Readable<Lead>): string {
    return fullName(lead);
  }

  @FieldResolver(() => Address, { nullable: true })
  address(@Root() lead: Readable<Lead>): Address | null {
    return addressOf(lead);
  }

  @FieldResolver(() => QualifyChecklist, { description: 'The Qualify stage of the lead-to-opportunity process; qualifyLeads with requireCompleteChecklist refuses an incomplete one.' })
  qualifyChecklist(@Root() lead: Readable<Lead>): QualifyChecklist {
    const missing = missingQualifyFields(lead);
    return { complete: missing.length === 0, missing };
  }

  @FieldResolver(() => Money, { nullable: true })
  budget(@Root() lead: Readable<Lead>): Money | null {
    return money(lead.budgetAmount, currencyCode(lead.budgetCurrency));
  }

  @FieldResolver(() => User, { description: "Who owns the lead. A PARTNER sees the owner's id, name and role; the email is empty." })
  owner(@Root() lead: Readable<Lead>, @Ctx() ctx: Context): Row<User> | null | Promise<Row<User> | null> {
    const owner = prefetchedOr(lead, 'owner', () => loadRelated(ctx, userRows, lead.owner));
    if (!readsLeadsOnly(ctx.actor)) return owner;
    return Promise.resolve(owner).then((user) => userAsSeenBy(ctx.actor, user));
  }

  @FieldResolver(() => Account, { nullable: true })
  existingAccount(@Root() lead: Readable<Lead>, @Ctx() ctx: Context): Row<Account> | null | Promise<Row<Account> | null> {
    return prefetchedOr(lead, 'existingAccount', () => relatedRecord(ctx, accountRows, lead.existingAccount));
  }

  @FieldResolver(() => Contact, { nullable: true })
  existingContact(@Root() lead: Readable<Lead>, @Ctx() ctx: Context): Row<Contact> | null | Promise<Row<Contact> | null> {
    return prefetchedOr(lead, 'existingContact', () => relatedRecord(ctx, contactRows, lead.existingContact));
  }

  @FieldResolver(() => Account, { nullable: true, description: 'The account created or linked by qualify.' })
  account(@Root() lead: Readable<Lead>, @Ctx() ctx: Context): Row<Account> | null | Promise<Row<Account> | null> {
    return prefetchedOr(lead, 'account', () => relatedRecord(ctx, accountRows, lead.account));
  }

  @FieldResolver(() => Contact, { nullable: true, description: 'The contact created or linked by qualify.' })
  contact(@Root() lead: Readable<Lead>, @Ctx() ctx: Context): Row<Contact> | null | Promise<Row<Contact> | null> {
    return prefetchedOr(lead, 'contact', () => relatedRecord(ctx, contactRows, lead.contact));
  }

  @FieldResolver(() => Lead, { nullable: true, description: 'The lead this one was merged into by mergeLeads; null when it was not merged, or when the caller may not read that lead.' })
  mergedInto(@Root() lead: Readable<Lead>, @Ctx() ctx: Context): Promise<Row<Lead> | null> {
    return visibleLead(ctx, lead.mergedInto);
  }

  @FieldResolver(() => Opportunity, { nullable: true, description: 'Set by qualify.' })
  qualifyingOpportunity(@Root() lead: Readable<Lead>, @Ctx() ctx: Context): Row<Opportunity> | null | Promise<Row<Opportunity> | null> {
    return prefetchedOr(lead, 'qualifyingOpportunity', () => relatedRecord(ctx, opportunityRows, lead.qualifyingOpportunity));
  }
}
