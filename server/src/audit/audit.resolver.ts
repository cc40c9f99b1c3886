import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { ADMINS, readsLeadsOnly } from '../access/policy';
import { isUuid } from '../common/ids';
import { loadRelated } from '../common/loaders';
import { connectionType, type ConnectionShape } from '../common/pagination';
import type { Readable, Row } from '../common/rows';
import type { Context } from '../context';
import { Lead } from '../leads/lead.entity';
import { User } from '../users/user.entity';
import { userRows } from '../users/user.queries';
import { AuditEntry } from './audit-entry.entity';
import { entriesOf, historiesOf } from './audit.queries';

export const AuditEntryConnection = connectionType<AuditEntry>('AuditEntry', () => AuditEntry);

@Resolver(() => AuditEntry)
export class AuditEntryResolver {
  @Authorized(ADMINS)
  @Query(() => AuditEntryConnection, {
    description: "Audit entries of any entity, newest first; they outlive the entity (a deleted lead's history stays here). ADMIN only.",
  })
  auditEntries(
    @Ctx() ctx: Context,
    @Arg('entityId', () => ID) entityId: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 25 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<ConnectionShape<Row<AuditEntry>>> {
    return entriesOf(ctx, isUuid(entityId) ? entityId : null, first, after);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who made the change; null once that user is deleted.' })
  actor(@Root() entry: Readable<AuditEntry>, @Ctx() ctx: Context): Promise<Row<User> | null> {
    return loadRelated(ctx, userRows, entry.actor);
  }
}

@Resolver(() => Lead)
export class LeadHistoryResolver {
  @FieldResolver(() => AuditEntryConnection, { description: 'Every change to the lead, newest first. Empty for a PARTNER.' })
  history(
    @Root() lead: Readable<Lead>,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, defaultValue: 25 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<ConnectionShape<Row<AuditEntry>>> {
    if (readsLeadsOnly(ctx.actor)) return entriesOf(ctx, null, first, after);
    return historiesOf(ctx, first, after).load(lead.id);
  }
}
