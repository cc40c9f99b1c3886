import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../common/enums';
import { isUuid } from '../common/ids';
import { keysetPage } from '../common/keyset';
import { connectionType, pageSize, type ConnectionShape } from '../common/pagination';
import type { Context } from '../context';
import { Lead } from '../leads/lead.entity';
import { User } from '../users/user.entity';
import { AuditEntry } from './audit-entry.entity';

export const AuditEntryConnection = connectionType<AuditEntry>('AuditEntry', () => AuditEntry);

/** The audit entries of one entity, newest first, keyset-paged on (at, id). */
function entriesOf(ctx: Context, entityId: string | null, first: number, after?: string | null): Promise<ConnectionShape<AuditEntry>> {
  return keysetPage(ctx.em, AuditEntry, {
    table: 'audit_entry', alias: 'a', sort: [{ sql: 'a.at', cast: 'timestamptz' }], direction: 'desc',
    where: entityId ? 'a.entity_id = ?' : 'false', params: entityId ? [entityId] : [],
    first: pageSize(first), after, tag: 'audit:at',
  });
}

@Resolver(() => AuditEntry)
export class AuditEntryResolver {
  @Authorized([Role.ADMIN])
  @Query(() => AuditEntryConnection, {
    description: "Audit entries of any entity, newest first; they outlive the entity (a deleted lead's history stays here). ADMIN only.",
  })
  auditEntries(
    @Ctx() ctx: Context,
    @Arg('entityId', () => ID) entityId: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 25 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<ConnectionShape<AuditEntry>> {
    return entriesOf(ctx, isUuid(entityId) ? entityId : null, first, after);
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who made the change; null once that user is deleted.' })
  async actor(@Root() entry: AuditEntry): Promise<User | null> {
    return entry.actor ? entry.actor.load() : null;
  }
}

@Resolver(() => Lead)
export class LeadHistoryResolver {
  @FieldResolver(() => AuditEntryConnection, { description: 'Every change to the lead, newest first. Empty for a PARTNER.' })
  history(
    @Root() lead: Lead,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, defaultValue: 25 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<ConnectionShape<AuditEntry>> {
    return entriesOf(ctx, ctx.actor.role === Role.PARTNER ? null : lead.id, first, after);
  }
}
