import { assertListLimit, MAX_QUALIFY_IDS } from '../common/limits';
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { STAFF } from '../access/policy';
import type { Context } from '../context';
import { DeleteLeadInput, DisqualifyLeadInput, ReactivateLeadInput } from './lifecycle.inputs';
import { DeleteLeadPayload, DisqualifyLeadPayload, ReactivateLeadPayload } from './lifecycle.payloads';
import { LifecycleService } from './lifecycle.service';
import { QualifyLeadsInput } from './qualify.inputs';
import { QualifyLeadsPayload } from './qualify.payloads';
import { QualifyService } from './qualify.service';

@Resolver()
export class LeadLifecycleResolver {
  @Authorized(STAFF)
  @Mutation(() => QualifyLeadsPayload, { description: 'Qualifies up to 1000 leads in one transaction; one result per id, in order.' })
  qualifyLeads(@Arg('input', () => QualifyLeadsInput) input: QualifyLeadsInput, @Ctx() ctx: Context): Promise<QualifyLeadsPayload> {
    assertListLimit(input.leadIds, MAX_QUALIFY_IDS, 'input.leadIds');
    return new QualifyService(ctx.em, ctx.actor).qualifyLeads(input);
  }

  @Authorized(STAFF)
  @Mutation(() => DisqualifyLeadPayload)
  disqualifyLead(@Arg('input', () => DisqualifyLeadInput) input: DisqualifyLeadInput, @Ctx() ctx: Context): Promise<DisqualifyLeadPayload> {
    return new LifecycleService(ctx.em, ctx.actor).disqualifyLead(input);
  }

  @Authorized(STAFF)
  @Mutation(() => ReactivateLeadPayload)
  reactivateLead(@Arg('input', () => ReactivateLeadInput) input: ReactivateLeadInput, @Ctx() ctx: Context): Promise<ReactivateLeadPayload> {
    return new LifecycleService(ctx.em, ctx.actor).reactivateLead(input);
  }

  @Authorized(STAFF)
  @Mutation(() => DeleteLeadPayload, { description: 'Deletes the lead with its timeline and stakeholders; what it produced stays.' })
  deleteLead(@Arg('input', () => DeleteLeadInput) input: DeleteLeadInput, @Ctx() ctx: Context): Promise<DeleteLeadPayload> {
    return new LifecycleService(ctx.em, ctx.actor).deleteLead(input);
  }
}
