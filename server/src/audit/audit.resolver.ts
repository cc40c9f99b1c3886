import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { ADMINS, readsLeadsOnly } from '../access/policy';
import { isUuid } from '../common/ids';
import { keysetPage, keysetPagesByParent, type SortKey } from '../common/keyset';
import { requestLoader } from '../common/loaders';
import { connectionType, pageSize, type ConnectionShape } from '../common/pagination';
import type { Context } from '../context';
import { Lead } from '../leads/lead.entity';
import { User } from '../users/user.entity';
import { AuditEntry } from './audit-entry.entity';

export const AuditEntryConnection = connectionType<AuditEntry>('AuditEntry', () => AuditEntry);

const AT: SortKey[] = [{ sql: 'a.at', cast: 'timestamptz' }];
/** A cursor names its entity, so that one entity's cursor cannot page another's history. */
const auditTag = (entityId: string) => `audit:${entityId}`;

/** The audit entries of one entity, newest first, keyset-paged on (at, id). */
function entriesOf(ctx: Context, entityId: string | null, first: number, after?: string | null): Promise<ConnectionShape<AuditEntry>> {
  return keysetPage(ctx.em, AuditEntry, {
    table: 'audit_entry', alias: 'a', sort: AT, direction: 'desc',
    where: entityId ? 'a.entity_id = ?' : 'false', params: entityId ? [entityId] : [],
    first: pageSize(first), after, tag: auditTag(entityId ?? ''),
  });
}

/** The same page of many leads' histories in one statement, for lists of leads. */
function historiesOf(ctx: Context, first: number, after: string | null | undefined) {
  const size = pageSize(first);
  return requestLoader<string, ConnectionShape<AuditEntry>>(ctx, `history:${size}:${after ?? ''}`, (ids) =>
    keysetPagesByParent(ctx.em, AuditEntry, ids, {
      table: 'audit_entry', alias: 'a', parentColumn: 'entity_id', sort: AT, direction: 'desc', first: size, after, tag: auditTag,
    }));
}

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
    if (readsLeadsOnly(ctx.actor)) return entriesOf(ctx, null, first, after);
    return historiesOf(ctx, first, after).load(lead.id);
  }
}
