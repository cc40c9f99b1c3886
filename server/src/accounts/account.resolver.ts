import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { readsLeadsOnly } from '../access/policy';
import { visibleLead } from '../access/visible';
import { isUuid } from '../common/ids';
import { loadRelated, rowsById } from '../common/loaders';
import { connectionType, emptyConnection, pageSize, type ConnectionShape } from '../common/pagination';
import type { Readable, Row } from '../common/rows';
import { searchTerm } from '../common/search';
import { Contact } from '../contacts/contact.entity';
import { contactRows } from '../contacts/contact.queries';
import type { Context } from '../context';
import { Lead } from '../leads/lead.entity';
import { Address, addressOf } from '../leads/lead.payloads';
import { Account } from './account.entity';
import { accountRows, findAccounts } from './account.queries';

export const AccountConnection = connectionType<Account>('Account', () => Account);

@Resolver(() => Account)
export class AccountResolver {
  @Authorized()
  @Query(() => Account, { nullable: true, description: 'The account with this id; null when it does not exist, and always for a PARTNER. Every role.' })
  async account(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Row<Account> | null> {
    return isUuid(id) && !readsLeadsOnly(ctx.actor) ? rowsById(ctx, accountRows).load(id.toLowerCase()) : null;
  }

  @Authorized()
  @Query(() => AccountConnection, { description: 'Accounts by name; `search` matches the name case-insensitively. A page of `first` (1..100, default 25) after `after`. Every role; empty for a PARTNER.' })
  accounts(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, defaultValue: 25 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('search', () => String, { nullable: true }) search?: string | null,
  ): Promise<ConnectionShape<Row<Account>>> {
    const term = searchTerm(search);
    const size = pageSize(first);
    if (readsLeadsOnly(ctx.actor)) return Promise.resolve(emptyConnection());
    return findAccounts(ctx.em, { first: size, after, term });
  }

  @FieldResolver(() => Address, { nullable: true, description: "Copied from the lead's address when qualify creates the account." })
  address(@Root() account: Readable<Account>): Address | null {
    return addressOf(account);
  }

  @FieldResolver(() => Contact, { nullable: true })
  primaryContact(@Root() account: Readable<Account>, @Ctx() ctx: Context): Promise<Row<Contact> | null> {
    return loadRelated(ctx, contactRows, account.primaryContact);
  }

  @FieldResolver(() => Lead, { nullable: true })
  originatingLead(@Root() account: Readable<Account>, @Ctx() ctx: Context): Promise<Row<Lead> | null> {
    return visibleLead(ctx, account.originatingLead);
  }
}
