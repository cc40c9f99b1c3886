import type { Ref } from '@mikro-orm/core';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Account } from '../accounts/account.entity';
import { readsLeadsOnly, STAFF } from '../access/policy';
import { assertListLimit, MAX_ID_LIST } from '../common/limits';
import { isUuid } from '../common/ids';
import { Money, money } from '../common/money';
import { pageSize, type ConnectionShape } from '../common/pagination';
import { Contact } from '../contacts/contact.entity';
import type { Context } from '../context';
import { Opportunity } from '../opportunities/opportunity.entity';
import { User } from '../users/user.entity';
import { canReadLead } from '../access/policy';
import { Lead } from './lead.entity';
import { AssignLeadsInput, CreateLeadInput, LeadFilter, LeadOrder, UpdateLeadInput } from './lead.inputs';
import { Address, AssignLeadsPayload, CreateLeadPayload, LeadConnection, UpdateLeadPayload } from './lead.payloads';
import { findLeads } from './lead.queries';
import { LeadService } from './lead.service';

/** A related record, or null when the caller is a PARTNER (it sees leads, nothing else). */
export async function related<T extends object>(ctx: Context, ref: Ref<T> | null | undefined): Promise<T | null> {
  if (!ref || readsLeadsOnly(ctx.actor)) return null;
  return (await ref.load()) as T | null;
}

@Resolver(() => Lead)
export class LeadResolver {
  @Authorized()
  @Query(() => Lead, { nullable: true, description: 'Null when missing or not visible to the caller.' })
  async lead(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Lead | null> {
    if (!isUuid(id)) return null;
    const lead = await ctx.em.findOne(Lead, { id });
    return lead && canReadLead(ctx.actor, lead) ? lead : null;
  }

  @Authorized()
  @Query(() => LeadConnection)
  async leads(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, defaultValue: 25 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('filter', () => LeadFilter, { nullable: true }) filter?: LeadFilter | null,
    @Arg('orderBy', () => LeadOrder, { nullable: true }) orderBy?: LeadOrder | null,
  ): Promise<ConnectionShape<Lead>> {
    return findLeads(ctx.em, ctx.actor, { first: pageSize(first), after, filter, orderBy });
  }

  @Authorized()
  @Mutation(() => CreateLeadPayload)
  createLead(@Arg('input', () => CreateLeadInput) input: CreateLeadInput, @Ctx() ctx: Context): Promise<CreateLeadPayload> {
    return new LeadService(ctx.em, ctx.actor).createLead(input);
  }

  @Authorized(STAFF)
  @Mutation(() => UpdateLeadPayload)
  updateLead(@Arg('input', () => UpdateLeadInput) input: UpdateLeadInput, @Ctx() ctx: Context): Promise<UpdateLeadPayload> {
    return new LeadService(ctx.em, ctx.actor).updateLead(input);
  }

  @Authorized(STAFF)
  @Mutation(() => AssignLeadsPayload)
  assignLeads(@Arg('input', () => AssignLeadsInput) input: AssignLeadsInput, @Ctx() ctx: Context): Promise<AssignLeadsPayload> {
    assertListLimit(input.leadIds, MAX_ID_LIST, 'input.leadIds');
    return new LeadService(ctx.em, ctx.actor).assignLeads(input);
  }

  @FieldResolver(() => Address, { nullable: true })
  address(@Root() lead: Lead): Address | null {
    const a: Address = {
      line1: lead.addressLine1 ?? null, line2: lead.addressLine2 ?? null, city: lead.addressCity ?? null,
      stateOrProvince: lead.addressStateOrProvince ?? null, postalCode: lead.addressPostalCode ?? null,
      country: lead.addressCountry ?? null,
    };
    return Object.values(a).some((v) => v !== null) ? a : null;
  }

  @FieldResolver(() => Money, { nullable: true })
  budget(@Root() lead: Lead): Money | null {
    return money(lead.budgetAmount, lead.budgetCurrency?.code);
  }

  @FieldResolver(() => User)
  owner(@Root() lead: Lead): Promise<User> {
    return lead.owner.loadOrFail();
  }

  @FieldResolver(() => Account, { nullable: true })
  existingAccount(@Root() lead: Lead, @Ctx() ctx: Context): Promise<Account | null> {
    return related(ctx, lead.existingAccount);
  }

  @FieldResolver(() => Contact, { nullable: true })
  existingContact(@Root() lead: Lead, @Ctx() ctx: Context): Promise<Contact | null> {
    return related(ctx, lead.existingContact);
  }

  @FieldResolver(() => Account, { nullable: true, description: 'The account created or linked by qualify.' })
  account(@Root() lead: Lead, @Ctx() ctx: Context): Promise<Account | null> {
    return related(ctx, lead.account);
  }

  @FieldResolver(() => Contact, { nullable: true, description: 'The contact created or linked by qualify.' })
  contact(@Root() lead: Lead, @Ctx() ctx: Context): Promise<Contact | null> {
    return related(ctx, lead.contact);
  }

  @FieldResolver(() => Opportunity, { nullable: true, description: 'Set by qualify.' })
  qualifyingOpportunity(@Root() lead: Lead, @Ctx() ctx: Context): Promise<Opportunity | null> {
    return related(ctx, lead.qualifyingOpportunity);
  }
}
