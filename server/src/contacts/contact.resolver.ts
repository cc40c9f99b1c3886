import { Arg, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Account } from '../accounts/account.entity';
import { readsLeadsOnly, STAFF } from '../access/policy';
import { UserError } from '../common/errors';
import { isUuid } from '../common/ids';
import { keysetPage, likePattern } from '../common/keyset';
import { connectionType, emptyConnection, pageSize, type ConnectionShape } from '../common/pagination';
import type { Context } from '../context';
import { canReadLead } from '../access/policy';
import { Lead } from '../leads/lead.entity';
import { searchTerm } from '../common/search';
import { Contact } from './contact.entity';
import { CreateContactInput } from './contact.inputs';
import { ContactService } from './contact.service';

export const ContactConnection = connectionType<Contact>('Contact', () => Contact);

@ObjectType()
export class CreateContactPayload {
  @Field(() => Contact, { nullable: true }) contact!: Contact | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

/** The lead a record came from, when the caller may see it. */
export async function originatingLead(ctx: Context, ref: { load(): Promise<Lead | null> } | null | undefined): Promise<Lead | null> {
  const lead = ref ? await ref.load() : null;
  return lead && canReadLead(ctx.actor, lead) ? lead : null;
}

@Resolver(() => Contact)
export class ContactResolver {
  @Authorized()
  @Query(() => Contact, { nullable: true })
  async contact(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Contact | null> {
    return isUuid(id) && !readsLeadsOnly(ctx.actor) ? ctx.em.findOne(Contact, { id }) : null;
  }

  @Authorized()
  @Query(() => ContactConnection, { description: 'Contacts by last name, first name; `search` matches name or email, case-insensitively.' })
  contacts(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, defaultValue: 25 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('search', () => String, { nullable: true }) search?: string | null,
  ): Promise<ConnectionShape<Contact>> {
    const term = searchTerm(search);
    const size = pageSize(first);
    if (readsLeadsOnly(ctx.actor)) return Promise.resolve(emptyConnection());
    return keysetPage(ctx.em, Contact, {
      table: 'contact', alias: 'c', direction: 'asc', first: size, after, tag: 'contact:name',
      sort: [{ sql: 'lower(c.last_name)', cast: 'text' }, { sql: "lower(coalesce(c.first_name, ''))", cast: 'text' }],
      where: term ? "c.search_text like lower(?) escape '\\'" : 'true', params: term ? [likePattern(term)] : [],
      unmapped: ['search_text'],
    });
  }

  @Authorized(STAFF)
  @Mutation(() => CreateContactPayload)
  createContact(@Arg('input', () => CreateContactInput) input: CreateContactInput, @Ctx() ctx: Context): Promise<CreateContactPayload> {
    return new ContactService(ctx.em, ctx.actor).createContact(input);
  }

  @FieldResolver(() => Account, { nullable: true })
  async account(@Root() contact: Contact): Promise<Account | null> {
    return contact.account ? contact.account.load() : null;
  }

  @FieldResolver(() => Lead, { nullable: true })
  originatingLead(@Root() contact: Contact, @Ctx() ctx: Context): Promise<Lead | null> {
    return originatingLead(ctx, contact.originatingLead);
  }
}
