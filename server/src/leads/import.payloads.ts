import { Field, Int, ObjectType } from 'type-graphql';
import { ImportAction } from '../common/enums';
import { UserError } from '../common/errors';
import { Lead } from './lead.entity';
import type { LeadRecord } from './qualify.plan';

/** The lead is a plain record (see `db/bulk.ts`): relations as `{ id }`, as the field resolvers read them. */
@ObjectType({ description: 'What importing one row did (or, with dryRun, would do).' })
export class ImportLeadResult {
  @Field(() => Int, { description: "The row's index in the input's rows, from 0." })
  index!: number;

  @Field(() => ImportAction, { description: 'CREATED, UPDATED, SKIPPED or FAILED.' })
  action!: ImportAction;

  @Field(() => Lead, { nullable: true, description: 'The lead created, updated or skipped (the matched one); null when the row FAILED, and with dryRun for a lead that would be created (it has no id yet). With dryRun an updated lead is shown as it is now.' })
  lead!: LeadRecord | null;

  @Field(() => [UserError], { description: 'Why the row FAILED (its input path in field); empty otherwise.' })
  userErrors!: UserError[];
}

@ObjectType({ description: 'The outcome of importLeads: one result per row, in order, and the counts of each action.' })
export class ImportLeadsPayload {
  @Field(() => [ImportLeadResult], { description: 'One per row of the input, in order.' })
  results!: ImportLeadResult[];

  @Field(() => Boolean, { description: 'Whether this was a dry run (input `dryRun`): when true nothing was written, and the counts and results say what would have happened.' })
  dryRun!: boolean;

  @Field(() => Int, { description: 'Rows that created a lead.' })
  createdCount!: number;

  @Field(() => Int, { description: 'Rows that updated the lead they matched.' })
  updatedCount!: number;

  @Field(() => Int, { description: 'Rows that matched a lead and left it alone.' })
  skippedCount!: number;

  @Field(() => Int, { description: 'Rows that failed; with allOrNone, all rows when any failed.' })
  failedCount!: number;

  @Field(() => [UserError], { description: 'Failures of the whole call; the failures of single rows are in their results.' })
  userErrors!: UserError[];
}
