import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from '../common/enums';
import { keysetPage, likePattern } from '../common/keyset';
import type { ConnectionShape } from '../common/pagination';
import { RowReader, type Row } from '../common/rows';
import { User } from './user.entity';

export const userRows = new RowReader(User);

/**
 * The `users` query: by name (case-insensitively, then id, on its index), `term` a
 * case-insensitive substring of the name or email, `roles` any of them.
 */
export function findUsers(em: EntityManager, args: { first: number; after?: string | null; term: string | null; roles?: Role[] | null }): Promise<ConnectionShape<Row<User>>> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (args.term) {
    where.push("(lower(u.name) like lower(?) escape '\\' or lower(u.email) like lower(?) escape '\\')");
    params.push(likePattern(args.term), likePattern(args.term));
  }
  if (args.roles?.length) { where.push('u.role = any(?::text[])'); params.push(args.roles); }
  return keysetPage(em, userRows, {
    alias: 'u', direction: 'asc', first: args.first, after: args.after, tag: 'user:name',
    sort: [{ sql: 'lower(u.name)', cast: 'text' }], where: where.length ? where.join(' and ') : 'true', params,
  });
}
