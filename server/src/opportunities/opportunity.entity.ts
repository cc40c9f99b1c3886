import { randomUUID } from 'node:crypto';
import { Entity, type Opt, Enum, ManyToOne, OneToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Account } from '../accounts/account.entity';
import { BudgetStatus, LeadSource, OpportunityState, PurchaseProcess, PurchaseTimeframe, SalesStage } from '../common/enums';
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

  @Field(() => String, { nullable: true, description: "The lead's description, copied at qualify." })
  @Property({ type: 'string', length: 2000, nullable: true })
  description?: string | null;

  @Field(() => LeadSource, { nullable: true, description: "The lead's source, copied at qualify." })
  @Enum({ items: () => LeadSource, type: 'string', nullable: true })
  source?: LeadSource | null;

  @Field(() => PurchaseTimeframe, { nullable: true })
  @Enum({ items: () => PurchaseTimeframe, type: 'string', nullable: true })
  purchaseTimeframe?: PurchaseTimeframe | null;

  @Field(() => PurchaseProcess, { nullable: true })
  @Enum({ items: () => PurchaseProcess, type: 'string', nullable: true })
  purchaseProcess?: PurchaseProcess | null;

  @Field(() => BudgetStatus, { nullable: true })
  @Enum({ items: () => BudgetStatus, type: 'string', nullable: true })
  budgetStatus?: BudgetStatus | null;

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: false })
  decisionMakerIdentified: Opt<boolean> = false;

  @Field(() => SalesStage, { description: 'The stage of the sales process; DEVELOP when created by qualify (the Qualify stage is the lead).' })
  @Enum({ items: () => SalesStage, type: 'string', default: SalesStage.QUALIFY })
  salesStage: Opt<SalesStage> = SalesStage.QUALIFY;

  @Field(() => Date)
  @Property({ type: 'datetime', columnType: 'timestamptz(3)' })
  createdAt: Opt<Date> = new Date();

  @Field(() => Date)
  @Property({ type: 'datetime', columnType: 'timestamptz(3)' })
  updatedAt: Opt<Date> = new Date();
}
