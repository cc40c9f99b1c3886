import { assertListLimit, MAX_ID_LIST, MAX_QUALIFY_IDS } from '../common/limits';
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { STAFF } from '../access/policy';
import type { Context } from '../context';
import { DeleteLeadInput, DisqualifyLeadInput, ReactivateLeadInput } from './lifecycle.inputs';
import { DeleteLeadPayload, DisqualifyLeadPayload, ReactivateLeadPayload } from './lifecycle.payloads';
import { LifecycleService } from './lifecycle.service';
import { MergeLeadsInput } from './merge.inputs';
import { MergeLeadsPayload } from './merge.payloads';
import { MERGE_FIELDS, MergeService } from './merge.service';
import { QualifyLeadsInput } from './qualify.inputs';
import { QualifyLeadsPayload } from './qualify.payloads';
import { QualifyService } from './qualify.service';

@Resolver()
export class LeadLifecycleResolver {
  @Authorized(STAFF)
  @Mutation(() => QualifyLeadsPayload, { description: 'Qualifies 1..1000 OPEN leads into opportunities, accounts and contacts in one transaction; one result per id, in order. \`dryRun\` reports what would happen and writes nothing. ADMIN and MANAGER: any lead; SALESPERSON: the leads it owns; PARTNER: top-level FORBIDDEN.' })
  async qualifyLeads(@Arg('input', () => QualifyLeadsInput) input: QualifyLeadsInput, @Ctx() ctx: Context): Promise<QualifyLeadsPayload> {
    assertListLimit(input.leadIds, MAX_QUALIFY_IDS, 'input.leadIds');
    if (input.overrides) assertListLimit(input.overrides, MAX_QUALIFY_IDS, 'input.overrides');
    const payload = await new QualifyService(ctx.em, ctx.actor).qualifyLeads(input);
    // Absent or null means no dry run, as for the input's other options.
    return Object.assign(payload, { dryRun: input.dryRun ?? false });
  }

  @Authorized(STAFF)
  @Mutation(() => DisqualifyLeadPayload, { description: 'Closes an OPEN lead as DISQUALIFIED with a reason (default LOST) and an audited comment. ADMIN and MANAGER: any lead; SALESPERSON: the leads it owns; PARTNER: top-level FORBIDDEN.' })
  disqualifyLead(@Arg('input', () => DisqualifyLeadInput) input: DisqualifyLeadInput, @Ctx() ctx: Context): Promise<DisqualifyLeadPayload> {
    return new LifecycleService(ctx.em, ctx.actor).disqualifyLead(input);
  }

  @Authorized(STAFF)
  @Mutation(() => ReactivateLeadPayload, { description: 'Reopens a QUALIFIED or DISQUALIFIED lead (OPEN, status NEW), keeping its opportunity, account and contact. ADMIN and MANAGER: any lead; SALESPERSON: the leads it owns; PARTNER: top-level FORBIDDEN.' })
  reactivateLead(@Arg('input', () => ReactivateLeadInput) input: ReactivateLeadInput, @Ctx() ctx: Context): Promise<ReactivateLeadPayload> {
    return new LifecycleService(ctx.em, ctx.actor).reactivateLead(input);
  }

  @Authorized(STAFF)
  @Mutation(() => MergeLeadsPayload, { description: `Folds 1..3 OPEN source leads into an OPEN target in one transaction: the target keeps its field values except those \`fieldWinners\` takes from a source, and receives the sources' notes (with attachments), activities and stakeholders (a contact the target already has keeps the target's role); each source becomes DISQUALIFIED/CANCELED with \`mergedInto\` = the target. Mergeable fields: ${Object.keys(MERGE_FIELDS).join(', ')}. \`dryRun\` returns the merged lead as it would be and writes nothing. ADMIN and MANAGER: any leads; SALESPERSON: only leads it owns (the target and every source); PARTNER: top-level FORBIDDEN.` })
  mergeLeads(@Arg('input', () => MergeLeadsInput) input: MergeLeadsInput, @Ctx() ctx: Context): Promise<MergeLeadsPayload> {
    assertListLimit(input.sourceIds, MAX_ID_LIST, 'input.sourceIds');
    if (input.fieldWinners) assertListLimit(input.fieldWinners, MAX_ID_LIST, 'input.fieldWinners');
    return new MergeService(ctx.em, ctx.actor).mergeLeads(input);
  }

  @Authorized(STAFF)
  @Mutation(() => DeleteLeadPayload, { description: 'Deletes a lead in any state with its timeline and stakeholders; the opportunity, account and contact it produced stay, and so does its audit trail. ADMIN and MANAGER: any lead; SALESPERSON: the leads it owns; PARTNER: top-level FORBIDDEN.' })
  deleteLead(@Arg('input', () => DeleteLeadInput) input: DeleteLeadInput, @Ctx() ctx: Context): Promise<DeleteLeadPayload> {
    return new LifecycleService(ctx.em, ctx.actor).deleteLead(input);
  }
}
