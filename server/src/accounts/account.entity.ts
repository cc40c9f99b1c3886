import { randomUUID } from 'node:crypto';
import { Entity, type Opt, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Industry } from '../common/enums';
import type { Contact } from '../contacts/contact.entity';
import type { Lead } from '../leads/lead.entity';
import { User } from '../users/user.entity';

/** Lower-cases and drops all white space: "Contoso  Ltd" and "contoso ltd" are one company. */
export function normaliseCompanyName(name: string): string {
  return name.toLowerCase().replace(/\s+/g, '');
}

@ObjectType({ simpleResolvers: true, description: 'A company, created or linked when a lead is qualified.' })
@Entity({ tableName: 'account' })
export class Account {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: Opt<string> = randomUUID();

  @Field(() => String)
  @Property({ type: 'string', length: 160 })
  name!: string;

  /** Duplicate-detection key; see {@link normaliseCompanyName}. */
  @Index({ name: 'account_name_normalized_idx' })
  @Property({ type: 'string', length: 160 })
  nameNormalized!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 200, nullable: true })
  website?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 50, nullable: true })
  phone?: string | null;

  @Field(() => Industry, { nullable: true })
  @Enum({ items: () => Industry, type: 'string', nullable: true })
  industry?: Industry | null;

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

  @ManyToOne({ entity: 'Contact', ref: true, nullable: true, deleteRule: 'set null' })
  primaryContact?: Ref<Contact> | null;

  @ManyToOne({ entity: 'Lead', ref: true, nullable: true, deleteRule: 'set null' })
  originatingLead?: Ref<Lead> | null;

  @ManyToOne(() => User, { ref: true, nullable: true, deleteRule: 'set null' })
  owner?: Ref<User> | null;

  @Field(() => Date)
  @Property({ type: 'datetime', columnType: 'timestamptz(3)' })
  createdAt: Opt<Date> = new Date();
}
