import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { STAFF } from '../access/policy';
import { loadRelated } from '../common/loaders';
import type { Readable, Row } from '../common/rows';
import type { Context } from '../context';
import { Lead } from '../leads/lead.entity';
import { leadRows } from '../leads/lead.queries';
import { User } from '../users/user.entity';
import { userRows } from '../users/user.queries';
import { Activity } from './activity.entity';
import { CancelActivityInput, CompleteActivityInput, LogActivityInput } from './activity.inputs';
import { ActivityService } from './activity.service';
import { CancelActivityPayload, CompleteActivityPayload, LogActivityPayload } from './timeline.payloads';

@Resolver(() => Activity)
export class ActivityResolver {
  @Authorized(STAFF)
  @Mutation(() => LogActivityPayload, { description: 'Logs an OPEN activity (phone call, email, task, appointment), owned by the caller, on an OPEN lead. ADMIN and MANAGER: any lead; SALESPERSON: the leads it owns; PARTNER: top-level FORBIDDEN.' })
  logActivity(@Arg('input', () => LogActivityInput) input: LogActivityInput, @Ctx() ctx: Context): Promise<LogActivityPayload> {
    return new ActivityService(ctx.em, ctx.actor).logActivity(input);
  }

  @Authorized(STAFF)
  @Mutation(() => CompleteActivityPayload, { description: 'Moves an OPEN activity of an OPEN lead to COMPLETED; a COMPLETED or CANCELED one gives VALIDATION. Completing an OUTGOING activity of a NEW lead makes it CONTACTED. ADMIN and MANAGER: any lead; SALESPERSON: the leads it owns; PARTNER: top-level FORBIDDEN.' })
  completeActivity(
    @Arg('input', () => CompleteActivityInput) input: CompleteActivityInput, @Ctx() ctx: Context,
  ): Promise<CompleteActivityPayload> {
    return new ActivityService(ctx.em, ctx.actor).completeActivity(input);
  }

  @Authorized(STAFF)
  @Mutation(() => CancelActivityPayload, { description: 'Moves an OPEN activity of an OPEN lead to CANCELED; a COMPLETED or CANCELED one gives ACTIVITY_NOT_OPEN. ADMIN and MANAGER: any lead; SALESPERSON: the leads it owns; PARTNER: top-level FORBIDDEN.' })
  cancelActivity(@Arg('input', () => CancelActivityInput) input: CancelActivityInput, @Ctx() ctx: Context): Promise<CancelActivityPayload> {
    return new ActivityService(ctx.em, ctx.actor).cancelActivity(input);
  }

  @FieldResolver(() => User, { description: 'Who logged the activity.' })
  owner(@Root() activity: Readable<Activity>, @Ctx() ctx: Context): Promise<Row<User> | null> {
    return loadRelated(ctx, userRows, activity.owner);
  }

  @FieldResolver(() => Lead, { description: 'The lead the activity is on.' })
  lead(@Root() activity: Readable<Activity>, @Ctx() ctx: Context): Promise<Row<Lead> | null> {
    return loadRelated(ctx, leadRows, activity.lead);
  }
}
