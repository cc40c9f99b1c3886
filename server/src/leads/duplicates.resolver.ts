import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { canReadLead } from '../access/policy';
import { badUserInput } from '../common/errors';
import { isUuid } from '../common/ids';
import { rowsById } from '../common/loaders';
import { validateInput } from '../common/validation';
import type { Context } from '../context';
import { duplicateMatches, findDuplicates } from './lead.duplicates';
import { CreateLeadInput } from './lead.inputs';
import { DuplicateMatch } from './lead.payloads';
import { leadRows } from './lead.queries';

/** The duplicate queries: what a lead, saved or about to be, duplicates among the OPEN leads the caller may read. */
@Resolver()
export class DuplicatesResolver {
  @Authorized()
  @Query(() => [DuplicateMatch], { description: 'The OPEN leads visible to the caller that this lead duplicates, the best match first (at most 25); the lead itself is never among them. Empty when the lead does not exist or is not visible. Every role; a PARTNER is matched against the leads it created only.' })
  async leadDuplicates(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<DuplicateMatch[]> {
    if (!isUuid(id)) return [];
    const lead = await rowsById(ctx, leadRows).load(id.toLowerCase());
    if (!lead || !canReadLead(ctx.actor, lead)) return [];
    return duplicateMatches(ctx.em, await findDuplicates(ctx.em, ctx.actor, lead, lead.id));
  }

  @Authorized()
  @Query(() => [DuplicateMatch], { description: 'The OPEN leads visible to the caller that a lead with these fields would duplicate, the best match first (at most 25): what createLead would report. Input that createLead would refuse is a top-level BAD_USER_INPUT. Every role; a PARTNER is matched against the leads it created only.' })
  async findDuplicateLeads(@Arg('input', () => CreateLeadInput) input: CreateLeadInput, @Ctx() ctx: Context): Promise<DuplicateMatch[]> {
    const errors = await validateInput(input);
    if (errors.length) throw badUserInput(errors.map((e) => `${(e.field ?? []).join('.')}: ${e.message}`).join('; '), 'input');
    return duplicateMatches(ctx.em, await findDuplicates(ctx.em, ctx.actor, input));
  }
}
