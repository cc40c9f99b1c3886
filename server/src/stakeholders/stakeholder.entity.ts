import { randomUUID } from 'node:crypto';
import { Entity, type Opt, Enum, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { StakeholderRole } from '../common/enums';
import { Contact } from '../contacts/contact.entity';
import type { Lead } from '../leads/lead.entity';
import type { Opportunity } from '../opportunities/opportunity.entity';

/**
 * A contact connected to a lead, or to an opportunity (qualifying copies a lead's stakeholders),
 * with a role. Exactly one of `lead` / `opportunity` is set.
 */
@ObjectType({ simpleResolvers: true, description: 'A contact connected to a lead or an opportunity with a role.' })
@Entity({ tableName: 'stakeholder' })
@Unique({ name: 'stakeholder_lead_contact_unique', properties: ['lead', 'contact'] })
@Unique({ name: 'stakeholder_opportunity_contact_unique', properties: ['opportunity', 'contact'] })
export class Stakeholder {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: Opt<string> = randomUUID();

  @ManyToOne({ entity: 'Lead', ref: true, nullable: true, deleteRule: 'cascade' })
  lead?: Ref<Lead> | null;

  @ManyToOne({ entity: 'Opportunity', ref: true, nullable: true, deleteRule: 'cascade' })
  opportunity?: Ref<Opportunity> | null;

  @ManyToOne(() => Contact, { ref: true, deleteRule: 'restrict', index: 'stakeholder_contact_idx' })
  contact!: Ref<Contact>;

  @Field(() => StakeholderRole)
  @Enum({ items: () => StakeholderRole, type: 'string', default: StakeholderRole.STAKEHOLDER })
  role: Opt<StakeholderRole> = StakeholderRole.STAKEHOLDER;

  @Field(() => Date)
  @Property({ type: 'datetime', columnType: 'timestamptz(3)' })
  createdAt: Opt<Date> = new Date();
}
