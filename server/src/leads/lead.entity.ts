import { randomUUID } from 'node:crypto';
import { Entity, type Opt, Enum, Index, ManyToOne, OneToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Account } from '../accounts/account.entity';
import { Contact } from '../contacts/contact.entity';
import { Currency } from '../currencies/currency.entity';
import {
  BudgetStatus, Industry, LeadRating, LeadSource, LeadState, LeadStatusReason, PreferredContactMethod,
  PurchaseProcess, PurchaseTimeframe,
} from '../common/enums';
import type { Opportunity } from '../opportunities/opportunity.entity';
import { User } from '../users/user.entity';

/**
 * A potential sale. Persistence and GraphQL type in one class: only `@Field` members are public;
 * relations are exposed by `LeadResolver` field resolvers so that they load in batches.
 */
@ObjectType({ simpleResolvers: true, description: 'A potential customer, to be qualified into an opportunity or disqualified.' })
@Entity({ tableName: 'lead' })
@Index({ name: 'lead_created_at_idx', properties: ['createdAt', 'id'] })
@Index({ name: 'lead_updated_at_idx', properties: ['updatedAt', 'id'] })
@Index({ name: 'lead_state_idx', properties: ['state', 'createdAt', 'id'] })
export class Lead {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: Opt<string> = randomUUID();

  @Field(() => String)
  @Property({ type: 'string', length: 300 })
  topic!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 50, nullable: true })
  firstName?: string | null;

  @Field(() => String)
  @Property({ type: 'string', length: 50 })
  lastName!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 100, nullable: true })
  jobTitle?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 160, nullable: true })
  companyName?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 100, nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 50, nullable: true })
  businessPhone?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 50, nullable: true })
  mobilePhone?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 200, nullable: true })
  website?: string | null;

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

  @Field(() => Industry, { nullable: true })
  @Enum({ items: () => Industry, type: 'string', nullable: true })
  industry?: Industry | null;

  @Field(() => PreferredContactMethod)
  @Enum({ items: () => PreferredContactMethod, type: 'string', default: PreferredContactMethod.ANY })
  preferredContactMethod: Opt<PreferredContactMethod> = PreferredContactMethod.ANY;

  @Field(() => LeadSource, { nullable: true })
  @Enum({ items: () => LeadSource, type: 'string', nullable: true })
  @Index({ name: 'lead_source_idx' })
  source?: LeadSource | null;

  @Field(() => LeadRating, { nullable: true })
  @Enum({ items: () => LeadRating, type: 'string', nullable: true })
  @Index({ name: 'lead_rating_idx' })
  rating?: LeadRating | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 2000, nullable: true })
  description?: string | null;

  @Property({ type: 'decimal', precision: 15, scale: 2, nullable: true })
  budgetAmount?: string | null;

  @ManyToOne(() => Currency, { ref: true, nullable: true, fieldName: 'budget_currency_code', deleteRule: 'restrict' })
  budgetCurrency?: Ref<Currency> | null;

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

  @ManyToOne(() => Account, { ref: true, nullable: true, deleteRule: 'set null' })
  existingAccount?: Ref<Account> | null;

  @ManyToOne(() => Contact, { ref: true, nullable: true, deleteRule: 'set null' })
  existingContact?: Ref<Contact> | null;

  @Field(() => LeadState)
  @Enum({ items: () => LeadState, type: 'string', default: LeadState.OPEN })
  state: Opt<LeadState> = LeadState.OPEN;

  @Field(() => LeadStatusReason)
  @Enum({ items: () => LeadStatusReason, type: 'string', default: LeadStatusReason.NEW })
  @Index({ name: 'lead_status_reason_idx' })
  statusReason: Opt<LeadStatusReason> = LeadStatusReason.NEW;

  @ManyToOne(() => User, { ref: true, deleteRule: 'restrict', index: 'lead_owner_idx' })
  owner!: Ref<User>;

  /** Who created the lead; a PARTNER sees only the leads it created. */
  @ManyToOne(() => User, { ref: true, deleteRule: 'restrict', index: 'lead_created_by_idx' })
  createdBy!: Ref<User>;

  @Field(() => Date)
  @Property({ type: 'datetime', columnType: 'timestamptz(3)' })
  createdAt: Opt<Date> = new Date();

  @Field(() => Date)
  @Property({ type: 'datetime', columnType: 'timestamptz(3)' })
  updatedAt: Opt<Date> = new Date();

  @Field(() => Int, { description: 'Optimistic concurrency token, +1 on every change.' })
  @Property({ type: 'integer', default: 1 })
  version: Opt<number> = 1;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', columnType: 'timestamptz(3)', nullable: true })
  qualifiedAt?: Date | null;

  @OneToOne({ entity: 'Opportunity', ref: true, nullable: true, owner: true, deleteRule: 'set null', unique: 'lead_qualifying_opportunity_unique' })
  qualifyingOpportunity?: Ref<Opportunity> | null;

  @ManyToOne(() => Account, { ref: true, nullable: true, deleteRule: 'set null' })
  account?: Ref<Account> | null;

  @ManyToOne(() => Contact, { ref: true, nullable: true, deleteRule: 'set null' })
  contact?: Ref<Contact> | null;

  /** Set when mergeLeads folded this lead into another; the lead is then DISQUALIFIED/CANCELED. */
  @ManyToOne({ entity: () => Lead, ref: true, nullable: true, deleteRule: 'set null' })
  mergedInto?: Ref<Lead> | null;

  /**
   * The newest of: a note added, an activity logged or completed. Kept current by the timeline
   * commands in their own transactions (see docs/timeline.md); not a field of the lead's own, so
   * it neither bumps `version` nor appears in history.
   */
  @Field(() => Date, { nullable: true, description: 'The newest of: a note added, an activity logged or completed; null when none.' })
  @Property({ type: 'datetime', columnType: 'timestamptz(3)', nullable: true })
  lastActivityAt?: Date | null;

  /** The earliest due date among the lead's OPEN activities, kept current like `lastActivityAt`. */
  @Field(() => Date, { nullable: true, description: "The earliest dueAt among the lead's OPEN activities; null when none is due." })
  @Property({ type: 'datetime', columnType: 'timestamptz(3)', nullable: true })
  nextFollowUpAt?: Date | null;
}
