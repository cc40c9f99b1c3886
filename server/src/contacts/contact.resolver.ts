import { Arg, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Account } from '../accounts/account.entity';
import { accountRows } from '../accounts/account.queries';
import { readsLeadsOnly, STAFF } from '../access/policy';
import { visibleLead } from '../access/visible';
import { UserError } from '../common/errors';
import { isUuid } from '../common/ids';
import { loadRelated, rowsById } from '../common/loaders';
import { prefetchedOr } from '../common/prefetch';
import { connectionType, emptyConnection, pageSize, type ConnectionShape } from '../common/pagination';
import { fullName, type Readable, type Row } from '../common/rows';
import { searchTerm } from '../common/search';
import type { Context } from '../context';
import { Lead } from '../leads/lead.entity';
import { Address, addressOf } from '../leads/lead.payloads';
import { Contact } from './contact.entity';
import { CreateContactInput } from './contact.inputs';
import { contactRows, findContacts } from './contact.queries';
import { ContactService } from './contact.service';

export const ContactConnection = connectionType<Contact>('Contact', () => Contact);

@ObjectType()
export class CreateContactPayload {
  @Field(() => Contact, { nullable: true }) contact!: Contact | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@Resolver(() => Contact)
export class ContactResolver {
  @Authorized()
  @Query(() => Contact, { nullable: true, description: 'The contact with this id; null when it does not exist, and always for a PARTNER. Every role.' })
  async contact(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Row<Contact> | null> {
    return isUuid(id) && !readsLeadsOnly(ctx.actor) ? rowsById(ctx, contactRows).load(id.toLowerCase()) : null;
  }

  @Authorized()
  @Query(() => ContactConnection, { description: 'Contacts by last name, then first name; `search` matches name or email, case-insensitively. A page of `first` (1..100, default 25) after `after`. Every role; empty for a PARTNER.' })
  contacts(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, defaultValue: 25 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('search', () => String, { nullable: true }) search?: string | null,
  ): Promise<ConnectionShape<Row<Contact>>> {
    const term = searchTerm(search);
    const size = pageSize(first);
    if (readsLeadsOnly(ctx.actor)) return Promise.resolve(emptyConnection());
    return findContacts(ctx.em, { first: size, after, term });
  }

  @Authorized(STAFF)
  @Mutation(() => CreateContactPayload, { description: 'Creates a contact, optionally under an account. ADMIN, MANAGER and SALESPERSON; PARTNER: top-level FORBIDDEN.' })
  createContact(@Arg('input', () => CreateContactInput) input: CreateContactInput, @Ctx() ctx: Context): Promise<CreateContactPayload> {
    return new ContactService(ctx.em, ctx.actor).createContact(input);
  }

  @FieldResolver(() => Address, { nullable: true, description: "Copied from the lead's address when qualify creates the contact." })
  address(@Root() contact: Readable<Contact>): Address | null {
    return addressOf(contact);
  }

  @FieldResolver(() => String, { description: 'First and last name, either of which may be missing.' })
  fullName(@Root() contact: Readable<Contact>): string {
    return fullName(contact);
  }

  @FieldResolver(() => Account, { nullable: true })
  account(@Root() contact: Readable<Contact>, @Ctx() ctx: Context): Row<Account> | null | Promise<Row<Account> | null> {
    return prefetchedOr(contact, 'account', () => loadRelated(ctx, accountRows, contact.account));
  }

  @FieldResolver(() => Lead, { nullable: true })
  originatingLead(@Root() contact: Readable<Contact>, @Ctx() ctx: Context): Promise<Row<Lead> | null> {
    return visibleLead(ctx, contact.originatingLead);
  }
}
