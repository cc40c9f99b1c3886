import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Account } from '../accounts/account.entity';
import { UserError } from '../common/errors';
import { Contact } from '../contacts/contact.entity';
import { Opportunity } from '../opportunities/opportunity.entity';
import { Lead } from './lead.entity';
import type { AccountRecord, ContactRecord, LeadRecord, OpportunityRecord } from './qualify.plan';

/** The records are plain (see `db/bulk.ts`): relations as `{ id }`, as the field resolvers read them. */
@ObjectType({ description: 'What qualifying one lead did (or, with dryRun, would do).' })
export class QualifyLeadResult {
  @Field(() => ID, { description: 'The id as given in leadIds.' })
  leadId!: string;

  @Field(() => Lead, { nullable: true, description: 'Null when the lead does not exist or is not visible.' })
  lead!: LeadRecord | null;

  @Field(() => Opportunity, { nullable: true, description: 'Null with dryRun when it would be created.' })
  opportunity!: OpportunityRecord | null;

  @Field(() => Account, { nullable: true, description: 'The linked or created account; with dryRun only a linked one.' })
  account!: AccountRecord | null;

  @Field(() => Contact, { nullable: true, description: 'The linked or created contact; with dryRun only a linked one.' })
  contact!: ContactRecord | null;

  @Field(() => Boolean)
  accountCreated!: boolean;

  @Field(() => Boolean)
  contactCreated!: boolean;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class QualifyLeadsPayload {
  @Field(() => [QualifyLeadResult], { description: 'One per id of leadIds, in order; empty when the call was refused as a whole.' })
  results!: QualifyLeadResult[];

  @Field(() => Boolean, { description: 'Whether this was a dry run (input `dryRun`): when true nothing was written, and the counts and results say what would have happened.' })
  dryRun!: boolean;

  @Field(() => Int)
  qualifiedCount!: number;

  @Field(() => Int)
  failedCount!: number;

  @Field(() => [UserError], { description: 'Failures of the whole call (VALIDATION, UNKNOWN_CURRENCY); nothing was written.' })
  userErrors!: UserError[];
}
