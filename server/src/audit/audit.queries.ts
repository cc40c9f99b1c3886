import { keysetPage, keysetPagesByParent, type SortKey } from '../common/keyset';
import { requestLoader } from '../common/loaders';
import { pageSize, type ConnectionShape } from '../common/pagination';
import { RowReader, type Row } from '../common/rows';
import type { Context } from '../context';
import { AuditEntry } from './audit-entry.entity';

export const auditRows = new RowReader(AuditEntry);

const AT: SortKey[] = [{ sql: 'a.at', cast: 'timestamptz' }];
/** A cursor names its entity, so that one entity's cursor cannot page another's history. */
const auditTag = (entityId: string) => `audit:${entityId}`;

/** The audit entries of one entity, newest first, keyset-paged on (at, id); none for a null id. */
export function entriesOf(ctx: Context, entityId: string | null, first: number, after?: string | null): Promise<ConnectionShape<Row<AuditEntry>>> {
  return keysetPage(ctx.em, auditRows, {
    alias: 'a', sort: AT, direction: 'desc',
    where: entityId ? 'a.entity_id = ?' : 'false', params: entityId ? [entityId] : [],
    first: pageSize(first), after, tag: auditTag(entityId ?? ''),
  });
}

/** The same page of many leads' histories in one statement, for lists of leads. */
export function historiesOf(ctx: Context, first: number, after: string | null | undefined) {
  const size = pageSize(first);
  return requestLoader<string, ConnectionShape<Row<AuditEntry>>>(ctx, `history:${size}:${after ?? ''}`, (ids) =>
    keysetPagesByParent(ctx.em, auditRows, ids, {
      alias: 'a', parentColumn: 'entity_id', sort: AT, direction: 'desc', first: size, after, tag: auditTag,
    }));
}
