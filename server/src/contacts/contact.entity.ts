import { randomUUID } from 'node:crypto';
import { Entity, type Opt, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import type { Account } from '../accounts/account.entity';
import type { Lead } from '../leads/lead.entity';
import { User } from '../users/user.entity';

@ObjectType({ simpleResolvers: true, description: 'A person: a stakeholder of a lead, or the contact created by qualifying one.' })
@Entity({ tableName: 'contact' })
@Index({ name: 'contact_email_lower_idx', expression: 'create index "contact_email_lower_idx" on "contact" (lower("email"))' })
export class Contact {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: Opt<string> = randomUUID();

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 50, nullable: true })
  firstName?: string | null;

  @Field(() => String)
  @Property({ type: 'string', length: 50 })
  lastName!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 100, nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 100, nullable: true })
  jobTitle?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 50, nullable: true })
  businessPhone?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 50, nullable: true })
  mobilePhone?: string | null;

  @Property({ type: 'string', length: 250, nullable: true })
  addressLine1?: string | null;

  @Property({ type: 'string', length: 250, nullable: true })
  addressLine2?: string | null;

  @Property({ type: 'string', length: 80, nullable: true })
  addressCity?: string | null;

  @Property({ type: 'string', length: 50, nullable: true })
  addressStateOrProvince?: string | null;

  @Property({ type: 'string', length: 20, nullable: true })
  addressPostalCode?: string | null;

  @Property({ type: 'string', length: 80, nullable: true })
  addressCountry?: string | null;

  @ManyToOne({ entity: 'Account', ref: true, nullable: true, deleteRule: 'set null' })
  account?: Ref<Account> | null;

  @ManyToOne({ entity: 'Lead', ref: true, nullable: true, deleteRule: 'set null' })
  originatingLead?: Ref<Lead> | null;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  owner?: Ref<User> | null;

  @Field(() => Date)
  @Property({ type: 'datetime', columnType: 'timestamptz(3)' })
  createdAt: Opt<Date> = new Date();
}
