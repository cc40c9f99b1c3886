import { randomUUID } from 'node:crypto';
import { Entity, type Opt, Enum, ManyToOne, OneToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Account } from '../accounts/account.entity';
import { OpportunityState } from '../common/enums';
import { Contact } from '../contacts/contact.entity';
import { Currency } from '../currencies/currency.entity';
import type { Lead } from '../leads/lead.entity';
import { User } from '../users/user.entity';

@ObjectType({ simpleResolvers: true, description: 'A potential sale created by qualifying a lead.' })
@Entity({ tableName: 'opportunity' })
export class Opportunity {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: Opt<string> = randomUUID();

  @Field(() => String)
  @Property({ type: 'string', length: 300 })
  name!: string;

  @Field(() => OpportunityState)
  @Enum({ items: () => OpportunityState, type: 'string', default: OpportunityState.OPEN })
  state: Opt<OpportunityState> = OpportunityState.OPEN;

  @ManyToOne(() => Currency, { ref: true, fieldName: 'currency_code', deleteRule: 'restrict' })
  currency!: Ref<Currency>;

  @Property({ type: 'decimal', precision: 15, scale: 2, nullable: true })
  estimatedValue?: string | null;

  @ManyToOne(() => Account, { ref: true, nullable: true, deleteRule: 'set null' })
  account?: Ref<Account> | null;

  @ManyToOne(() => Contact, { ref: true, nullable: true, deleteRule: 'set null' })
  contact?: Ref<Contact> | null;

  /** At most one opportunity per lead: the database's last line against double qualification. */
  @OneToOne({ entity: 'Lead', ref: true, nullable: true, owner: true, deleteRule: 'set null', unique: 'opportunity_originating_lead_unique' })
  originatingLead?: Ref<Lead> | null;

  @ManyToOne(() => User, { ref: true, deleteRule: 'restrict', index: 'opportunity_owner_idx' })
  owner!: Ref<User>;

  @Field(() => Date)
  @Property({ type: 'datetime', columnType: 'timestamptz(3)' })
  createdAt: Opt<Date> = new Date();

  @Field(() => Date)
  @Property({ type: 'datetime', columnType: 'timestamptz(3)' })
  updatedAt: Opt<Date> = new Date();
}
