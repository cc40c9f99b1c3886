import { Field, ID, Int, ObjectType } from 'type-graphql';
import { UserError } from '../common/errors';
import { Lead } from './lead.entity';
import type { LeadRecord } from './qualify.plan';

/** The lead is a plain record (see `db/bulk.ts`): relations as `{ id }`, as the field resolvers read them. */
@ObjectType({ description: 'What mergeLeads returns: the target as merged and the leads folded into it, or userErrors and nothing else.' })
export class MergeLeadsPayload {
  @Field(() => Lead, { nullable: true, description: 'The target as merged (with dryRun: as it would be); null when there are userErrors.' })
  lead!: LeadRecord | null;

  @Field(() => [ID], { description: 'The source ids, in the order of sourceIds, now merged into the target (with dryRun: that would be); empty when there are userErrors.' })
  mergedLeadIds!: string[];

  @Field(() => Boolean, { description: 'Whether this was a dry run (input `dryRun`): when true nothing was written.' })
  dryRun!: boolean;

  @Field(() => Int, { description: 'Notes (with their attachments) moved from the sources to the target (with dryRun: that would move).' })
  movedNotes!: number;

  @Field(() => Int, { description: 'Activities moved from the sources to the target (with dryRun: that would move).' })
  movedActivities!: number;

  @Field(() => Int, { description: 'Stakeholders moved from the sources to the target (with dryRun: that would move). A contact the target already has, or that an earlier source gives, stays on its source.' })
  movedStakeholders!: number;

  @Field(() => [UserError], { description: 'Why nothing was merged: VALIDATION, NOT_FOUND, FORBIDDEN, LEAD_NOT_OPEN, each with the input path.' })
  userErrors!: UserError[];
}
