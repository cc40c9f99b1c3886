import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { Account } from '../accounts/account.entity';
import { accountRows } from '../accounts/account.queries';
import { readsLeadsOnly } from '../access/policy';
import { visibleLead } from '../access/visible';
import { isUuid } from '../common/ids';
import { loadRelated, rowsById } from '../common/loaders';
import { Money, money } from '../common/money';
import { connectionType, emptyConnection, pageSize, type ConnectionShape } from '../common/pagination';
import type { Readable, Row } from '../common/rows';
import { Contact } from '../contacts/contact.entity';
import { contactRows } from '../contacts/contact.queries';
import type { Context } from '../context';
import { Lead } from '../leads/lead.entity';
import { currencyCode } from '../leads/lead.resolver';
import { Stakeholder } from '../stakeholders/stakeholder.entity';
import { stakeholdersOf } from '../stakeholders/stakeholder.queries';
import { User } from '../users/user.entity';
import { userRows } from '../users/user.queries';
import { OpportunityFilter } from './opportunity.inputs';
import { Opportunity } from './opportunity.entity';
import { findOpportunities, opportunityRows } from './opportunity.queries';

export const OpportunityConnection = connectionType<Opportunity>('Opportunity', () => Opportunity);

@Resolver(() => Opportunity)
export class OpportunityResolver {
  @Authorized()
  @Query(() => Opportunity, { nullable: true, description: 'The opportunity with this id; null when it does not exist, and always for a PARTNER. Every role.' })
  async opportunity(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Row<Opportunity> | null> {
    return isUuid(id) && !readsLeadsOnly(ctx.actor) ? rowsById(ctx, opportunityRows).load(id.toLowerCase()) : null;
  }

  @Authorized()
  @Query(() => OpportunityConnection, { description: 'Opportunities matching `filter`, newest first, a page of `first` (1..100, default 25) after `after`. Every role; empty for a PARTNER.' })
  opportunities(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, defaultValue: 25 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('filter', () => OpportunityFilter, { nullable: true }) filter?: OpportunityFilter | null,
  ): Promise<ConnectionShape<Row<Opportunity>>> {
    const size = pageSize(first);
    if (readsLeadsOnly(ctx.actor)) return Promise.resolve(emptyConnection());
    return findOpportunities(ctx.em, { first: size, after, filter });
  }

  @FieldResolver(() => String, { description: 'ISO 4217 code of the currency the opportunity is valued in.' })
  currencyCode(@Root() opportunity: Readable<Opportunity>): string {
    return currencyCode(opportunity.currency)!;
  }

  @FieldResolver(() => Money, { nullable: true })
  estimatedValue(@Root() opportunity: Readable<Opportunity>): Money | null {
    return money(opportunity.estimatedValue, currencyCode(opportunity.currency));
  }

  @FieldResolver(() => Account, { nullable: true })
  account(@Root() opportunity: Readable<Opportunity>, @Ctx() ctx: Context): Promise<Row<Account> | null> {
    return loadRelated(ctx, accountRows, opportunity.account);
  }

  @FieldResolver(() => Contact, { nullable: true })
  contact(@Root() opportunity: Readable<Opportunity>, @Ctx() ctx: Context): Promise<Row<Contact> | null> {
    return loadRelated(ctx, contactRows, opportunity.contact);
  }

  @FieldResolver(() => Lead, { nullable: true, description: 'The lead it was qualified from; null once that lead is deleted.' })
  originatingLead(@Root() opportunity: Readable<Opportunity>, @Ctx() ctx: Context): Promise<Row<Lead> | null> {
    return visibleLead(ctx, opportunity.originatingLead);
  }

  @FieldResolver(() => User)
  owner(@Root() opportunity: Readable<Opportunity>, @Ctx() ctx: Context): Promise<Row<User> | null> {
    return loadRelated(ctx, userRows, opportunity.owner);
  }

  @FieldResolver(() => [Stakeholder], { description: "Copied from the lead's stakeholders when it was qualified; oldest first." })
  stakeholders(@Root() opportunity: Readable<Opportunity>, @Ctx() ctx: Context): Promise<Row<Stakeholder>[]> {
    return stakeholdersOf(ctx, 'opportunity').load(opportunity.id);
  }
}
