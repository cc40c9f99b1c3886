import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { TimelineKind } from '../common/enums';
import { readsLeadsOnly } from '../access/policy';
import { emptyConnection, pageSize, type ConnectionShape } from '../common/pagination';
import type { Context } from '../context';
import { Lead } from '../leads/lead.entity';
import { TimelineConnection, type TimelineNode } from './timeline.payloads';
import { leadTimeline } from './timeline.queries';

@Resolver(() => Lead)
export class LeadTimelineResolver {
  @FieldResolver(() => TimelineConnection, { description: 'Notes and activities, newest first. An empty or absent `kinds` does not filter. Empty for a PARTNER.' })
  timeline(
    @Root() lead: Lead,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, defaultValue: 25 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('kinds', () => [TimelineKind], { nullable: true }) kinds?: TimelineKind[] | null,
  ): Promise<ConnectionShape<TimelineNode>> {
    const size = pageSize(first);
    if (readsLeadsOnly(ctx.actor)) return Promise.resolve(emptyConnection());
    return leadTimeline(ctx, lead.id, { first: size, after, kinds });
  }
}
