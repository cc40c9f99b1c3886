import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { TimelineKind } from '../common/enums';
import { pageSize, type ConnectionShape } from '../common/pagination';
import type { Context } from '../context';
import { Lead } from '../leads/lead.entity';
import { TimelineConnection, type TimelineNode } from './timeline.payloads';
import { leadTimeline } from './timeline.queries';

@Resolver(() => Lead)
export class LeadTimelineResolver {
  @FieldResolver(() => TimelineConnection, { description: 'Notes and activities, newest first. An empty or absent `kinds` does not filter.' })
  timeline(
    @Root() lead: Lead,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, defaultValue: 25 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('kinds', () => [TimelineKind], { nullable: true }) kinds?: TimelineKind[] | null,
  ): Promise<ConnectionShape<TimelineNode>> {
    return leadTimeline(ctx, lead.id, { first: pageSize(first), after, kinds });
  }
}
