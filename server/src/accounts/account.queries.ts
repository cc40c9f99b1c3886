import type { EntityManager } from '@mikro-orm/postgresql';
import { keysetPage, likePattern } from '../common/keyset';
import type { ConnectionShape } from '../common/pagination';
import { RowReader, type Row } from '../common/rows';
import { Account } from './account.entity';

export const accountRows = new RowReader(Account);

/** The `accounts` query: by name, `term` matching the name case-insensitively. */
export function findAccounts(em: EntityManager, args: { first: number; after?: string | null; term: string | null }): Promise<ConnectionShape<Row<Account>>> {
  return keysetPage(em, accountRows, {
    alias: 'a', direction: 'asc', first: args.first, after: args.after, tag: 'account:name',
    sort: [{ sql: 'lower(a.name)', cast: 'text' }],
    where: args.term ? "a.search_text like lower(?) escape '\\'" : 'true', params: args.term ? [likePattern(args.term)] : [],
  });
}
