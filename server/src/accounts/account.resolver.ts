import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { readsLeadsOnly } from '../access/policy';
import { isUuid } from '../common/ids';
import { keysetPage, likePattern } from '../common/keyset';
import { connectionType, emptyConnection, pageSize, type ConnectionShape } from '../common/pagination';
import { searchTerm } from '../common/search';
import { Contact } from '../contacts/contact.entity';
import { originatingLead } from '../contacts/contact.resolver';
import type { Context } from '../context';
import { Lead } from '../leads/lead.entity';
import { Account } from './account.entity';

export const AccountConnection = connectionType<Account>('Account', () => Account);

@Resolver(() => Account)
export class AccountResolver {
  @Authorized()
  @Query(() => Account, { nullable: true })
  async account(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Account | null> {
    return isUuid(id) && !readsLeadsOnly(ctx.actor) ? ctx.em.findOne(Account, { id }) : null;
  }

  @Authorized()
  @Query(() => AccountConnection, { description: 'Accounts by name; `search` matches the name case-insensitively.' })
  accounts(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, defaultValue: 25 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('search', () => String, { nullable: true }) search?: string | null,
  ): Promise<ConnectionShape<Account>> {
    const term = searchTerm(search);
    const size = pageSize(first);
    if (readsLeadsOnly(ctx.actor)) return Promise.resolve(emptyConnection());
    return keysetPage(ctx.em, Account, {
      table: 'account', alias: 'a', direction: 'asc', first: size, after, tag: 'account:name',
      sort: [{ sql: 'lower(a.name)', cast: 'text' }],
      where: term ? "a.search_text like lower(?) escape '\\'" : 'true', params: term ? [likePattern(term)] : [],
      unmapped: ['search_text'],
    });
  }

  @FieldResolver(() => Contact, { nullable: true })
  async primaryContact(@Root() account: Account): Promise<Contact | null> {
    return account.primaryContact ? account.primaryContact.load() : null;
  }

  @FieldResolver(() => Lead, { nullable: true })
  originatingLead(@Root() account: Account, @Ctx() ctx: Context): Promise<Lead | null> {
    return originatingLead(ctx, account.originatingLead);
  }
}
