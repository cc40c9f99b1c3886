import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { Account } from '../accounts/account.entity';
import { readsLeadsOnly } from '../access/policy';
import { isUuid } from '../common/ids';
import { keysetPage } from '../common/keyset';
import { Money, money } from '../common/money';
import { connectionType, emptyConnection, pageSize, type ConnectionShape } from '../common/pagination';
import { Contact } from '../contacts/contact.entity';
import { originatingLead } from '../contacts/contact.resolver';
import type { Context } from '../context';
import { Lead } from '../leads/lead.entity';
import { Stakeholder } from '../stakeholders/stakeholder.entity';
import { stakeholdersOf } from '../stakeholders/stakeholder.loaders';
import { User } from '../users/user.entity';
import { OpportunityFilter } from './opportunity.inputs';
import { Opportunity } from './opportunity.entity';

export const OpportunityConnection = connectionType<Opportunity>('Opportunity', () => Opportunity);

@Resolver(() => Opportunity)
export class OpportunityResolver {
  @Authorized()
  @Query(() => Opportunity, { nullable: true })
  async opportunity(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Opportunity | null> {
    return isUuid(id) && !readsLeadsOnly(ctx.actor) ? ctx.em.findOne(Opportunity, { id }) : null;
  }

  @Authorized()
  @Query(() => OpportunityConnection, { description: 'Newest first.' })
  opportunities(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, defaultValue: 25 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('filter', () => OpportunityFilter, { nullable: true }) filter?: OpportunityFilter | null,
  ): Promise<ConnectionShape<Opportunity>> {
    const size = pageSize(first);
    if (readsLeadsOnly(ctx.actor)) return Promise.resolve(emptyConnection());
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter?.state?.length) { where.push('o.state in (?)'); params.push(filter.state); }
    if (filter?.originatingLeadId != null) {
      if (!isUuid(filter.originatingLeadId)) where.push('false');
      else { where.push('o.originating_lead_id = ?'); params.push(filter.originatingLeadId); }
    }
    return keysetPage(ctx.em, Opportunity, {
      table: 'opportunity', alias: 'o', sort: [{ sql: 'o.created_at', cast: 'timestamptz' }], direction: 'desc',
      where: where.length ? where.join(' and ') : 'true', params, first: size, after, tag: 'opportunity:created',
    });
  }

  @FieldResolver(() => String, { description: 'ISO 4217 code of the currency the opportunity is valued in.' })
  currencyCode(@Root() opportunity: Opportunity): string {
    return opportunity.currency.code;
  }

  @FieldResolver(() => Money, { nullable: true })
  estimatedValue(@Root() opportunity: Opportunity): Money | null {
    return money(opportunity.estimatedValue, opportunity.currency.code);
  }

  @FieldResolver(() => Account, { nullable: true })
  async account(@Root() opportunity: Opportunity): Promise<Account | null> {
    return opportunity.account ? opportunity.account.load() : null;
  }

  @FieldResolver(() => Contact, { nullable: true })
  async contact(@Root() opportunity: Opportunity): Promise<Contact | null> {
    return opportunity.contact ? opportunity.contact.load() : null;
  }

  @FieldResolver(() => Lead, { nullable: true, description: 'The lead it was qualified from; null once that lead is deleted.' })
  originatingLead(@Root() opportunity: Opportunity, @Ctx() ctx: Context): Promise<Lead | null> {
    return originatingLead(ctx, opportunity.originatingLead);
  }

  @FieldResolver(() => User)
  owner(@Root() opportunity: Opportunity): Promise<User> {
    return opportunity.owner.loadOrFail();
  }

  @FieldResolver(() => [Stakeholder], { description: "Copied from the lead's stakeholders when it was qualified; oldest first." })
  stakeholders(@Root() opportunity: Opportunity, @Ctx() ctx: Context): Promise<Stakeholder[]> {
    return stakeholdersOf(ctx, 'opportunity').load(opportunity.id);
  }
}
